package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The Winograd transforms are checked at every level bit for bit against the
// generic loops (the contract in winograd.go), the input transform also
// against a reference written out below; the output transform on tile counts
// 1..40 (every 16-lane tail shape, one, two and three blocks) and strided
// layouts with gaps, the input transform on the images of wgImages. Source
// elements outside the documented read set hold a NaN guard, so a kernel that
// reads a wrong element produces a wrong bit pattern; every destination
// element outside the written set holds guardBits and must keep it. A
// separate test checks the math itself: output transform of
// (G g Gᵀ ⊙ input transform) is a 3×3 correlation.

// wgGeom is one geometry of the transformed planes (xiStride, cStride), and
// for the output transform of the image side it writes (chStride, rowStride).
type wgGeom struct {
	nc, n                 int
	chStride, rowStride   int
	xiStride, cStride     int
	srcOff, dstOff, extra int // slice offsets into the buffers, guard elements after
}

func (g wgGeom) String() string {
	return fmt.Sprintf("nc=%d n=%d ch=%d row=%d xi=%d c=%d", g.nc, g.n, g.chStride, g.rowStride, g.xiStride, g.cStride)
}

// wgGeoms lists layouts with and without gaps, channel-major and ξ-major.
func wgGeoms() []wgGeom {
	var gs []wgGeom
	i := 0
	for n := 1; n <= 40; n++ {
		for _, nc := range []int{1, 3, 16} {
			for _, gap := range []int{0, 3} {
				row := 2*n + gap
				ch := 4*row + 2*gap
				// channel-major planes: the GEMM panel layout (cStride ≥ n).
				cs := n + gap
				gs = append(gs, wgGeom{nc: nc, n: n, chStride: ch, rowStride: row,
					xiStride: nc*cs + gap, cStride: cs, srcOff: i % 5, dstOff: (i + 2) % 7, extra: 19})
				i++
				// ξ-major: the 16 planes of one channel next to each other.
				xi := n + 1 + gap
				gs = append(gs, wgGeom{nc: nc, n: n, chStride: ch, rowStride: row,
					xiStride: xi, cStride: 16*xi + gap, srcOff: i % 5, dstOff: (i + 2) % 7, extra: 19})
				i++
			}
		}
	}
	return gs
}

// srcGuardBits marks source elements outside the read set (a quiet NaN, so
// that reading it into a stored lane shows as a NaN where a number belongs).
const srcGuardBits = 0x7fc0_beef

// imageSet reports, for a buffer of size, which elements of the image side
// c·chStride + r·rowStride + col (r < rows, col < cols) lie in, offset by off.
func imageSet(size, off int, g wgGeom, rows, cols int) []bool {
	in := make([]bool, size)
	for c := 0; c < g.nc; c++ {
		for r := 0; r < rows; r++ {
			for col := 0; col < cols; col++ {
				in[off+c*g.chStride+r*g.rowStride+col] = true
			}
		}
	}
	return in
}

// planeSet is the same for the plane side ξ·xiStride + c·cStride + j.
func planeSet(size, off int, g wgGeom) []bool {
	in := make([]bool, size)
	for xi := 0; xi < 16; xi++ {
		for c := 0; c < g.nc; c++ {
			for j := 0; j < g.n; j++ {
				in[off+xi*g.xiStride+c*g.cStride+j] = true
			}
		}
	}
	return in
}

func outputLen(g wgGeom) int { return (g.nc-1)*g.chStride + g.rowStride + 2*g.n }
func planeLen(g wgGeom) int  { return 15*g.xiStride + (g.nc-1)*g.cStride + g.n }

// guardedInput makes a buffer whose elements in set are random and the others
// srcGuardBits.
func guardedInput(rng *rand.Rand, set []bool, specials bool) []float32 {
	buf := make([]float32, len(set))
	fillRandom(rng, buf, specials)
	for i, in := range set {
		if !in {
			buf[i] = math.Float32frombits(srcGuardBits)
		}
	}
	return buf
}

func guardBuf(size int) []float32 {
	buf := make([]float32, size)
	for i := range buf {
		buf[i] = math.Float32frombits(guardBits)
	}
	return buf
}

