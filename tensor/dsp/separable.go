package dsp

import (
	"fmt"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/tensor"
)

// Separable returns y with y[b,c] = L·x[b,c]·Rᵀ for every H×W image of
// x [B,C,H,W]: L (H×H) acts down the columns and R (W×W) along the rows,
// both row-major. Every separable linear map of images is one: the 2-D
// DCT-II (L, R the DCT matrices), its inverse (their transposes) and any
// filter diagonal in the DCT basis with a separable response (the heat blur).
//
// The row pass is one float32 GEMM over all B·C·H rows at once. The column
// pass cannot be: it contracts the middle index, which leaves the image and
// column indices unmergeable in one matrix, so it runs one small GEMM per
// image (single-threaded each below a million flops) with the images split
// over the worker pool. Every output element is computed by the same
// operations for any thread count.
func Separable(x *tensor.Tensor, l, r []float32) (*tensor.Tensor, error) {
	n, h, w, err := imageBatch("dsp.Separable", x)
	if err != nil {
		return nil, err
	}
	if len(l) != h*h || len(r) != w*w {
		return nil, fmt.Errorf("dsp.Separable: input %v needs a %dx%d column matrix and a %dx%d row matrix, got %d and %d values",
			x.Shape(), h, h, w, w, len(l), len(r))
	}
	src := x.Contiguous().Data()
	rows := tensor.Empty(n * h * w) // after the row pass; both are overwritten (beta 0)
	out := tensor.Empty(x.Shape()...)
	y, z := rows.Data(), out.Data()
	if len(y) == 0 {
		return out, nil
	}
	tensor.Sgemm(false, true, n*h, w, w, 1, src, w, r, w, 0, y, w)
	size := h * w
	parallel.For(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			img := y[i*size : (i+1)*size]
			tensor.Sgemm(false, false, h, w, h, 1, l, h, img, w, 0, z[i*size:(i+1)*size], w)
		}
	})
	tensor.Recycle(rows)
	return out, nil
}

// imageBatch checks that x is a [B,C,H,W] batch and returns B·C, H and W.
func imageBatch(op string, x *tensor.Tensor) (n, h, w int, err error) {
	if x.Rank() != 4 {
		return 0, 0, 0, fmt.Errorf("%s: input %v is not a [B,C,H,W] batch of images", op, x.Shape())
	}
	return x.Dim(0) * x.Dim(1), x.Dim(2), x.Dim(3), nil
}

// Separable64 is Separable in float64 on n contiguous h×w images (a plain
// loop, for references and tests): it returns L·x_i·Rᵀ for every image x_i.
func Separable64(x []float64, n, h, w int, l, r []float64) ([]float64, error) {
	if n < 0 || h < 0 || w < 0 || len(x) != n*h*w {
		return nil, fmt.Errorf("dsp.Separable64: %d values are not %d images of %dx%d", len(x), n, h, w)
	}
	if len(l) != h*h || len(r) != w*w {
		return nil, fmt.Errorf("dsp.Separable64: %dx%d images need a %dx%d column matrix and a %dx%d row matrix, got %d and %d values",
			h, w, h, h, w, w, len(l), len(r))
	}
	out := make([]float64, len(x))
	tmp := make([]float64, h*w)
	for i := 0; i < n; i++ {
		img, dst := x[i*h*w:(i+1)*h*w], out[i*h*w:(i+1)*h*w]
		// tmp = img·Rᵀ: tmp[a][q] = Σ_j img[a][j]·R[q][j].
		for a := 0; a < h; a++ {
			row := img[a*w : (a+1)*w]
			for q := 0; q < w; q++ {
				var s float64
				for j, v := range row {
					s += v * r[q*w+j]
				}
				tmp[a*w+q] = s
			}
		}
		// dst = L·tmp: dst[p][q] = Σ_a L[p][a]·tmp[a][q].
		for p := 0; p < h; p++ {
			d := dst[p*w : (p+1)*w]
			for a := 0; a < h; a++ {
				c, t := l[p*h+a], tmp[a*w:(a+1)*w]
				for q := range d {
					d[q] += c * t[q]
				}
			}
		}
	}
	return out, nil
}
