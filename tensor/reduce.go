package tensor

import (
	"fmt"
	"math"
)

// Reductions accumulate in float64: a float32 running sum over a 128×40×40
// batch loses about 4 decimal digits, which matters for losses and norms.
// The order of accumulation is fixed (row-major), so results are deterministic.

// Sum returns the sum of all elements, accumulated in float64.
func Sum(t *Tensor) float64 {
	var total, comp float64
	eachRow(t, func(row []float32, stride int) {
		total, comp = neumaierAdd(total, comp, sumRow(row, stride))
	})
	return total + comp
}

// SumSquares returns Σ x², accumulated in float64.
func SumSquares(t *Tensor) float64 {
	var s float64
	eachRow(t, func(row []float32, stride int) {
		for i := 0; i < len(row); i += stride {
			v := float64(row[i])
			s += v * v
		}
	})
	return s
}

// Mean returns the mean of all elements (NaN for an empty tensor, as numpy).
func Mean(t *Tensor) float64 { return Sum(t) / float64(t.Numel()) }

// Max returns the largest element; NaN if any element is NaN or t is empty.
func Max(t *Tensor) float32 { return extreme(t, true) }

// Min returns the smallest element; NaN if any element is NaN or t is empty.
func Min(t *Tensor) float32 { return extreme(t, false) }

func extreme(t *Tensor, isMax bool) float32 {
	if t.Numel() == 0 {
		return float32(math.NaN())
	}
	m := float32(math.Inf(1))
	if isMax {
		m = float32(math.Inf(-1))
	}
	eachRow(t, func(row []float32, stride int) { m = extremeRow(m, row, stride, isMax) })
	return m
}

// extremeRow folds row[0], row[stride], ... into m; NaN sticks once seen.
func extremeRow(m float32, row []float32, stride int, isMax bool) float32 {
	for i := 0; i < len(row); i += stride {
		v := row[i]
		if v != v || (isMax && v > m) || (!isMax && v < m) {
			m = v
		}
		if m != m {
			return m
		}
	}
	return m
}

// sumRow adds row[0], row[stride], ... in float64: blocks of sumBlock
// elements with four partial sums each, and the block totals combined with
// Neumaier's compensated summation, so one large value does not swamp the
// rounding of a million small ones. The order is fixed, so the result
// depends only on the data.
func sumRow(row []float32, stride int) float64 {
	var total, comp float64
	step := sumBlock * stride
	for lo := 0; lo < len(row); lo += step {
		total, comp = neumaierAdd(total, comp, blockSum(row[lo:min(lo+step, len(row))], stride))
	}
	return total + comp
}

const sumBlock = 1024

// neumaierAdd adds b to the compensated sum (total, comp).
func neumaierAdd(total, comp, b float64) (float64, float64) {
	t := total + b
	if math.Abs(total) >= math.Abs(b) {
		comp += (total - t) + b
	} else {
		comp += (b - t) + total
	}
	return t, comp
}

