package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The F(4×4,3×3) transforms are checked at every level against the generic
// loops bit for bit (the contract in winograd43.go). Image elements outside
// the rows and columns a tile row uses, and plane elements outside the read
// set, hold the srcGuardBits NaN, so reading a wrong element shows; every
// destination element outside the written set holds guardBits and must keep
// it. TestWinograd43Math checks the math itself against a direct 3×3
// correlation.

// wg43Image is one input geometry: a tile range of an h×w image, nc channels
// chStride apart, transformed into planes xiStride / cStride apart.
type wg43Image struct {
	h, w, i, j0, n, nc int
	chStride           int
	xiStride, cStride  int
	xOff, dstOff       int // slice offsets into the guarded buffers
}

func (g wg43Image) String() string {
	return fmt.Sprintf("h=%d w=%d i=%d j0=%d n=%d nc=%d ch=%d xi=%d c=%d",
		g.h, g.w, g.i, g.j0, g.n, g.nc, g.chStride, g.xiStride, g.cStride)
}

// wg43Ranges lists the tile ranges (j0, n) to test for a row of T tiles:
// all of them for short rows, else the whole row, the edges and the middle.
func wg43Ranges(T int) [][2]int {
	var rs [][2]int
	if T <= 4 {
		for j0 := 0; j0 < T; j0++ {
			for n := 1; j0+n <= T; n++ {
				rs = append(rs, [2]int{j0, n})
			}
		}
		return rs
	}
	return [][2]int{{0, T}, {0, 1}, {T - 1, 1}, {1, T - 2}, {0, T - 1}, {1, T - 1}, {T / 2, 1}, {T / 3, T / 2}}
}

func wg43Images() []wg43Image {
	sizes := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 20, 40}
	var gs []wg43Image
	k := 0
	add := func(h, w int, ncs []int) {
		T := (w + 3) / 4 // tiles j with 4(j+1) ≤ w+3
		for i := 0; 4*i <= h; i++ {
			for _, r := range wg43Ranges(T) {
				for _, nc := range ncs {
					j0, n := r[0], r[1]
					gap := k % 3 * 5
					g := wg43Image{h: h, w: w, i: i, j0: j0, n: n, nc: nc, chStride: h*w + gap,
						xOff: k % 5, dstOff: (k + 2) % 7}
					if k%2 == 0 { // channel-major planes (the GEMM panel layout)
						g.cStride = n + gap
						g.xiStride = nc*g.cStride + gap
					} else { // ξ-major: the 36 planes of a channel together
						g.xiStride = n + 1 + gap
						g.cStride = 36*g.xiStride + gap
					}
					gs = append(gs, g)
					k++
				}
			}
		}
	}
	for _, h := range sizes {
		for _, w := range sizes {
			ncs := []int{1, 3, 17}
			if h*w > 100 {
				ncs = []int{[]int{1, 3, 17}[k%3]}
			}
			add(h, w, ncs)
		}
	}
	// Rows of 17..33 tiles: one or two full blocks and tails.
	for _, w := range []int{64, 66, 80, 100, 127, 130} {
		add(9, w, []int{2})
	}
	return gs
}

