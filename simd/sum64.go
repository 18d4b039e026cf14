package simd

// Reductions of float32 data accumulated in float64, for statistics and
// inner products whose float32 sums would lose too many digits (batch-norm
// moments over N·H·W elements, Lanczos and JVP inner products). Each kernel
// set uses its own summation order, so results agree to float64 rounding
// error, not bit for bit; each is deterministic.

var (
	dot64Impl                = dot64Generic
	sum64Impl                = sum64Generic
	sumSquares64Impl         = sumSquares64Generic
	sumCenteredSquares64Impl = sumCenteredSquares64Generic
)

// Dot64 returns the inner product of x and y, accumulated in float64.
func Dot64(x, y []float32) float64 {
	checkLen("Dot64", "x", len(x), "y", len(y))
	if len(x) == 0 {
		return 0
	}
	return dot64Impl(x, y)
}

// Sum64 returns the sum of the elements of x, accumulated in float64.
func Sum64(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	return sum64Impl(x)
}

// SumSquares64 returns the sum of x[i]², accumulated in float64.
func SumSquares64(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	return sumSquares64Impl(x)
}

// SumCenteredSquares64 returns the sum of (x[i] − m)², each difference
// formed in float64 (batch norm's variance about its mean, without the
// cancellation of Σx² − n·m²).
func SumCenteredSquares64(x []float32, m float64) float64 {
	if len(x) == 0 {
		return 0
	}
	return sumCenteredSquares64Impl(x, m)
}

func dot64Generic(x, y []float32) float64 {
	var s0, s1, s2, s3 float64
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i]) * float64(y[i])
		s1 += float64(x[i+1]) * float64(y[i+1])
		s2 += float64(x[i+2]) * float64(y[i+2])
		s3 += float64(x[i+3]) * float64(y[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i]) * float64(y[i])
	}
	return (s0 + s1) + (s2 + s3)
}

func sum64Generic(x []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i])
		s1 += float64(x[i+1])
		s2 += float64(x[i+2])
		s3 += float64(x[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

func sumSquares64Generic(x []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i]) * float64(x[i])
		s1 += float64(x[i+1]) * float64(x[i+1])
		s2 += float64(x[i+2]) * float64(x[i+2])
		s3 += float64(x[i+3]) * float64(x[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i]) * float64(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

func sumCenteredSquares64Generic(x []float32, m float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		e0, e1, e2, e3 := float64(x[i])-m, float64(x[i+1])-m, float64(x[i+2])-m, float64(x[i+3])-m
		s0 += e0 * e0
		s1 += e1 * e1
		s2 += e2 * e2
		s3 += e3 * e3
	}
	for ; i < len(x); i++ {
		e := float64(x[i]) - m
		s0 += e * e
	}
	return (s0 + s1) + (s2 + s3)
}