// checkAgainst compares got with want (the generic or reference result)
// element by element: bit for bit inside the written set (any NaN matches any
// NaN, as NaN payloads may depend on operand order), untouched guards outside
// it.
func checkAgainst(t *testing.T, what string, got, want []float32, written []bool) {
	t.Helper()
	for i := range got {
		if !written[i] {
			if math.Float32bits(got[i]) != guardBits {
				t.Fatalf("%s: element %d outside the destination was overwritten with %v (0x%08x)",
					what, i, got[i], math.Float32bits(got[i]))
			}
			continue
		}
		if math.Float32bits(want[i]) == guardBits {
			t.Fatalf("%s: the generic loop or reference did not write element %d", what, i)
		}
		if !sameBits(got[i], want[i]) {
			t.Fatalf("%s: element %d = %v (0x%08x), want %v (0x%08x)",
				what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

func testWinogradOutput(t *testing.T, rng *rand.Rand, g wgGeom, specials bool) {
	t.Helper()
	sl, dl := planeLen(g), outputLen(g)
	sbuf := guardedInput(rng, planeSet(g.srcOff+sl+g.extra, g.srcOff, g), specials)
	src := sbuf[g.srcOff : g.srcOff+sl : g.srcOff+sl]
	got, want := guardBuf(g.dstOff+dl+g.extra), guardBuf(g.dstOff+dl+g.extra)
	WinogradOutput2x3(src, g.xiStride, g.cStride, g.nc, g.n, got[g.dstOff:g.dstOff+dl:g.dstOff+dl], g.chStride, g.rowStride)
	winogradOutputGeneric(src, g.xiStride, g.cStride, g.nc, g.n, want[g.dstOff:g.dstOff+dl], g.chStride, g.rowStride, nil)
	checkAgainst(t, "output "+g.String(), got, want, imageSet(len(got), g.dstOff, g, 2, 2*g.n))
}

func TestWinogradOutput2x3(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, g := range wgGeoms() {
			testWinogradOutput(t, rng, g, false)
		}
		for _, g := range wgGeoms()[:200] {
			testWinogradOutput(t, rng, g, true)
		}
	})
}

func TestWinogradAccelerated(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		// AVX2 and AVX512 are available only where winograd_amd64.s and
		// winograd_avx2_amd64.s are built, and they are the levels with
		// F(2×2) kernels.
		if got, want := WinogradAccelerated(), Current() == AVX2 || Current() == AVX512; got != want {
			t.Fatalf("WinogradAccelerated() = %v at %s, want %v", got, Current(), want)
		}
	})
}

func TestWinogradOutputPanics(t *testing.T) {
	g := wgGeom{nc: 3, n: 5, chStride: 60, rowStride: 13, xiStride: 50, cStride: 7}
	sOut, dOut := planeLen(g), outputLen(g)
	out := func(s, d int) func() {
		return func() {
			WinogradOutput2x3(make([]float32, s), g.xiStride, g.cStride, g.nc, g.n, make([]float32, d), g.chStride, g.rowStride)
		}
	}
	forEachLevel(t, func(t *testing.T) {
		for name, f := range map[string]func(){
			"output src": out(sOut-1, dOut),
			"output dst": out(sOut, dOut-1),
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
		// Exact lengths and empty geometries do not panic.
		out(sOut, dOut)()
		WinogradOutput2x3(nil, 1, 1, 0, 5, nil, 1, 1)
		WinogradOutput2x3(nil, 1, 1, 4, 0, nil, 1, 1)
	})
}

// TestWinogradMath checks the transforms against their purpose: for random
// images d (nc channels of h×w) and 3×3 filters g, the output transform of
// Σ_c (G g_c Gᵀ) ⊙ (input transform of d_c), tile row by tile row, is the
// zero-padded ("same") 3×3 correlation Σ_c d_c ⋆ g_c, computed directly in
// float64.
func TestWinogradMath(t *testing.T) {
	G := [4][3]float64{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}}
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, nc := range []int{1, 3} {
			for _, hw := range [][2]int{{1, 1}, {2, 3}, {5, 7}, {6, 10}, {3, 33}, {4, 36}} {
				h, w := hw[0], hw[1]
				// The whole tile row, one column past the right edge if w is odd.
				n := (w + 1) / 2
				d := make([]float32, nc*h*w) // chStride h·w
				fillRandom(rng, d, false)
				at := func(c, r, x int) float64 {
					if r < 0 || r >= h || x < 0 || x >= w {
						return 0
					}
					return float64(d[c*h*w+r*w+x])
				}
				var u [][16]float64 // G g Gᵀ per channel
				gs := make([][9]float64, nc)
				for c := range gs {
					for i := range gs[c] {
						gs[c][i] = rng.Float64()*2 - 1
					}
					var gg [16]float64
					for r := range 4 {
						for s := range 4 {
							for a := range 3 {
								for b := range 3 {
									gg[4*r+s] += G[r][a] * gs[c][3*a+b] * G[s][b]
								}
							}
						}
					}
					u = append(u, gg)
				}
				for i := 0; 2*i < h; i++ {
					// V[ξ][c][j]: xiStride nc·n, cStride n.
					v := make([]float32, 16*nc*n)
					WinogradInputImage2x3(d, h*w, h, w, i, 0, nc, n, v, nc*n, n)
					// The 16 channel sums in float64, channel by channel.
					acc := make([]float64, 16*n)
					for c := range nc {
						for xi := range 16 {
							uc := float64(float32(u[c][xi]))
							for j, vj := range v[xi*nc*n+c*n:][:n] {
								acc[xi*n+j] += uc * float64(vj)
							}
						}
					}
					m := make([]float32, 16*n) // one output channel: cStride unused
					for k, a := range acc {
						m[k] = float32(a)
					}
					y := make([]float32, 2*2*n) // output rows 2i, 2i+1; rowStride 2n
					WinogradOutput2x3(m, n, 0, 1, n, y, 0, 2*n)
					for a := range 2 {
						if 2*i+a >= h {
							continue // past the bottom (h odd)
						}
						for x := range w {
							var want, mag float64
							for c := range nc {
								for p := range 3 {
									for q := range 3 {
										tm := at(c, 2*i+a+p-1, x+q-1) * gs[c][3*p+q]
										want += tm
										mag += math.Abs(tm)
									}
								}
							}
							if got := float64(y[a*2*n+x]); math.Abs(got-want) > 1e-5*mag+1e-30 {
								t.Fatalf("nc=%d %d×%d output (%d,%d) = %v, direct correlation %v", nc, h, w, 2*i+a, x, got, want)
							}
						}
					}
				}
			}
		}
	})
}