func testWinograd43Input(t *testing.T, rng *rand.Rand, g wg43Image, specials bool) {
	t.Helper()
	xl := (g.nc-1)*g.chStride + g.h*g.w
	xbuf := make([]float32, g.xOff+xl+guardLen)
	fillRandom(rng, xbuf, specials)
	// Only rows 4i−1..4i+4 and columns 4j0−1..4(j0+n) of the image are read.
	for k := range xbuf {
		e := k - g.xOff
		c, p := e/g.chStride, e%g.chStride
		row, col := p/g.w, p%g.w
		if e < 0 || e >= xl || p >= g.h*g.w || row < 4*g.i-1 || row > 4*g.i+4 || col < 4*g.j0-1 || col > 4*(g.j0+g.n) || c >= g.nc {
			xbuf[k] = math.Float32frombits(srcGuardBits)
		}
	}
	x := xbuf[g.xOff : g.xOff+xl : g.xOff+xl]
	dl := 35*g.xiStride + (g.nc-1)*g.cStride + g.n
	got, want := guardBuf(g.dstOff+dl+guardLen), guardBuf(g.dstOff+dl+guardLen)
	WinogradInputImage4x3(x, g.chStride, g.h, g.w, g.i, g.j0, g.nc, g.n, got[g.dstOff:g.dstOff+dl:g.dstOff+dl], g.xiStride, g.cStride)
	winogradInput43Generic(x, g.chStride, g.h, g.w, g.i, g.j0, g.nc, g.n, want[g.dstOff:g.dstOff+dl], g.xiStride, g.cStride)
	written := make([]bool, len(got))
	for xi := range 36 {
		for c := range g.nc {
			for j := range g.n {
				written[g.dstOff+xi*g.xiStride+c*g.cStride+j] = true
			}
		}
	}
	checkAgainst(t, "input "+g.String(), got, want, written)
}

func TestWinogradInputImage4x3(t *testing.T) {
	gs := wg43Images()
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, g := range gs {
			testWinograd43Input(t, rng, g, false)
		}
		// ±0, ±Inf and NaN flow through the same operations.
		for k, g := range gs {
			if k%7 == 0 {
				testWinograd43Input(t, rng, g, true)
			}
		}
	})
}

// wg43Out is one output geometry.
type wg43Out struct {
	nc, n, xiStride, cStride, chStride, rowStride int
	srcOff, dstOff                                int
}

func (g wg43Out) String() string {
	return fmt.Sprintf("nc=%d n=%d xi=%d c=%d ch=%d row=%d", g.nc, g.n, g.xiStride, g.cStride, g.chStride, g.rowStride)
}

func wg43Outs() []wg43Out {
	var gs []wg43Out
	k := 0
	for n := 1; n <= 40; n++ {
		for _, nc := range []int{1, 3, 17} {
			for _, gap := range []int{0, 3} {
				row := 4*n + gap
				g := wg43Out{nc: nc, n: n, chStride: 4*row + gap, rowStride: row, srcOff: k % 5, dstOff: (k + 2) % 7}
				if k%2 == 0 {
					g.cStride = n + gap
					g.xiStride = nc*g.cStride + gap
				} else {
					g.xiStride = n + 1 + gap
					g.cStride = 36*g.xiStride + gap
				}
				gs = append(gs, g)
				k++
			}
		}
	}
	return gs
}

func testWinograd43Output(t *testing.T, rng *rand.Rand, g wg43Out, specials bool) {
	t.Helper()
	sl := 35*g.xiStride + (g.nc-1)*g.cStride + g.n
	read := make([]bool, g.srcOff+sl+guardLen)
	for xi := range 36 {
		for c := range g.nc {
			for j := range g.n {
				read[g.srcOff+xi*g.xiStride+c*g.cStride+j] = true
			}
		}
	}
	sbuf := guardedInput(rng, read, specials)
	src := sbuf[g.srcOff : g.srcOff+sl : g.srcOff+sl]
	dl := (g.nc-1)*g.chStride + 3*g.rowStride + 4*g.n
	got, want := guardBuf(g.dstOff+dl+guardLen), guardBuf(g.dstOff+dl+guardLen)
	WinogradOutput4x3(src, g.xiStride, g.cStride, g.nc, g.n, got[g.dstOff:g.dstOff+dl:g.dstOff+dl], g.chStride, g.rowStride)
	winogradOutput43Generic(src, g.xiStride, g.cStride, g.nc, g.n, want[g.dstOff:g.dstOff+dl], g.chStride, g.rowStride, nil)
	written := make([]bool, len(got))
	for c := range g.nc {
		for a := range 4 {
			for x := range 4 * g.n {
				written[g.dstOff+c*g.chStride+a*g.rowStride+x] = true
			}
		}
	}
	checkAgainst(t, "output "+g.String(), got, want, written)
}

