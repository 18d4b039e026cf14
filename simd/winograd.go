package simd

import "fmt"

// Winograd F(2×2, 3×3) transforms (Lavin & Gray 2016). A 3×3 convolution of
// a 4×4 input patch d gives a 2×2 output Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, with
//
//	Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  Aᵀ = [1 1 1 0; 0 1 −1 −1],
//
// so the 16 products per channel pair replace 36 multiply-adds: the channel
// sums become 16 matrix products (one per element ξ = 4r+s of the 4×4
// transformed tile). WinogradInputImage2x3 moves the patches of an image,
// zero-padded by one on every side, into them; WinogradOutput2x3 moves the
// products out. Both vectorize over tiles: the tiles of one tile row are 2
// columns apart, and the AVX2 and AVX-512 kernels produce the same bits as
// the loops below (the same additions in the same order, no fused
// operations).

// WinogradInputImage2x3 transforms the 4×4 patches of tile row i of an
// unpadded image as if it were surrounded by a border of zeros: the patch of
// tile (i, j) is d[r][s] = x[c·chStride + (2i−1+r)·w + (2j−1+s)] for
// 0 ≤ 2i−1+r < h and 0 ≤ 2j−1+s < w, and 0 outside the image, for channels
// c < nc and tiles j0 ≤ j < j0+n of tile row i; element (r, s) of Bᵀ d B for
// channel c, tile j goes to dst[(4r+s)·xiStride + c·cStride + (j−j0)].
//
// The zeros are supplied without copying the image into a padded grid: only
// elements inside the image are read. Image rows are w floats apart, channels
// chStride apart. Tile row i may be any with 2i ≤ h and the tiles may reach
// past the right edge as far as 2(j0+n) ≤ w+1 (the tiles of an odd-sized
// output). x must hold (nc−1)·chStride + h·w floats and dst
// 15·xiStride + (nc−1)·cStride + n; bad geometry, negative strides or short
// slices panic.
func WinogradInputImage2x3(x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
	if nc <= 0 || n <= 0 {
		return
	}
	checkInputImage("WinogradInputImage2x3", 2, x, chStride, h, w, i, j0, nc, n, dst, xiStride, cStride)
	winogradInputImage(x, chStride, h, w, i, j0, nc, n, dst, xiStride, cStride)
}

// WinogradOutput2x3 transforms the 4×4 tiles
//
//	m[r][s] = src[(4r+s)·xiStride + c·cStride + j]   (c < nc, j < n)
//
// and stores output (a, b) of channel c, tile j at
// dst[c·chStride + a·rowStride + 2j + b], a, b < 2.
func WinogradOutput2x3(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int) {
	output2x3("WinogradOutput2x3", src, xiStride, cStride, nc, n, dst, chStride, rowStride, nil)
}

// WinogradOutputBias2x3 is WinogradOutput2x3 adding bias[c] to every output
// of channel c (after the transform, in float32: the bits of a separate
// AddConst), as the outputs are stored. A nil bias adds nothing.
func WinogradOutputBias2x3(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int, bias []float32) {
	output2x3("WinogradOutputBias2x3", src, xiStride, cStride, nc, n, dst, chStride, rowStride, bias)
}

// output2x3 checks and runs the F(2×2) output transform for the exported
// function name.
func output2x3(name string, src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int, bias []float32) {
	if nc <= 0 || n <= 0 {
		return
	}
	checkOutput(name, 2, src, xiStride, cStride, nc, n, dst, chStride, rowStride)
	checkBias(name, bias, nc)
	winogradOutput(src, xiStride, cStride, nc, n, dst, chStride, rowStride, bias)
}

// checkBias panics unless bias is nil or holds nc values.
func checkBias(name string, bias []float32, nc int) {
	if bias != nil && len(bias) < nc {
		panic(fmt.Sprintf("simd: %s: %d bias values for %d channels", name, len(bias), nc))
	}
}

// WinogradInputPair2x3 is WinogradInputImage2x3 for two runs of at most
// WinogradPairMax tiles in one pass, the same bits as one call per run: run
// r transforms tiles of the image x[r.Src:] into dst[r.Dst:] (see
// WinogradInputPair4x3).
func WinogradInputPair2x3(x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int) {
	if nc <= 0 {
		return
	}
	checkInputPair("WinogradInputPair2x3", 2, x, chStride, h, w, a, b, nc, dst, xiStride, cStride)
	winogradInputPair23(x, chStride, h, w, a, b, nc, dst, xiStride, cStride)
}

