package simd

// Winograd F(4×4, 3×3) transforms (Lavin & Gray 2016): a 4×4 output tile
// from a 6×6 input patch, 36 products per channel pair where the direct
// convolution needs 144 (F(2×2,3×3): 16 for 36). With
//
//	Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
//	Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
//
// the input transform is Bᵀ d B and the output transform Aᵀ m A, applied
// below as one 6-point transform down the columns, then one along the rows,
// in the exact order written (products by 5 are rounded before they are
// added, as in the vector kernels: float32() keeps the compiler from fusing).
// Elements are numbered ξ = 6r+s. Like the F(2×2,3×3) functions, both
// vectorize over the tiles of one tile row, 4 columns apart; the pair
// functions over two such runs at once.

// WinogradInputImage4x3 transforms the 6×6 patches of tiles j0 ≤ j < j0+n
// in tile row i of an unpadded image,
//
//	d[r][s] = x[c·chStride + (4i−1+r)·w + (4j−1+s)]   (0 outside the image)
//
// for channels c < nc, and stores element (r, s) of channel c, tile j at
// dst[(6r+s)·xiStride + c·cStride + (j−j0)]. Rows and columns outside the
// image are never read.
func WinogradInputImage4x3(x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
	if nc <= 0 || n <= 0 {
		return
	}
	checkInputImage("WinogradInputImage4x3", 4, x, chStride, h, w, i, j0, nc, n, dst, xiStride, cStride)
	winogradInput43(x, chStride, h, w, i, j0, nc, n, dst, xiStride, cStride)
}

// WinogradOutput4x3 transforms the 6×6 tiles
//
//	m[r][s] = src[(6r+s)·xiStride + c·cStride + j]   (c < nc, j < n)
//
// and stores output (a, b) of channel c, tile j at
// dst[c·chStride + a·rowStride + 4j + b], a, b < 4.
func WinogradOutput4x3(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int) {
	output4x3("WinogradOutput4x3", src, xiStride, cStride, nc, n, dst, chStride, rowStride, nil)
}

// WinogradOutputBias4x3 is WinogradOutput4x3 adding bias[c] to every output
// of channel c as WinogradOutputBias2x3 does.
func WinogradOutputBias4x3(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int, bias []float32) {
	output4x3("WinogradOutputBias4x3", src, xiStride, cStride, nc, n, dst, chStride, rowStride, bias)
}

// output4x3 checks and runs the F(4×4) output transform for the exported
// function name.
func output4x3(name string, src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int, bias []float32) {
	if nc <= 0 || n <= 0 {
		return
	}
	checkOutput(name, 4, src, xiStride, cStride, nc, n, dst, chStride, rowStride)
	checkBias(name, bias, nc)
	winogradOutput43(src, xiStride, cStride, nc, n, dst, chStride, rowStride, bias)
}

// Winograd43Accelerated reports whether the current level has vector kernels
// for the F(4×4,3×3) transforms.
func Winograd43Accelerated() bool { return winograd43Accelerated }

var (
	winogradInput43       = winogradInput43Generic
	winogradOutput43      = winogradOutput43Generic
	winograd43Accelerated = false
)

// input6 is the 6-point input transform (a row of Bᵀ applied to d).
func input6(d [6]float32) (v [6]float32) {
	v[0] = (4*d[0] - float32(5*d[2])) + d[4]
	v[1] = (d[3] + d[4]) - 4*(d[1]+d[2])
	v[2] = (d[4] - d[3]) + 4*(d[1]-d[2])
	v[3] = (d[4] - d[2]) + 2*(d[3]-d[1])
	v[4] = (d[4] - d[2]) - 2*(d[3]-d[1])
	v[5] = (4*d[1] - float32(5*d[3])) + d[5]
	return v
}

// output6 is the 6-point output transform (Aᵀ applied to m).
func output6(m [6]float32) (y [4]float32) {
	a, b := m[1]+m[2], m[1]-m[2]
	c, d := m[3]+m[4], m[3]-m[4]
	y[0] = (m[0] + a) + c
	y[1] = b + 2*d
	y[2] = a + 4*c
	y[3] = (b + 8*d) + m[5]
	return y
}