func TestWinogradOutput4x3(t *testing.T) {
	gs := wg43Outs()
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 14))
		for _, g := range gs {
			testWinograd43Output(t, rng, g, false)
		}
		for _, g := range gs[:120] {
			testWinograd43Output(t, rng, g, true)
		}
	})
}

func TestWinograd43Accelerated(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		if got, want := Winograd43Accelerated(), Current() == AVX2 || Current() == AVX512; got != want {
			t.Fatalf("Winograd43Accelerated() = %v at %s, want %v", got, Current(), want)
		}
	})
}

func TestWinograd43Panics(t *testing.T) {
	const h, w, nc, n = 9, 14, 3, 4 // 4 tiles per row: 4·4 ≤ 14+3
	const ch, xi, cs = h*w + 2, nc * n, n
	xl, dl := (nc-1)*ch+h*w, 35*xi+(nc-1)*cs+n
	in := func(xlen, h, w, i, j0, n, dlen int) func() {
		return func() {
			WinogradInputImage4x3(make([]float32, xlen), ch, h, w, i, j0, nc, n, make([]float32, dlen), xi, cs)
		}
	}
	const row = 4*n + 1
	const och = 4 * row
	ol := (nc-1)*och + 3*row + 4*n
	out := func(s, d int) func() {
		return func() {
			WinogradOutput4x3(make([]float32, s), xi, cs, nc, n, make([]float32, d), och, row)
		}
	}
	forEachLevel(t, func(t *testing.T) {
		for name, f := range map[string]func(){
			"input x":          in(xl-1, h, w, 2, 0, n, dl),
			"input dst":        in(xl, h, w, 2, 0, n, dl-1),
			"input i<0":        in(xl, h, w, -1, 0, n, dl),
			"input 4i>h":       in(xl, h, w, 3, 0, n, dl),
			"input j0<0":       in(xl, h, w, 0, -1, 2, dl),
			"input past right": in(xl, h, w, 0, 1, n, dl),
			"input h=0":        in(xl, 0, w, 0, 0, n, dl),
			"input w=0":        in(xl, h, 0, 0, 0, n, dl),
			"output src":       out(dl-1, ol),
			"output dst":       out(dl, ol-1),
		} {
			t.Run(name, func(t *testing.T) {
				defer func() {
					if recover() == nil {
						t.Fatal("no panic")
					}
				}()
				f()
			})
		}
		// Exact lengths, the last tile row and empty geometries do not panic.
		in(xl, h, w, 2, 0, n, dl)()
		in(xl, h, w, 0, 3, 1, dl)()
		out(dl, ol)()
		WinogradInputImage4x3(nil, 1, 1, 1, 0, 0, 0, 5, nil, 1, 1)
		WinogradInputImage4x3(nil, 1, 1, 1, 0, 0, 4, 0, nil, 1, 1)
		WinogradOutput4x3(nil, 1, 1, 0, 5, nil, 1, 1)
		WinogradOutput4x3(nil, 1, 1, 4, 0, nil, 1, 1)
	})
}