// WinogradOutputPair2x3 is WinogradOutput2x3 for two runs of at most
// WinogradPairMax tiles in one pass, the same bits as one call per run: run r
// transforms the r.N tiles at src[r.Src:] into dst[r.Dst:].
func WinogradOutputPair2x3(src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int) {
	outputPair2x3("WinogradOutputPair2x3", src, xiStride, cStride, nc, a, b, dst, chStride, rowStride, nil)
}

// WinogradOutputPairBias2x3 is WinogradOutputPair2x3 adding bias as
// WinogradOutputBias2x3 does.
func WinogradOutputPairBias2x3(src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int, bias []float32) {
	outputPair2x3("WinogradOutputPairBias2x3", src, xiStride, cStride, nc, a, b, dst, chStride, rowStride, bias)
}

func outputPair2x3(name string, src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int, bias []float32) {
	if nc <= 0 {
		return
	}
	checkOutputPair(name, 2, WinogradPairMax, src, xiStride, cStride, nc, a, b, dst, chStride, rowStride)
	checkBias(name, bias, nc)
	winogradOutputPair23(src, xiStride, cStride, nc, a, b, dst, chStride, rowStride, bias)
}

var (
	winogradInputPair23  = winogradInputPair23Generic
	winogradOutputPair23 = winogradOutputPair23Generic
)

// The pair transforms' definition: one call per run.
func winogradInputPair23Generic(x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int) {
	for _, r := range [2]WinogradRun{a, b} {
		winogradInputImage(x[r.Src:], chStride, h, w, r.I, r.J0, nc, r.N, dst[r.Dst:], xiStride, cStride)
	}
}

func winogradOutputPair23Generic(src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int, bias []float32) {
	for _, r := range [2]WinogradRun{a, b} {
		winogradOutput(src[r.Src:], xiStride, cStride, nc, r.N, dst[r.Dst:], chStride, rowStride, bias)
	}
}

// checkInputImage panics unless tiles j0 … j0+n−1 of tile row i of m×m output
// tiles lie on an h×w image (their patches may reach m−1 rows and columns
// past it) and the slices hold what F(m×m,3×3)'s input transform reads and
// writes, with nc, n ≥ 1.
func checkInputImage(name string, m int, x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
	if h < 1 || w < 1 || i < 0 || m*i > h || j0 < 0 || m*(j0+n) > w+m-1 {
		panic(fmt.Sprintf("simd: %s: tiles %d..%d of tile row %d are not on a %d×%d image (need %d·i ≤ h, j0 ≥ 0, %d·(j0+n) ≤ w+%d)",
			name, j0, j0+n-1, i, h, w, m, m, m-1))
	}
	if chStride < 0 || xiStride < 0 || cStride < 0 {
		panic("simd: " + name + ": negative stride")
	}
	planes := (m + 2) * (m + 2)
	if len(x) < (nc-1)*chStride+h*w || len(dst) < (planes-1)*xiStride+(nc-1)*cStride+n {
		panic("simd: " + name + ": slice too short for the geometry")
	}
}

// WinogradRun is one run of tiles of a pair transform: tiles J0 ≤ j < J0+N
// of tile row I, read from src[Src:] and written to dst[Dst:] (for the input
// transform Src locates the image, for the output transform the run's first
// M column; the output transform ignores I and J0).
//
// Spare, for the input transforms only, is how many lanes after the run's N
// in each of its plane rows the transform may overwrite with unspecified
// values; the caller writes them again afterwards (they hold later
// tiles, or lanes it clears). Run a is transformed before run b, so a's
// spare lanes may be b's. With spare lanes an 8-lane kernel stores a short
// run's block in place instead of staging it and copying n lanes out.
type WinogradRun struct{ Src, Dst, I, J0, N, Spare int }

// WinogradPairMax is the most tiles a run of a pair transform may have;
// WinogradOutputPair4x3 takes runs of up to WinogradOutputPair4x3Max (the
// 8 tiles of a 32×32 image's rows: its kernel needs no column beyond a
// run's tiles, the input transform's reads two).
const (
	WinogradPairMax          = 7
	WinogradOutputPair4x3Max = 8
)