// The benchmark shape: 64 channels of a 40×40 image, one row of 20 tiles per
// call, the planes packed as a GEMM panel; the output goes to a grid of 42
// rows of 41 floats per channel.
const (
	wgBenchNC, wgBenchN   = 64, 20
	wgBenchRow, wgBenchCh = 41, 42 * 41
)

func benchWinograd(b *testing.B, run func(src, dst []float32), srcLen, dstLen, bytes int) {
	for _, l := range Available() {
		b.Run(string(l), func(b *testing.B) {
			prev := Current()
			if err := Use(string(l)); err != nil {
				b.Fatal(err)
			}
			defer Use(string(prev))
			src, dst := make([]float32, srcLen), make([]float32, dstLen)
			fillRandom(rand.New(rand.NewPCG(7, 8)), src, false)
			b.SetBytes(int64(bytes))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run(src, dst)
			}
		})
	}
}

func BenchmarkWinogradOutput2x3(b *testing.B) {
	nc, n := wgBenchNC, wgBenchN
	xi, cs := nc*n, n
	dstLen := (nc-1)*wgBenchCh + wgBenchRow + 2*n
	// Bytes moved: 16 planes of n floats in, 2 rows of 2n floats out, per channel.
	benchWinograd(b, func(src, dst []float32) {
		WinogradOutput2x3(src, xi, cs, nc, n, dst, wgBenchCh, wgBenchRow)
	}, 16*xi, dstLen, 4*nc*(16*n+2*2*n))
}

// WinogradInputImage2x3 is checked bit for bit against its definition, the
// image copied into a zero-padded grid and transformed by wgInputRef, and
// against the generic loop. Images have odd and even sides, every
// allowed tile row (including those reaching one or more rows past the
// bottom), runs of tiles at the left edge, the right edge and in the middle
// (1..50 tiles: every tail shape, up to 4 blocks), channel gaps holding the
// NaN source guard, and destination guards around the written set.

// wgImage is one image: nc channels of h×w floats, chStride apart.
type wgImage struct{ h, w, nc, chStride int }

func (im wgImage) len() int { return (im.nc-1)*im.chStride + im.h*im.w }