func blockSum(row []float32, stride int) float64 {
	if stride != 1 {
		var s float64
		for i := 0; i < len(row); i += stride {
			s += float64(row[i])
		}
		return s
	}
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(row); i += 4 {
		s0 += float64(row[i])
		s1 += float64(row[i+1])
		s2 += float64(row[i+2])
		s3 += float64(row[i+3])
	}
	for ; i < len(row); i++ {
		s0 += float64(row[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// eachRow calls f with the rows of t: row[0], row[stride], ... are the
// elements of one run along the last coalesced axis (row ends just past its
// last element).
func eachRow(t *Tensor, f func(row []float32, stride int)) {
	t.eachRun(func(off, stride, n int) {
		f(t.data[off:off+(n-1)*stride+1], max(stride, 1))
	})
}

// reduceKind selects the reduction SumAxes and friends perform.
type reduceKind int

const (
	reduceSum reduceKind = iota
	reduceMax
	reduceMin
)

var reduceNames = [...]string{"sum", "max", "min"}

// SumAxes sums over the given axes (negative axes count from the end; no axes
// means all axes, like numpy's axis=None). keepDims keeps reduced axes with
// size 1, so the result broadcasts against t.
func SumAxes(t *Tensor, keepDims bool, axes ...int) (*Tensor, error) {
	return reduceAxes(t, reduceSum, keepDims, axes)
}

// MeanAxes averages over the given axes (see SumAxes).
func MeanAxes(t *Tensor, keepDims bool, axes ...int) (*Tensor, error) {
	out, err := reduceAxes(t, reduceSum, keepDims, axes)
	if err != nil {
		return nil, err
	}
	if n := out.Numel(); n > 0 {
		count := float32(t.Numel() / n)
		for i := range out.data {
			out.data[i] /= count
		}
	}
	return out, nil
}

// MaxAxes takes the maximum over the given axes (see SumAxes); reducing an
// axis of size 0 is an error, as in numpy.
func MaxAxes(t *Tensor, keepDims bool, axes ...int) (*Tensor, error) {
	return reduceAxes(t, reduceMax, keepDims, axes)
}

// MinAxes takes the minimum over the given axes (see MaxAxes).
func MinAxes(t *Tensor, keepDims bool, axes ...int) (*Tensor, error) {
	return reduceAxes(t, reduceMin, keepDims, axes)
}

func reduceAxes(t *Tensor, kind reduceKind, keepDims bool, axes []int) (*Tensor, error) {
	reduced, err := normalizeAxes(t.shape, axes)
	if err != nil {
		return nil, fmt.Errorf("tensor: %s: %w", reduceNames[kind], err)
	}
	keptShape := make([]int, len(t.shape)) // reduced axes become 1
	for k, s := range t.shape {
		keptShape[k] = s
		if reduced[k] {
			if s == 0 && kind != reduceSum {
				return nil, fmt.Errorf("tensor: %s over empty axis %d of shape %v", reduceNames[kind], k, t.shape)
			}
			keptShape[k] = 1
		}
	}
	acc := make([]float64, numelOf(keptShape))
	init := map[reduceKind]float64{reduceSum: 0, reduceMax: math.Inf(-1), reduceMin: math.Inf(1)}[kind]
	for i := range acc {
		acc[i] = init
	}
	// The accumulator is indexed like a broadcast operand of shape keptShape.
	accStrides := contiguousStrides(keptShape)
	for k := range accStrides {
		if reduced[k] {
			accStrides[k] = 0
		}
	}
	it := newStridedIter(t.shape, t.strides, accStrides)
	n, st, sa := it.rowLen, it.inner[0], it.inner[1]
	it.rows([]int{t.offset, 0}, func(o []int) {
		accumulateRow(kind, acc, o[1], sa, t.data, o[0], st, n)
	})
	outShape := keptShape
	if !keepDims {
		outShape = outShape[:0:0]
		for k, s := range t.shape {
			if !reduced[k] {
				outShape = append(outShape, s)
			}
		}
	}
	out := New(outShape...)
	for i, v := range acc {
		out.data[i] = float32(v)
	}
	return out, nil
}

// accumulateRow folds n elements src[so + i·ss] into acc[ao + i·as]. When the
// row is reduced to one accumulator (as == 0) a sum uses the blocked
// compensated sumRow.
func accumulateRow(kind reduceKind, acc []float64, ao, as int, src []float32, so, ss, n int) {
	switch {
	case kind == reduceSum && as == 0:
		acc[ao] += sumRow(src[so:so+(n-1)*ss+1], max(ss, 1))
	case kind == reduceSum:
		for i := 0; i < n; i++ {
			acc[ao+i*as] += float64(src[so+i*ss])
		}
	case as == 0:
		acc[ao] = float64(extremeRow(float32(acc[ao]), src[so:so+(n-1)*ss+1], max(ss, 1), kind == reduceMax))
	default:
		for i := 0; i < n; i++ {
			v, p := float64(src[so+i*ss]), &acc[ao+i*as]
			if v != v || (kind == reduceMax && v > *p) || (kind == reduceMin && v < *p) {
				*p = v
			}
		}
	}
}

// normalizeAxes marks the axes to reduce; negative axes count from the end.
func normalizeAxes(shape []int, axes []int) ([]bool, error) {
	r := len(shape)
	reduced := make([]bool, r)
	if len(axes) == 0 {
		for k := range reduced {
			reduced[k] = true
		}
		return reduced, nil
	}
	for _, a := range axes {
		k := a
		if k < 0 {
			k += r
		}
		if k < 0 || k >= r {
			return nil, fmt.Errorf("axis %d out of range for shape %v", a, shape)
		}
		if reduced[k] {
			return nil, fmt.Errorf("axis %d repeated in %v", a, axes)
		}
		reduced[k] = true
	}
	return reduced, nil
}

func numelOf(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}