// checkInputPair panics unless both runs are 1..WinogradPairMax tiles that
// checkInputImage accepts in their places.
func checkInputPair(name string, m int, x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int) {
	for _, r := range [2]WinogradRun{a, b} {
		checkPairRun(name, r, len(x), len(dst), WinogradPairMax)
		checkInputImage(name, m, x[r.Src:], chStride, h, w, r.I, r.J0, nc, r.N, dst[r.Dst:], xiStride, cStride)
		if planes := (m + 2) * (m + 2); r.Spare < 0 || len(dst)-r.Dst < (planes-1)*xiStride+(nc-1)*cStride+r.N+r.Spare {
			panic(fmt.Sprintf("simd: %s: run %+v: spare lanes outside dst", name, r))
		}
	}
}

// checkOutputPair is checkInputPair for the output transforms, runs of at
// most most tiles.
func checkOutputPair(name string, m, most int, src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int) {
	for _, r := range [2]WinogradRun{a, b} {
		checkPairRun(name, r, len(src), len(dst), most)
		checkOutput(name, m, src[r.Src:], xiStride, cStride, nc, r.N, dst[r.Dst:], chStride, rowStride)
	}
}

func checkPairRun(name string, r WinogradRun, srcLen, dstLen, most int) {
	if r.N < 1 || r.N > most || r.Src < 0 || r.Src > srcLen || r.Dst < 0 || r.Dst > dstLen {
		panic(fmt.Sprintf("simd: %s: run %+v outside 1..%d tiles or the slices", name, r, most))
	}
}

// checkOutput panics unless the slices hold what F(m×m,3×3)'s output
// transform reads and writes, with nc, n ≥ 1.
func checkOutput(name string, m int, src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int) {
	planes := (m + 2) * (m + 2)
	if len(src) < (planes-1)*xiStride+(nc-1)*cStride+n || len(dst) < (nc-1)*chStride+(m-1)*rowStride+m*n {
		panic("simd: " + name + ": slice too short for the geometry")
	}
}

// WinogradAccelerated reports whether the current level has vector kernels
// for the transforms; without them the transforms cost more than the
// multiplications they save, and convolutions should not use them.
func WinogradAccelerated() bool { return winogradAccelerated }

var (
	winogradInputImage  = winogradInputImageGeneric
	winogradOutput      = winogradOutputGeneric
	winogradAccelerated = false
)

// winogradInputImageGeneric is the definition of WinogradInputImage2x3: the
// patch read through at, which supplies the zero padding, then Bᵀ d B.
func winogradInputImageGeneric(x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
	at := func(c, row, col int) float32 {
		if row < 0 || row >= h || col < 0 || col >= w {
			return 0
		}
		return x[c*chStride+row*w+col]
	}
	for c := 0; c < nc; c++ {
		for j := 0; j < n; j++ {
			var d [4][4]float32
			for r := range 4 {
				for s := range 4 {
					d[r][s] = at(c, 2*i-1+r, 2*(j0+j)-1+s)
				}
			}
			var t [4][4]float32
			for s := range 4 { // columns: Bᵀ d
				t[0][s] = d[0][s] - d[2][s]
				t[1][s] = d[1][s] + d[2][s]
				t[2][s] = d[2][s] - d[1][s]
				t[3][s] = d[1][s] - d[3][s]
			}
			out := dst[c*cStride+j:]
			for r := range 4 { // rows: (Bᵀ d) B
				out[(4*r+0)*xiStride] = t[r][0] - t[r][2]
				out[(4*r+1)*xiStride] = t[r][1] + t[r][2]
				out[(4*r+2)*xiStride] = t[r][2] - t[r][1]
				out[(4*r+3)*xiStride] = t[r][1] - t[r][3]
			}
		}
	}
}

func winogradOutputGeneric(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int, bias []float32) {
	for c := 0; c < nc; c++ {
		for j := 0; j < n; j++ {
			var m [16]float32
			for xi := range 16 {
				m[xi] = src[xi*xiStride+c*cStride+j]
			}
			var t [2][4]float32
			for s := range 4 { // columns: Aᵀ m
				t[0][s] = m[s] + m[4+s] + m[8+s]
				t[1][s] = m[4+s] - m[8+s] - m[12+s]
			}
			for a := range 2 { // rows: (Aᵀ m) A
				out := dst[c*chStride+a*rowStride+2*j:]
				out[0] = t[a][0] + t[a][1] + t[a][2]
				out[1] = t[a][1] - t[a][2] - t[a][3]
				if bias != nil {
					out[0] += bias[c]
					out[1] += bias[c]
				}
			}
		}
	}
}
