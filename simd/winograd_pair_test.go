package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The pair transforms must give the bits of one generic call per run, write
// nothing else and read nothing outside the runs' patches (elsewhere the
// image holds the srcGuardBits NaN).

// wgPairVariant is one F(m×m,3×3) variant's pair transforms and their
// definitions.
type wgPairVariant struct {
	name                   string
	m, planes              int
	outMax                 int // the most tiles of an output pair's run
	inputPair, genericIn   func(x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int)
	outputPair, genericOut func(src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int)
}

// The definitions: the generic one-run loops, once per run.
var wgPairVariants = []wgPairVariant{
	{"F(2x2)", 2, 16, WinogradPairMax, WinogradInputPair2x3, func(x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int) {
		for _, r := range []WinogradRun{a, b} {
			winogradInputImageGeneric(x[r.Src:], chStride, h, w, r.I, r.J0, nc, r.N, dst[r.Dst:], xiStride, cStride)
		}
	}, WinogradOutputPair2x3, func(src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int) {
		for _, r := range []WinogradRun{a, b} {
			winogradOutputGeneric(src[r.Src:], xiStride, cStride, nc, r.N, dst[r.Dst:], chStride, rowStride, nil)
		}
	}},
	{"F(4x4)", 4, 36, WinogradOutputPair4x3Max, WinogradInputPair4x3, func(x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int) {
		for _, r := range []WinogradRun{a, b} {
			winogradInput43Generic(x[r.Src:], chStride, h, w, r.I, r.J0, nc, r.N, dst[r.Dst:], xiStride, cStride)
		}
	}, WinogradOutputPair4x3, func(src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int) {
		for _, r := range []WinogradRun{a, b} {
			winogradOutput43Generic(src[r.Src:], xiStride, cStride, nc, r.N, dst[r.Dst:], chStride, rowStride, nil)
		}
	}},
}

// wgPairCase is one pair geometry: images of nc channels, the runs' tiles
// and where they go.
type wgPairCase struct {
	m, planes                     int
	h, w, nc, chStride, imgStride int
	a, b                          WinogradRun
	xiStride, cStride             int
}

func (c wgPairCase) String() string {
	return fmt.Sprintf("h=%d w=%d nc=%d a=%+v b=%+v xi=%d c=%d", c.h, c.w, c.nc, c.a, c.b, c.xiStride, c.cStride)
}

// randomPairRun returns a run of up to 7 tiles in a random tile row of image
// img.
func randomPairRun(rng *rand.Rand, m, most, h, w, imgStride, img int) WinogradRun {
	T := (w + m - 1) / m
	j0 := rng.IntN(T)
	return WinogradRun{Src: img * imgStride, I: rng.IntN(h/m + 1), J0: j0, N: 1 + rng.IntN(min(most, T-j0))}
}

// wgPairCases returns random pair geometries with runs of at most most
// tiles.
func wgPairCases(rng *rand.Rand, m, planes, most int) []wgPairCase {
	var cs []wgPairCase
	for k := range 400 {
		sizes := []int{1, 3, 4, 5, 7, 8, 12, 14, 20, 28, 29, 32, 40}
		h, w := sizes[rng.IntN(len(sizes))], sizes[rng.IntN(len(sizes))]
		nc := []int{1, 2, 5}[k%3]
		c := wgPairCase{m: m, planes: planes, h: h, w: w, nc: nc, chStride: h*w + k%3}
		c.imgStride = nc*c.chStride + k%4
		c.a = randomPairRun(rng, m, most, h, w, c.imgStride, rng.IntN(2))
		c.b = randomPairRun(rng, m, most, h, w, c.imgStride, rng.IntN(2))
		// Destination columns: B right after A (the GEMM panel case), or
		// anywhere else that does not overlap A, before it too.
		c.cStride = 2*most + 3 + k%5
		c.a.Dst = rng.IntN(3)
		c.b.Dst = c.a.Dst + c.a.N
		if k%3 == 1 {
			c.b.Dst, c.a.Dst = rng.IntN(2), c.cStride-c.a.N-rng.IntN(2)
		}
		c.xiStride = nc*c.cStride + k%7
		cs = append(cs, c)
	}
	return cs
}

// readSet marks the image elements run r's tiles read.
func (c wgPairCase) readSet(in []bool, r WinogradRun) {
	for ch := range c.nc {
		for row := max(c.m*r.I-1, 0); row <= min(c.m*r.I+c.m, c.h-1); row++ {
			for col := max(c.m*r.J0-1, 0); col <= min(c.m*(r.J0+r.N), c.w-1); col++ {
				in[r.Src+ch*c.chStride+row*c.w+col] = true
			}
		}
	}
}

// planeWrites marks the plane elements of run r (the input's destination, the
// output's source).
func (c wgPairCase) planeWrites(in []bool, r WinogradRun, off int) {
	for xi := range c.planes {
		for ch := range c.nc {
			for j := range r.N {
				in[off+xi*c.xiStride+ch*c.cStride+r.Dst+j] = true
			}
		}
	}
}