// wgImageRuns lists tile runs (j0, n) on an image of width w: all of them on
// narrow images, otherwise those touching the left edge, the right edge, and
// some in the middle around the 16-tile block sizes.
func wgImageRuns(w int) [][2]int {
	tiles := (w + 1) / 2 // j0 + n ≤ tiles, i.e. 2(j0+n) ≤ w+1
	var runs [][2]int
	if tiles <= 6 {
		for j0 := 0; j0 < tiles; j0++ {
			for n := 1; j0+n <= tiles; n++ {
				runs = append(runs, [2]int{j0, n})
			}
		}
		return runs
	}
	for n := 1; n <= tiles; n++ {
		runs = append(runs, [2]int{0, n}, [2]int{tiles - n, n})
	}
	for _, j0 := range []int{1, 2, 5} {
		for _, n := range []int{1, 2, 7, 15, 16, 17, 31, 32, 33, tiles - j0 - 1} {
			if n >= 1 && j0+n <= tiles {
				runs = append(runs, [2]int{j0, n})
			}
		}
	}
	return runs
}

func wgImages() []wgImage {
	var ims []wgImage
	k := 0
	sides := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 40}
	for _, h := range sides {
		for _, w := range sides {
			nc := []int{1, 3, 17}[k%3]
			if h*w > 400 && nc == 17 {
				nc = 3 // keep the big images cheap
			}
			ims = append(ims, wgImage{h: h, w: w, nc: nc, chStride: h*w + []int{0, 3, 17}[k%3]})
			k++
		}
	}
	// Wide rows: three and four blocks of tiles (a middle block), odd widths.
	for _, w := range []int{67, 100} {
		for _, h := range []int{1, 4, 7} {
			ims = append(ims, wgImage{h: h, w: w, nc: 3, chStride: h*w + 5})
		}
	}
	ims = append(ims, wgImage{h: 6, w: 9, nc: 17, chStride: 6*9 + 1})
	return ims
}

// imageBuf returns the channels of im (random inside, the NaN guard in the
// gaps between channels) and the same image in a zero-padded grid of
// rowStride w+3 and h+4 rows per channel: image (row, col) at padded
// (row+1, col+1), so the patch of tile (i, j) is at padded rows 2i..2i+3 and
// columns 2j..2j+3, inside the grid for every allowed tile.
func imageBuf(rng *rand.Rand, im wgImage, specials bool) (x, padded []float32, pRow, pCh int) {
	in := make([]bool, im.len())
	for c := 0; c < im.nc; c++ {
		for e := 0; e < im.h*im.w; e++ {
			in[c*im.chStride+e] = true
		}
	}
	x = guardedInput(rng, in, specials)
	pRow, pCh = im.w+3, (im.h+4)*(im.w+3)
	padded = make([]float32, im.nc*pCh)
	for c := 0; c < im.nc; c++ {
		for r := 0; r < im.h; r++ {
			copy(padded[c*pCh+(r+1)*pRow+1:][:im.w], x[c*im.chStride+r*im.w:][:im.w])
		}
	}
	return x, padded, pRow, pCh
}

// wgInputRef is WinogradInputImage2x3 spelled out on the padded grid of
// imageBuf: each 4×4 patch is read from the grid, whose border supplies the
// zeros, then transformed to Bᵀ d B with the additions of winograd.go in the
// same order (so the results are the same bits).
func wgInputRef(padded []float32, pCh, pRow, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
	for c := 0; c < nc; c++ {
		for j := 0; j < n; j++ {
			var d [4][4]float32
			for r := range 4 {
				for s := range 4 {
					d[r][s] = padded[c*pCh+(2*i+r)*pRow+2*(j0+j)+s]
				}
			}
			var bd [4][4]float32 // Bᵀ d, column by column
			for s := range 4 {
				bd[0][s] = d[0][s] - d[2][s]
				bd[1][s] = d[1][s] + d[2][s]
				bd[2][s] = d[2][s] - d[1][s]
				bd[3][s] = d[1][s] - d[3][s]
			}
			for r := range 4 { // (Bᵀ d) B, row by row
				dst[(4*r+0)*xiStride+c*cStride+j] = bd[r][0] - bd[r][2]
				dst[(4*r+1)*xiStride+c*cStride+j] = bd[r][1] + bd[r][2]
				dst[(4*r+2)*xiStride+c*cStride+j] = bd[r][2] - bd[r][1]
				dst[(4*r+3)*xiStride+c*cStride+j] = bd[r][1] - bd[r][3]
			}
		}
	}
}

