package study

import (
	"fmt"
	"math"
)

// r2MSE compares predictions x with references y, both n images of d
// values (the network's x̂0 is y): per image j, r²_j = 1 − Σ(x−y)²/(d·Var(y_j))
// with Var unbiased over the d values of y_j, as the locality paper's
// evaluation computes it, and MSE_j = Σ(x−y)²/d; it returns the means over
// the images. An image whose y is constant has no r² (Var = 0) and is left
// out of the r² mean (NaN if every image is); sums are float64.
func r2MSE(x, y []float32, n int) (r2, mse float64, err error) {
	if n < 1 || len(x) != len(y) || len(x)%n != 0 || len(x) == n {
		return 0, 0, fmt.Errorf("study: r² of %d and %d values as %d images of at least 2 values", len(x), len(y), n)
	}
	d := len(x) / n
	var r2Sum float64
	r2N := 0
	for j := range n {
		xs, ys := x[j*d:(j+1)*d], y[j*d:(j+1)*d]
		var mean float64
		for _, v := range ys {
			mean += float64(v)
		}
		mean /= float64(d)
		var ss, vr float64
		for i, v := range ys {
			e := float64(xs[i]) - float64(v)
			ss += e * e
			c := float64(v) - mean
			vr += c * c
		}
		vr /= float64(d - 1)
		mse += ss / float64(d)
		if vr > 0 {
			r2Sum += 1 - ss/(float64(d)*vr)
			r2N++
		}
	}
	mse /= float64(n)
	if r2N == 0 {
		return math.NaN(), mse, nil
	}
	return r2Sum / float64(r2N), mse, nil
}
