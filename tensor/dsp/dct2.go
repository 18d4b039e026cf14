package dsp

import "github.com/harmonic-go/harmonic/tensor"

// DCT2 returns the orthonormal 2-D DCT-II of every H×W channel of
// x [B,C,H,W]: X = C_H·x·C_Wᵀ with C_n = DCTMatrix(n), so X[b,c,p,q] is the
// coefficient of row frequency p and column frequency q. This is scipy's
// dctn(x, axes=(-2, -1), norm="ortho"). The DCT matrices are rounded once to
// float32 and the products run in float32 (Separable).
func DCT2(x *tensor.Tensor) (*tensor.Tensor, error) {
	_, h, w, err := imageBatch("dsp.DCT2", x)
	if err != nil {
		return nil, err
	}
	return Separable(x, dctBasis(h).f32, dctBasis(w).f32)
}

// IDCT2 inverts DCT2 (the orthonormal 2-D DCT-III): x = C_Hᵀ·X·C_W.
func IDCT2(x *tensor.Tensor) (*tensor.Tensor, error) {
	_, h, w, err := imageBatch("dsp.IDCT2", x)
	if err != nil {
		return nil, err
	}
	return Separable(x, dctTransposed(h), dctTransposed(w))
}

// dctTransposed returns Cᵀ of size n in float32 (cached with C).
func dctTransposed(n int) []float32 {
	m := dctBasis(n)
	m.transposeOnce.Do(func() {
		t := make([]float32, n*n)
		for p := 0; p < n; p++ {
			for i := 0; i < n; i++ {
				t[i*n+p] = m.f32[p*n+i]
			}
		}
		m.f32T = t
	})
	return m.f32T
}

// DCT2Float64 is DCT2 in float64 on n contiguous h×w images.
func DCT2Float64(x []float64, n, h, w int) ([]float64, error) {
	if h < 1 || w < 1 {
		return Separable64(x, n, h, w, nil, nil)
	}
	return Separable64(x, n, h, w, dctBasis(h).f64, dctBasis(w).f64)
}

// IDCT2Float64 inverts DCT2Float64.
func IDCT2Float64(x []float64, n, h, w int) ([]float64, error) {
	if h < 1 || w < 1 {
		return Separable64(x, n, h, w, nil, nil)
	}
	return Separable64(x, n, h, w, transpose64(dctBasis(h).f64, h), transpose64(dctBasis(w).f64, w))
}

// transpose64 returns the transpose of the n×n matrix a.
func transpose64(a []float64, n int) []float64 {
	t := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			t[j*n+i] = a[i*n+j]
		}
	}
	return t
}