// TestWinograd43Math checks the transforms against their purpose: for random
// images x (nc channels, h×w) and 3×3 filters g, the output transform of
// Σ_c (G g_c Gᵀ) ⊙ (input transform of the zero-padded 6×6 patches of x_c) is
// the 3×3 pad-1 correlation Σ_c x_c ⋆ g_c, computed directly in float64.
func TestWinograd43Math(t *testing.T) {
	G := [6][3]float64{
		{1. / 4, 0, 0},
		{-1. / 6, -1. / 6, -1. / 6},
		{-1. / 6, 1. / 6, -1. / 6},
		{1. / 24, 1. / 12, 1. / 6},
		{1. / 24, -1. / 12, 1. / 6},
		{0, 0, 1},
	}
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(15, 16))
		worst := 0.0
		for _, sz := range [][2]int{{6, 6}, {4, 4}, {10, 14}, {13, 70}, {1, 5}} {
			for _, nc := range []int{1, 3} {
				h, w := sz[0], sz[1]
				x := make([]float32, nc*h*w)
				fillRandom(rng, x, false)
				gs := make([][9]float64, nc)
				u := make([][36]float64, nc) // G g Gᵀ
				for c := range gs {
					for k := range gs[c] {
						gs[c][k] = rng.Float64()*2 - 1
					}
					for r := range 6 {
						for s := range 6 {
							for a := range 3 {
								for b := range 3 {
									u[c][6*r+s] += G[r][a] * gs[c][3*a+b] * G[s][b]
								}
							}
						}
					}
				}
				T := (w + 3) / 4
				for i := 0; 4*i < h; i++ {
					v := make([]float32, 36*nc*T) // V[ξ][c][j]
					WinogradInputImage4x3(x, h*w, h, w, i, 0, nc, T, v, nc*T, T)
					m := make([]float32, 36*T)
					for xi := range 36 {
						for j := range T {
							var s float64
							for c := range nc {
								s += float64(float32(u[c][xi])) * float64(v[xi*nc*T+c*T+j])
							}
							m[xi*T+j] = float32(s)
						}
					}
					y := make([]float32, 4*4*T) // rowStride 4T
					WinogradOutput4x3(m, T, 0, 1, T, y, 0, 4*T)
					for a := 0; a < 4 && 4*i+a < h; a++ {
						for q := range w {
							p := 4*i + a
							var want, mag float64
							for c := range nc {
								for da := range 3 {
									for db := range 3 {
										r, s := p-1+da, q-1+db
										if r < 0 || r >= h || s < 0 || s >= w {
											continue
										}
										tm := float64(x[c*h*w+r*w+s]) * gs[c][3*da+db]
										want += tm
										mag += math.Abs(tm)
									}
								}
							}
							err := math.Abs(float64(y[a*4*T+q])-want) / (mag + 1e-30)
							worst = max(worst, err)
							if err > 3e-5 {
								t.Fatalf("%dx%d nc=%d output (%d,%d) = %v, direct correlation %v (error %.2g of the magnitude)",
									h, w, nc, p, q, y[a*4*T+q], want, err)
							}
						}
					}
				}
			}
		}
		t.Logf("worst error relative to Σ|terms|: %.2g", worst)
	})
}

// The benchmark shapes: 64 channels of a 40×40 image (one tile row of 10
// tiles per call) and of a 20×20 image (5 tiles), the planes packed as a GEMM
// panel.
func benchWinograd43(b *testing.B, run func(b *testing.B, hw int)) {
	for _, hw := range []int{40, 20} {
		for _, l := range Available() {
			b.Run(fmt.Sprintf("hw=%d/%s", hw, l), func(b *testing.B) {
				prev := Current()
				if err := Use(string(l)); err != nil {
					b.Fatal(err)
				}
				defer Use(string(prev))
				run(b, hw)
			})
		}
	}
}

func BenchmarkWinogradInputImage4x3(b *testing.B) {
	benchWinograd43(b, func(b *testing.B, hw int) {
		nc, n := 64, hw/4
		x, dst := make([]float32, nc*hw*hw), make([]float32, 36*nc*n)
		fillRandom(rand.New(rand.NewPCG(7, 8)), x, false)
		b.SetBytes(int64(4 * nc * (6*hw + 36*n)))
		for b.Loop() {
			WinogradInputImage4x3(x, hw*hw, hw, hw, 1, 0, nc, n, dst, nc*n, n)
		}
	})
}

func BenchmarkWinogradOutput4x3(b *testing.B) {
	benchWinograd43(b, func(b *testing.B, hw int) {
		nc, n := 64, hw/4
		src, dst := make([]float32, 36*nc*n), make([]float32, nc*hw*hw)
		fillRandom(rand.New(rand.NewPCG(7, 8)), src, false)
		b.SetBytes(int64(4 * nc * (36*n + 4*hw)))
		for b.Loop() {
			WinogradOutput4x3(src, nc*n, n, nc, n, dst, hw*hw, hw)
		}
	})
}
