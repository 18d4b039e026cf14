//go:build linux

package simd

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"unsafe"
)

// pageGuarded returns n floats of mapped memory with an inaccessible page
// right after them (atEnd) or right before them, so that any access one byte
// beyond the slice faults. It skips the test when mmap is not available.
func pageGuarded(t *testing.T, n int, atEnd bool) []float32 {
	t.Helper()
	ps := syscall.Getpagesize()
	data := (4*n + ps - 1) / ps * ps
	mem, err := syscall.Mmap(-1, 0, data+2*ps, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[:ps], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	if err := syscall.Mprotect(mem[ps+data:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	off := ps
	if atEnd {
		off = ps + data - 4*n
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&mem[off])), n)
}

// TestWinograd43GuardPages runs both transforms on slices that start right
// after or end right before an inaccessible page: image padding (column −1,
// columns ≥ w, rows outside the image), the tail lanes of the planes and of
// the output rows must not be touched even one float beyond (a fault in the
// assembly ends the test binary).
func TestWinograd43GuardPages(t *testing.T) {
	type geom struct{ h, w, i, j0, n, nc int }
	geoms := []geom{
		{9, 14, 0, 0, 4, 2},    // top tile row, left edge, column 14..16 padding
		{9, 14, 2, 0, 4, 2},    // bottom tile row: rows 9..12 outside
		{9, 14, 2, 3, 1, 3},    // the last tile alone
		{5, 5, 1, 0, 2, 1},     // one image row left below the tile row's top
		{1, 1, 0, 0, 1, 1},     // a single pixel
		{8, 66, 2, 0, 17, 2},   // 16 + 1 tiles, right edge
		{12, 130, 1, 1, 32, 2}, // two full blocks ending at the right edge
		{12, 130, 3, 15, 18, 1},
	}
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(17, 18))
		for _, g := range geoms {
			for _, atEnd := range []bool{false, true} {
				// Input: channels back to back, planes packed as a GEMM panel.
				ch, xi, cs := g.h*g.w, g.nc*g.n, g.n
				x := pageGuarded(t, (g.nc-1)*ch+g.h*g.w, atEnd)
				fillRandom(rng, x, false)
				v := pageGuarded(t, 35*xi+(g.nc-1)*cs+g.n, atEnd)
				want := make([]float32, len(v))
				WinogradInputImage4x3(x, ch, g.h, g.w, g.i, g.j0, g.nc, g.n, v, xi, cs)
				winogradInput43Generic(x, ch, g.h, g.w, g.i, g.j0, g.nc, g.n, want, xi, cs)
				for k := range v {
					if !sameBits(v[k], want[k]) {
						t.Fatalf("input %+v atEnd=%v: element %d = %v, generic %v", g, atEnd, k, v[k], want[k])
					}
				}
				// Output: the planes back in, 4 rows of 4n floats per channel out.
				row := 4 * g.n
				y := pageGuarded(t, (g.nc-1)*4*row+3*row+4*g.n, atEnd)
				wantY := make([]float32, len(y))
				WinogradOutput4x3(v, xi, cs, g.nc, g.n, y, 4*row, row)
				winogradOutput43Generic(v, xi, cs, g.nc, g.n, wantY, 4*row, row, nil)
				for k := range y {
					if !sameBits(y[k], wantY[k]) {
						t.Fatalf("output %+v atEnd=%v: element %d = %v, generic %v", g, atEnd, k, y[k], wantY[k])
					}
				}
			}
		}
	})
}

// TestWinogradPairGuardPages is TestWinograd43GuardPages for the pair
// transforms of both variants: both runs at the image's edges, the slices
// ending at or starting right after an inaccessible page.
func TestWinogradPairGuardPages(t *testing.T) {
	type geom struct {
		h, w, nc int
		a, b     WinogradRun
	}
	geoms := []geom{
		{28, 28, 2, WinogradRun{I: 0, J0: 0, N: 7}, WinogradRun{I: 6, J0: 0, N: 7}}, // top and bottom rows
		{28, 28, 2, WinogradRun{I: 6, J0: 3, N: 4}, WinogradRun{I: 0, J0: 0, N: 2}},
		{5, 5, 1, WinogradRun{I: 1, J0: 0, N: 2}, WinogradRun{I: 0, J0: 1, N: 1}},
		{1, 1, 1, WinogradRun{N: 1}, WinogradRun{N: 1}},
		{9, 29, 3, WinogradRun{I: 2, J0: 1, N: 7}, WinogradRun{I: 1, J0: 0, N: 7}}, // right edge, 8 tiles a row
	}
	for _, v := range wgPairVariants {
		forEachLevel(t, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(19, 20))
			for _, g := range geoms {
				for _, atEnd := range []bool{false, true} {
					ch, cs := g.h*g.w, 16
					xi := g.nc * cs
					a, b := g.a, g.b
					a.Dst, b.Dst = 0, a.N
					if !atEnd {
						a.Dst, b.Dst = b.N, 0
					}
					x := pageGuarded(t, (g.nc-1)*ch+g.h*g.w, atEnd)
					fillRandom(rng, x, false)
					vp := pageGuarded(t, (v.planes-1)*xi+(g.nc-1)*cs+a.N+b.N, atEnd)
					want := make([]float32, len(vp))
					v.inputPair(x, ch, g.h, g.w, a, b, g.nc, vp, xi, cs)
					v.genericIn(x, ch, g.h, g.w, a, b, g.nc, want, xi, cs)
					for k := range vp {
						if !sameBits(vp[k], want[k]) {
							t.Fatalf("%s input pair %+v atEnd=%v: element %d = %v, generic %v", v.name, g, atEnd, k, vp[k], want[k])
						}
					}
					// Output: A's tiles to the image's first tile row, B's to its last.
					m := v.m
					oa := WinogradRun{Src: a.Dst, N: min(a.N, g.w/m), Dst: 0}
					ob := WinogradRun{Src: b.Dst, N: min(b.N, g.w/m), Dst: (g.h/m - 1) * m * g.w}
					if oa.N < 1 || ob.N < 1 || g.h < 2*m {
						continue
					}
					y := pageGuarded(t, (g.nc-1)*ch+g.h*g.w, atEnd)
					wantY := make([]float32, len(y))
					v.outputPair(vp, xi, cs, g.nc, oa, ob, y, ch, g.w)
					v.genericOut(vp, xi, cs, g.nc, oa, ob, wantY, ch, g.w)
					for k := range y {
						if !sameBits(y[k], wantY[k]) {
							t.Fatalf("%s output pair %+v atEnd=%v: element %d = %v, generic %v", v.name, g, atEnd, k, y[k], wantY[k])
						}
					}
				}
			}
		})
	}
}
