package analytic

import (
	"math"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/tensor"
)

// trainSet holds N training images in [−1,1] as float32 rows of d values,
// the same rows centred on their mean (x_i − μ, for better-conditioned
// float32 inner products: distances are invariant under the shift), and
// the centred rows' squared norms in float64.
type trainSet struct {
	c, h, w int
	n, d    int
	x       []float32 // N×d
	xc      []float32 // N×d, x − μ
	mean    []float64
	norm2   []float64 // ‖x_i − μ‖²
	maxNorm float64   // max_i ‖x_i − μ‖
}

func newTrainSet(x *tensor.Tensor) (*trainSet, error) {
	if err := checkTrain(x); err != nil {
		return nil, err
	}
	x = x.Contiguous()
	n := x.Dim(0)
	d := x.Numel() / n
	t := &trainSet{c: x.Dim(1), h: x.Dim(2), w: x.Dim(3), n: n, d: d, x: x.Data()}
	t.mean = make([]float64, d)
	for i := range n {
		for j, v := range t.x[i*d : (i+1)*d] {
			t.mean[j] += float64(v)
		}
	}
	for j := range t.mean {
		t.mean[j] /= float64(n)
	}
	t.xc = make([]float32, n*d)
	t.norm2 = make([]float64, n)
	parallel.For(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var s float64
			for j, v := range t.x[i*d : (i+1)*d] {
				c := float32(float64(v) - t.mean[j])
				t.xc[i*d+j] = c
				s += float64(c) * float64(c)
			}
			t.norm2[i] = s
		}
	})
	for _, s := range t.norm2 {
		t.maxNorm = math.Max(t.maxNorm, math.Sqrt(s))
	}
	return t, nil
}

// f32Unit bounds the relative rounding of a float32 operation (2⁻²³, twice
// the unit roundoff, for safety).
const f32Unit = 1.0 / (1 << 23)

// innerBound bounds |fl(q·xc_i) − q·xc_i| for a float32 GEMM: d·u·‖q‖·‖xc_i‖
// (the classic γ_d bound with Cauchy–Schwarz).
func (t *trainSet) innerBound(qNorm float64) float64 {
	return float64(t.d) * f32Unit * qNorm * t.maxNorm
}

// gram computes G[r,i] = q_r · xc_i for the b rows of q (b×d) into g (b×N).
func (t *trainSet) gram(q []float32, b int, g []float32) {
	tensor.Sgemm(false, true, b, t.n, t.d, 1, q, t.d, t.xc, t.d, 0, g, t.n)
}

// dist64 is ‖y − s·x_i‖² in float64.
func (t *trainSet) dist64(y []float64, s float64, i int) float64 {
	var acc float64
	for j, v := range t.x[i*t.d : (i+1)*t.d] {
		e := y[j] - s*float64(v)
		acc += e * e
	}
	return acc
}

// blockRows is how many query rows share one b×N score block: enough for
// an efficient GEMM, few enough that the block (≤ 8M floats) stays small.
func (t *trainSet) blockRows(b int) int {
	return max(1, min(b, (8<<20)/max(t.n, 1)))
}
