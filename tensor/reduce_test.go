package tensor

import (
	"math"
	"slices"
	"testing"
)

// naiveReduce reduces over the marked axes with a float64 loop over every
// input index; the result is in keepDims layout.
func naiveReduce(t *Tensor, reduced []bool, kind reduceKind) ([]int, []float64) {
	kept := make([]int, t.Rank())
	for k := range kept {
		kept[k] = t.shape[k]
		if reduced[k] {
			kept[k] = 1
		}
	}
	out := make([]float64, numelOf(kept))
	seen := make([]bool, len(out))
	for _, idx := range allIndices(t.shape) {
		o := make([]int, len(idx))
		for k := range idx {
			if !reduced[k] {
				o[k] = idx[k]
			}
		}
		f := flatIndex(kept, o)
		v := float64(t.At(idx...))
		switch {
		case !seen[f]:
			out[f] = v
		case kind == reduceSum:
			out[f] += v
		case kind == reduceMax:
			out[f] = math.Max(out[f], v)
		default:
			out[f] = math.Min(out[f], v)
		}
		seen[f] = true
	}
	return kept, out
}

func TestWholeReductions(t *testing.T) {
	r := NewRNG(21)
	for _, strided := range []bool{false, true} {
		for _, shape := range [][]int{{}, {1}, {13}, {3, 70}, {2, 3, 4, 5}} {
			x := randTensor(r, strided, shape...)
			var s, ss float64
			mx, mn := math.Inf(-1), math.Inf(1)
			for _, idx := range allIndices(shape) {
				v := float64(x.At(idx...))
				s += v
				ss += v * v
				mx, mn = math.Max(mx, v), math.Min(mn, v)
			}
			n := float64(x.Numel())
			tol := 1e-12 * n
			if math.Abs(Sum(x)-s) > tol || math.Abs(SumSquares(x)-ss) > tol || math.Abs(Mean(x)-s/n) > tol {
				t.Fatalf("%v strided=%v: sum %v/%v sumsq %v/%v", shape, strided, Sum(x), s, SumSquares(x), ss)
			}
			if float64(Max(x)) != mx || float64(Min(x)) != mn {
				t.Fatalf("%v: max %v/%v min %v/%v", shape, Max(x), mx, Min(x), mn)
			}
		}
	}
	e := New(0, 3)
	if Sum(e) != 0 || !math.IsNaN(Mean(e)) || !math.IsNaN(float64(Max(e))) {
		t.Fatal("empty reductions")
	}
	nan := arange(5)
	nan.data[2] = float32(math.NaN())
	if !math.IsNaN(float64(Max(nan))) || !math.IsNaN(float64(Min(nan))) {
		t.Fatal("NaN must propagate through Max/Min")
	}
}

// TestSumAccuracy: one 1e8 followed by 1e6 copies of 0.1f. The exact sum is
// representable to ~1e-8 in float64; blocked compensated summation is within
// ~2e-6, a plain float64 running sum is off by
// ~2e-3 and a float32 one by far more.
func TestSumAccuracy(t *testing.T) {
	x := Full(0.1, 1000, 1000)
	x.data[0] = 1e8
	want := 1e8 + 999999*float64(float32(0.1))
	if got := Sum(x); math.Abs(got-want) > 1e-5 {
		t.Fatalf("sum %v want %v", got, want)
	}
}

func TestAxisReductions(t *testing.T) {
	r := NewRNG(22)
	cases := []struct {
		shape []int
		axes  []int
	}{
		{[]int{4, 5}, []int{0}},
		{[]int{4, 5}, []int{1}},
		{[]int{4, 5}, []int{-1}},
		{[]int{4, 5}, nil},
		{[]int{2, 3, 4, 5}, []int{0, 2, 3}}, // batch-norm style: per channel
		{[]int{2, 3, 4, 5}, []int{1}},
		{[]int{2, 3, 4, 5}, []int{3, 0}},
		{[]int{3, 1, 7}, []int{1}},
		{[]int{0, 4}, []int{0}},
	}
	kinds := []struct {
		kind reduceKind
		fn   func(*Tensor, bool, ...int) (*Tensor, error)
	}{{reduceSum, SumAxes}, {reduceMax, MaxAxes}, {reduceMin, MinAxes}}
	for _, c := range cases {
		for _, strided := range []bool{false, true} {
			x := randTensor(r, strided, c.shape...)
			reduced, _ := normalizeAxes(c.shape, c.axes)
			for _, k := range kinds {
				if c.shape[0] == 0 && k.kind != reduceSum {
					continue
				}
				kept, want := naiveReduce(x, reduced, k.kind)
				for _, keep := range []bool{true, false} {
					got, err := k.fn(x, keep, c.axes...)
					if err != nil {
						t.Fatal(err)
					}
					wantShape := kept
					if !keep {
						wantShape = nil
						for i, s := range c.shape {
							if !reduced[i] {
								wantShape = append(wantShape, s)
							}
						}
					}
					if !slices.Equal(got.shape, wantShape) && !(len(got.shape) == 0 && len(wantShape) == 0) {
						t.Fatalf("%s %v axes %v keep=%v: shape %v want %v", reduceNames[k.kind], c.shape, c.axes, keep, got.shape, wantShape)
					}
					for i, w := range want {
						if math.Abs(float64(got.data[i])-w) > 1e-6*(1+math.Abs(w)) {
							t.Fatalf("%s %v axes %v [%d]: %v want %v", reduceNames[k.kind], c.shape, c.axes, i, got.data[i], w)
						}
					}
				}
			}
			m, _ := MeanAxes(x, false, c.axes...)
			s, _ := SumAxes(x, false, c.axes...)
			if cnt := x.Numel() / max(1, s.Numel()); s.Numel() > 0 && cnt > 0 {
				for i := range m.data {
					if math.Abs(float64(m.data[i])-float64(s.data[i])/float64(cnt)) > 1e-6 {
						t.Fatalf("mean %v axes %v", c.shape, c.axes)
					}
				}
			}
		}
	}
}

func TestAxisErrors(t *testing.T) {
	x := New(2, 3)
	_, err := SumAxes(x, false, 2)
	wantErr(t, err, "tensor: sum: axis 2 out of range for shape [2 3]")
	_, err = SumAxes(x, false, -3)
	wantErr(t, err, "axis -3")
	_, err = MaxAxes(x, true, 0, -2)
	wantErr(t, err, "repeated")
	_, err = MinAxes(New(2, 0), false, 1)
	wantErr(t, err, "min over empty axis 1 of shape [2 0]")
}