func TestWinogradInputPair(t *testing.T) { testWinogradInputPair(t, 31, 33, false) }

// With spare lanes (WinogradRun.Spare) the runs' lanes keep their bits and
// nothing past a run's spare lanes is written; the spare lanes themselves may
// hold anything. Run a's spare lanes may cover run b's, which come after
// them.
func TestWinogradInputPairSpare(t *testing.T) { testWinogradInputPair(t, 39, 41, true) }

// testWinogradInputPair checks the input pair transforms on random pair
// geometries (seeded with caseSeed, the data with dataSeed), with random
// spare lanes when spare is set.
func testWinogradInputPair(t *testing.T, caseSeed, dataSeed uint64, spare bool) {
	for _, v := range wgPairVariants {
		cases := wgPairCases(rand.New(rand.NewPCG(caseSeed, caseSeed+1)), v.m, v.planes, WinogradPairMax)
		forEachLevel(t, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(dataSeed, dataSeed+1))
			for k, c := range cases {
				if spare {
					// Room after each run in its rows: to the row's end, but
					// b's spare lanes must stop before a's lanes when a lies
					// after b (a is written first).
					roomA := c.cStride - c.a.Dst - c.a.N
					roomB := c.cStride - c.b.Dst - c.b.N
					if c.a.Dst > c.b.Dst {
						roomB = c.a.Dst - c.b.Dst - c.b.N
					}
					c.a.Spare, c.b.Spare = rng.IntN(roomA+1), rng.IntN(roomB+1)
					if k%2 == 0 { // the most room, the kernels' in-place case
						c.a.Spare, c.b.Spare = roomA, roomB
					}
				}
				xl := 2 * c.imgStride
				read := make([]bool, xl)
				c.readSet(read, c.a)
				c.readSet(read, c.b)
				x := guardedInput(rng, read, k%9 == 0)
				const off = 3
				dl := (v.planes-1)*c.xiStride + (c.nc-1)*c.cStride + c.cStride
				got, want := guardBuf(off+dl+guardLen), guardBuf(off+dl+guardLen)
				v.inputPair(x, c.chStride, c.h, c.w, c.a, c.b, c.nc, got[off:off+dl:off+dl], c.xiStride, c.cStride)
				v.genericIn(x, c.chStride, c.h, c.w, c.a, c.b, c.nc, want[off:], c.xiStride, c.cStride)
				written, spared := make([]bool, len(got)), make([]bool, len(got))
				c.planeWrites(written, c.a, off)
				c.planeWrites(written, c.b, off)
				for _, r := range []WinogradRun{c.a, c.b} {
					c.planeWrites(spared, WinogradRun{Dst: r.Dst + r.N, N: r.Spare}, off)
				}
				for i := range got {
					if spared[i] && !written[i] { // anything may be there
						got[i], want[i], written[i] = 0, 0, true
					}
				}
				checkAgainst(t, fmt.Sprintf("%s input pair (spare lanes %v) %v", v.name, spare, c), got, want, written)
			}
		})
	}
}

func TestWinogradOutputPair(t *testing.T) {
	for _, v := range wgPairVariants {
		cases := wgPairCases(rand.New(rand.NewPCG(35, 36)), v.m, v.planes, v.outMax)
		forEachLevel(t, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(37, 38))
			for k, c := range cases {
				// The runs' M columns are the input's destination columns;
				// the outputs go to the rows of tile row 0 (A) and 1 (B) of
				// one image, or of two images, at the runs' tile columns.
				m := v.m
				sl := (v.planes-1)*c.xiStride + (c.nc-1)*c.cStride + c.cStride
				read := make([]bool, sl)
				c.planeWrites(read, c.a, 0)
				c.planeWrites(read, c.b, 0)
				src := guardedInput(rng, read, k%9 == 0)
				a := WinogradRun{Src: c.a.Dst, N: c.a.N, Dst: m * c.a.J0}
				b := WinogradRun{Src: c.b.Dst, N: c.b.N, Dst: m * c.b.J0}
				row := m*((c.w+m-1)/m) + k%3 // rowStride: the image's tiles and more
				chStride := 2*m*row + k%2
				if k%2 == 0 {
					b.Dst += m * row // the next tile row
				} else {
					b.Dst += c.nc * chStride // the next image
				}
				dl := 2*c.nc*chStride + 4
				got, want := guardBuf(dl+guardLen), guardBuf(dl+guardLen)
				v.outputPair(src, c.xiStride, c.cStride, c.nc, a, b, got[:dl:dl], chStride, row)
				v.genericOut(src, c.xiStride, c.cStride, c.nc, a, b, want, chStride, row)
				written := make([]bool, len(got))
				for _, r := range []WinogradRun{a, b} {
					for ch := range c.nc {
						for y := range m {
							for x := range m * r.N {
								written[r.Dst+ch*chStride+y*row+x] = true
							}
						}
					}
				}
				checkAgainst(t, fmt.Sprintf("%s output pair %v a=%+v b=%+v", v.name, c, a, b), got, want, written)
			}
		})
	}
}

