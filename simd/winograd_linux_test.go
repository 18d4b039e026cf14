//go:build linux

package simd

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"unsafe"
)

// The Winograd kernels must not touch memory outside their documented read
// and write sets even where masked lanes or skipped rows would make a stray
// access invisible in the results. These tests put each slice flush against a
// PROT_NONE page — ending where the page begins, and beginning where it ends
// — so that any access past either end faults.

// guardedFloats returns n float32s in fresh anonymous memory that end where a
// PROT_NONE page begins (after) or begin where one ends (!after), and the
// function that unmaps them (called promptly: the tests map thousands of
// slices). It skips the test if the memory cannot be mapped.
func guardedFloats(t *testing.T, n int, after bool) ([]float32, func()) {
	t.Helper()
	page := syscall.Getpagesize()
	data := (4*n + page - 1) / page * page
	mem, err := syscall.Mmap(-1, 0, data+page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	free := func() { syscall.Munmap(mem) }
	guard, start := mem[data:], data-4*n
	if !after {
		guard, start = mem[:page], page
	}
	if err := syscall.Mprotect(guard, syscall.PROT_NONE); err != nil {
		free()
		t.Skipf("mprotect: %v", err)
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&mem[start])), n), free
}

// forEachGuard runs body with the guard page after and before the slices.
func forEachGuard(t *testing.T, body func(t *testing.T, after bool)) {
	forEachLevel(t, func(t *testing.T) {
		for _, after := range []bool{true, false} {
			t.Run(fmt.Sprintf("guard-after=%v", after), func(t *testing.T) { body(t, after) })
		}
	})
}

func TestWinogradOutputGuardPages(t *testing.T) {
	geoms := wgGeoms()
	forEachGuard(t, func(t *testing.T, after bool) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, g := range geoms {
			// The planes in, 2 rows of 2n floats per channel out.
			src, freeSrc := guardedFloats(t, planeLen(g), after)
			dst, freeDst := guardedFloats(t, outputLen(g), after)
			fillRandom(rng, src, false)
			WinogradOutput2x3(src, g.xiStride, g.cStride, g.nc, g.n, dst, g.chStride, g.rowStride)
			freeSrc()
			freeDst()
		}
	})
}

func TestWinogradInputImageGuardPages(t *testing.T) {
	forEachGuard(t, func(t *testing.T, after bool) {
		rng := rand.New(rand.NewPCG(13, 14))
		for _, im := range wgImages() {
			x, freeX := guardedFloats(t, im.len(), after)
			fillRandom(rng, x, false)
			for i := 0; 2*i <= im.h; i++ {
				for _, run := range wgImageRuns(im.w) {
					j0, n := run[0], run[1]
					g := wgGeom{nc: im.nc, n: n, cStride: n, xiStride: im.nc * n}
					dst, freeDst := guardedFloats(t, planeLen(g), after)
					WinogradInputImage2x3(x, im.chStride, im.h, im.w, i, j0, im.nc, n, dst, g.xiStride, g.cStride)
					want := make([]float32, len(dst))
					winogradInputImageGeneric(x, im.chStride, im.h, im.w, i, j0, im.nc, n, want, g.xiStride, g.cStride)
					for e := range want {
						if !sameBits(dst[e], want[e]) {
							t.Errorf("image %d×%d nc=%d i=%d j0=%d n=%d: element %d = %v, generic %v",
								im.h, im.w, im.nc, i, j0, n, e, dst[e], want[e])
							break
						}
					}
					freeDst()
				}
			}
			freeX()
		}
	})
}