func winogradInput43Generic(x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
	at := func(c, row, col int) float32 {
		if row < 0 || row >= h || col < 0 || col >= w {
			return 0
		}
		return x[c*chStride+row*w+col]
	}
	for c := 0; c < nc; c++ {
		for j := j0; j < j0+n; j++ {
			var t [6][6]float32 // t[r'][s]: columns transformed
			for s := range 6 {
				var col [6]float32
				for r := range 6 {
					col[r] = at(c, 4*i-1+r, 4*j-1+s)
				}
				v := input6(col)
				for r := range 6 {
					t[r][s] = v[r]
				}
			}
			out := dst[c*cStride+j-j0:]
			for r := range 6 {
				v := input6(t[r])
				for s := range 6 {
					out[(6*r+s)*xiStride] = v[s]
				}
			}
		}
	}
}

func winogradOutput43Generic(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int, bias []float32) {
	for c := 0; c < nc; c++ {
		for j := 0; j < n; j++ {
			var t [4][6]float32 // t[a][s]: columns transformed
			for s := range 6 {
				var col [6]float32
				for r := range 6 {
					col[r] = src[(6*r+s)*xiStride+c*cStride+j]
				}
				y := output6(col)
				for a := range 4 {
					t[a][s] = y[a]
				}
			}
			for a := range 4 {
				y := output6(t[a])
				if bias != nil {
					for b := range y {
						y[b] += bias[c]
					}
				}
				copy(dst[c*chStride+a*rowStride+4*j:][:4], y[:])
			}
		}
	}
}

// WinogradInputPair4x3 is WinogradInputImage4x3 for two runs of at most
// WinogradPairMax tiles in one pass, the same bits as one call per run:
// run r transforms tiles of the image x[r.Src:] into dst[r.Dst:]. The vector
// kernel puts run b's tiles in the lanes after run a's, so a small image's
// tile rows (7 tiles at 28×28) fill the vector twice as well as one row
// alone, and where b's planes follow a's (b.Dst = a.Dst + a.N) each plane
// is one store.
func WinogradInputPair4x3(x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int) {
	if nc <= 0 {
		return
	}
	checkInputPair("WinogradInputPair4x3", 4, x, chStride, h, w, a, b, nc, dst, xiStride, cStride)
	winogradInputPair43(x, chStride, h, w, a, b, nc, dst, xiStride, cStride)
}

// WinogradOutputPair4x3 is WinogradOutput4x3 for two runs of at most
// WinogradOutputPair4x3Max tiles in one pass, the same bits as one call per run: run r
// transforms the r.N tiles at src[r.Src:] into dst[r.Dst:].
func WinogradOutputPair4x3(src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int) {
	outputPair4x3("WinogradOutputPair4x3", src, xiStride, cStride, nc, a, b, dst, chStride, rowStride, nil)
}

// WinogradOutputPairBias4x3 is WinogradOutputPair4x3 adding bias as
// WinogradOutputBias2x3 does.
func WinogradOutputPairBias4x3(src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int, bias []float32) {
	outputPair4x3("WinogradOutputPairBias4x3", src, xiStride, cStride, nc, a, b, dst, chStride, rowStride, bias)
}

func outputPair4x3(name string, src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int, bias []float32) {
	if nc <= 0 {
		return
	}
	checkOutputPair(name, 4, WinogradOutputPair4x3Max, src, xiStride, cStride, nc, a, b, dst, chStride, rowStride)
	checkBias(name, bias, nc)
	winogradOutputPair43(src, xiStride, cStride, nc, a, b, dst, chStride, rowStride, bias)
}

var (
	winogradInputPair43  = winogradInputPair43Generic
	winogradOutputPair43 = winogradOutputPair43Generic
)

// The pair transforms' definition: one call per run.
func winogradInputPair43Generic(x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int) {
	for _, r := range [2]WinogradRun{a, b} {
		winogradInput43(x[r.Src:], chStride, h, w, r.I, r.J0, nc, r.N, dst[r.Dst:], xiStride, cStride)
	}
}

func winogradOutputPair43Generic(src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int, bias []float32) {
	for _, r := range [2]WinogradRun{a, b} {
		winogradOutput43(src[r.Src:], xiStride, cStride, nc, r.N, dst[r.Dst:], chStride, rowStride, bias)
	}
}