func testWinogradInputImage(t *testing.T, rng *rand.Rand, im wgImage, specials bool) {
	t.Helper()
	x, padded, pRow, pCh := imageBuf(rng, im, specials)
	k := 0
	for i := 0; 2*i <= im.h; i++ {
		for _, run := range wgImageRuns(im.w) {
			j0, n := run[0], run[1]
			gap := k % 3
			g := wgGeom{nc: im.nc, n: n, dstOff: k % 5, extra: 19}
			if k%2 == 0 { // channel-major planes (the GEMM panel)
				g.cStride = n + gap
				g.xiStride = im.nc*g.cStride + gap
			} else { // ξ-major
				g.xiStride = n + 1 + gap
				g.cStride = 16*g.xiStride + gap
			}
			k++
			what := fmt.Sprintf("image %d×%d nc=%d ch=%d i=%d j0=%d n=%d xi=%d c=%d",
				im.h, im.w, im.nc, im.chStride, i, j0, n, g.xiStride, g.cStride)
			dl := planeLen(g)
			size := g.dstOff + dl + g.extra
			got, ref, gen := guardBuf(size), guardBuf(size), guardBuf(size)
			WinogradInputImage2x3(x, im.chStride, im.h, im.w, i, j0, im.nc, n,
				got[g.dstOff:g.dstOff+dl:g.dstOff+dl], g.xiStride, g.cStride)
			wgInputRef(padded, pCh, pRow, i, j0, im.nc, n,
				ref[g.dstOff:g.dstOff+dl], g.xiStride, g.cStride)
			winogradInputImageGeneric(x, im.chStride, im.h, im.w, i, j0, im.nc, n,
				gen[g.dstOff:g.dstOff+dl], g.xiStride, g.cStride)
			written := planeSet(size, g.dstOff, g)
			checkAgainst(t, what+" vs reference", got, ref, written)
			checkAgainst(t, what+" vs generic", got, gen, written)
		}
	}
}

func TestWinogradInputImage2x3(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		for k, im := range wgImages() {
			// ±0, ±Inf and NaN flow through the same additions.
			testWinogradInputImage(t, rng, im, k%4 == 3)
		}
	})
}

func TestWinogradInputImagePanics(t *testing.T) {
	const h, w, i, j0, nc, n, ch, xi, cs = 6, 9, 2, 1, 3, 4, 60, 50, 7
	xl, dl := (nc-1)*ch+h*w, 15*xi+(nc-1)*cs+n
	call := func(xl, ch, h, w, i, j0, n, dl, xi, cs int) func() {
		return func() {
			WinogradInputImage2x3(make([]float32, xl), ch, h, w, i, j0, nc, n, make([]float32, dl), xi, cs)
		}
	}
	forEachLevel(t, func(t *testing.T) {
		for name, f := range map[string]func(){
			"short x":        call(xl-1, ch, h, w, i, j0, n, dl, xi, cs),
			"short dst":      call(xl, ch, h, w, i, j0, n, dl-1, xi, cs),
			"h=0":            call(xl, ch, 0, w, 0, j0, n, dl, xi, cs),
			"w=0":            call(xl, ch, h, 0, i, 0, n, dl, xi, cs),
			"i<0":            call(xl, ch, h, w, -1, j0, n, dl, xi, cs),
			"2i>h":           call(xl, ch, h, w, h/2+1, j0, n, dl, xi, cs),
			"j0<0":           call(xl, ch, h, w, i, -1, n, dl, xi, cs),
			"past the right": call(xl, ch, h, w, i, (w+1)/2-n+1, n, dl, xi, cs),
			"chStride<0":     call(xl, -1, h, w, i, j0, n, dl, xi, cs),
			"xiStride<0":     call(xl, ch, h, w, i, j0, n, dl, -1, cs),
			"cStride<0":      call(xl, ch, h, w, i, j0, n, dl, xi, -1),
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
		// Exact lengths, the last allowed tile row and run, and empty
		// geometries do not panic.
		call(xl, ch, h, w, i, j0, n, dl, xi, cs)()
		call(xl, ch, h, w, h/2, (w+1)/2-n, n, dl, xi, cs)()
		WinogradInputImage2x3(nil, 1, 1, 1, 0, 0, 0, 5, nil, 1, 1)
		WinogradInputImage2x3(nil, 1, 1, 1, 0, 0, 4, 0, nil, 1, 1)
	})
}

func BenchmarkWinogradInputImage2x3(b *testing.B) {
	// 64 channels of a 40×40 image, tile row 1 (all four patch rows in the
	// image), the full row of 20 tiles from the left edge to one column past
	// the right.
	const h, w, i = 40, 40, 1
	nc, n := wgBenchNC, wgBenchN
	xi, cs := nc*n, n
	benchWinograd(b, func(x, dst []float32) {
		WinogradInputImage2x3(x, h*w, h, w, i, 0, nc, n, dst, xi, cs)
	}, nc*h*w, 16*xi, 4*nc*(4*w+16*n))
}