func TestWinogradPair4x3Panics(t *testing.T) {
	const h, w, nc = 8, 28, 2
	const ch, cs = h * w, 16
	const xi = nc * cs
	xl, dl := (nc-1)*ch+h*w, 35*xi+(nc-1)*cs+cs
	ok := WinogradRun{I: 1, J0: 0, N: 7}
	in := func(a, b WinogradRun) func() {
		return func() {
			WinogradInputPair4x3(make([]float32, xl), ch, h, w, a, b, nc, make([]float32, dl), xi, cs)
		}
	}
	out := func(a, b WinogradRun, dlen int) func() {
		return func() {
			WinogradOutputPair4x3(make([]float32, dl), xi, cs, nc, a, b, make([]float32, dlen), 4*w, w)
		}
	}
	forEachLevel(t, func(t *testing.T) {
		for name, f := range map[string]func(){
			"input 8 tiles":   in(ok, WinogradRun{N: 8}),
			"input no tiles":  in(WinogradRun{}, ok),
			"input src past":  in(ok, WinogradRun{Src: 1, N: 1}),
			"input dst past":  in(ok, WinogradRun{Dst: cs, N: 1}),
			"input row past":  in(ok, WinogradRun{I: 3, N: 1}),
			"input neg src":   in(WinogradRun{Src: -1, N: 1}, ok),
			"output 9 tiles":  out(ok, WinogradRun{N: 9}, 4*w*nc),
			"output dst past": out(ok, WinogradRun{Dst: 1, N: 7}, (nc-1)*4*w+3*w+28),
			"output src past": out(ok, WinogradRun{Src: cs, N: 1}, 4*w*nc),
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
	})
}

// The pair benchmarks transform two 7-tile rows of 28×28 images in one call,
// into a GEMM panel of 16 lanes per channel (planes a cache line more than
// 4 KB apart, as the convolution lays them out); compare them with
// BenchmarkWinogradInputImage4x3/…/28, which does one row per call.
func BenchmarkWinogradInputPair4x3(b *testing.B) {
	const hw, nc, n = 28, 64, 7
	x, dst := make([]float32, nc*hw*hw), make([]float32, 36*(nc*16+16))
	fillRandom(rand.New(rand.NewPCG(7, 8)), x, false)
	benchInputPairSpare(b, n, int64(4*nc*2*(6*hw+36*n)), func(a, r WinogradRun) {
		WinogradInputPair4x3(x, hw*hw, hw, hw, a, r, nc, dst, nc*16+16, 16)
	})
}

// benchInputPairSpare times an input pair of two n-tile runs in a 16-lane
// panel row, staged (no spare lanes) and with the lanes to the row's end
// spare, as the convolution passes them; bytes is what one pair moves.
func benchInputPairSpare(b *testing.B, n int, bytes int64, pair func(a, r WinogradRun)) {
	for _, spare := range []bool{false, true} {
		a, r := WinogradRun{I: 1, N: n}, WinogradRun{I: 2, N: n, Dst: n}
		name := "staged"
		if spare {
			a.Spare, r.Spare, name = 16-n, 16-2*n, "spare"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(bytes)
			for b.Loop() {
				pair(a, r)
			}
		})
	}
}

func BenchmarkWinogradOutputPair4x3(b *testing.B) {
	const hw, nc, n = 28, 64, 7
	src, dst := make([]float32, 36*(nc*16+16)), make([]float32, nc*hw*hw)
	fillRandom(rand.New(rand.NewPCG(7, 8)), src, false)
	a, r := WinogradRun{N: n, Dst: 4 * hw}, WinogradRun{Src: n, N: n, Dst: 8 * hw}
	b.SetBytes(int64(4 * nc * 2 * (36*n + 4*hw)))
	for b.Loop() {
		WinogradOutputPair4x3(src, nc*16+16, 16, nc, a, r, dst, hw*hw, hw)
	}
}

func BenchmarkWinogradInputPair2x3(b *testing.B) {
	const hw, nc, n = 14, 64, 7
	x, dst := make([]float32, nc*hw*hw), make([]float32, 16*(nc*16+16))
	fillRandom(rand.New(rand.NewPCG(7, 8)), x, false)
	benchInputPairSpare(b, n, int64(4*nc*2*(4*hw+16*n)), func(a, r WinogradRun) {
		WinogradInputPair2x3(x, hw*hw, hw, hw, a, r, nc, dst, nc*16+16, 16)
	})
}

func BenchmarkWinogradOutputPair2x3(b *testing.B) {
	const hw, nc, n = 14, 64, 7
	src, dst := make([]float32, 16*(nc*16+16)), make([]float32, nc*hw*hw)
	fillRandom(rand.New(rand.NewPCG(7, 8)), src, false)
	a, r := WinogradRun{N: n, Dst: 2 * hw}, WinogradRun{Src: n, N: n, Dst: 4 * hw}
	b.SetBytes(int64(4 * nc * 2 * (16*n + 2*hw)))
	for b.Loop() {
		WinogradOutputPair2x3(src, nc*16+16, 16, nc, a, r, dst, hw*hw, hw)
	}
}
