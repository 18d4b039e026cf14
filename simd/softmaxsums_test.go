package simd

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func randFloat32s(rng *rand.Rand, n int, lo, hi float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = lo + (hi-lo)*rng.Float32()
	}
	return x
}

// TestSquaredResidualsBits compares every level bit for bit with the
// defining float64 expression, at lengths around the vector widths.
func TestSquaredResidualsBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 7, 15, 16, 17, 33, 100} {
			x := randFloat32s(rng, n, -1, 1)
			y, a := rng.NormFloat64(), rng.Float64()
			got := make([]float32, n)
			SquaredResiduals(got, x, y, a)
			for k, v := range x {
				e := y - a*float64(v)
				if want := float32(e * e); got[k] != want {
					t.Fatalf("n=%d k=%d: %v, want %v", n, k, got[k], want)
				}
			}
		}
	})
}

// TestSumRowsGrouped checks SumRowsGrouped against a float64 sum of the
// listed rows (to float32 rounding of 16-term groups) and, bit for bit,
// against the generic loop at every level; with and without tot, row lists
// of every group remainder, repeated and unordered rows, and column counts
// around the 64-column chunk.
func TestSumRowsGrouped(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const nrowsAll = 50
	forEachLevel(t, func(t *testing.T) {
		for _, n := range []int{1, 16, 63, 64, 65, 128, 200} {
			stride := n + rng.IntN(5)
			x := randFloat32s(rng, nrowsAll*stride, 0, 4)
			for _, nr := range []int{0, 1, 15, 16, 17, 40} {
				rows := make([]int32, nr)
				for i := range rows {
					rows[i] = int32(rng.IntN(nrowsAll))
				}
				tot := make([]float64, n)
				for k := range tot {
					tot[k] = 1000 * rng.Float64()
				}
				for _, withTot := range []bool{false, true} {
					var tp []float64
					if withTot {
						tp = tot
					}
					got := make([]float64, n)
					SumRowsGrouped(got, tp, x, stride, NewRowList(rows))
					want := make([]float64, n)
					sumRowsGroupedGeneric(want, tp, x, stride, rows)
					for k := range n {
						var ref float64
						for _, r := range rows {
							ref += float64(x[int(r)*stride+k])
						}
						if withTot {
							ref = tot[k] - ref
						}
						if got[k] != want[k] {
							t.Fatalf("n=%d rows=%d tot=%v k=%d: %v, generic %v", n, nr, withTot, k, got[k], want[k])
						}
						if math.Abs(got[k]-ref) > 1e-6*(1+math.Abs(ref)+4*float64(nr)) {
							t.Fatalf("n=%d rows=%d tot=%v k=%d: %v, float64 sum %v", n, nr, withTot, k, got[k], ref)
						}
					}
				}
			}
		}
	})
}

func TestSumRowsGroupedPanicsOutOfRange(t *testing.T) {
	for _, c := range []struct {
		name   string
		acc    int
		stride int
		x      int
		rows   []int32
	}{{"row past x", 4, 4, 16, []int32{4}}, {"negative row", 4, 4, 16, []int32{-1}}, {"stride below len(acc)", 8, 4, 64, []int32{0}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			SumRowsGrouped(make([]float64, c.acc), nil, make([]float32, c.x), c.stride, NewRowList(c.rows))
		}()
	}
}

func TestMinFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	forEachLevel(t, func(t *testing.T) {
		if v := MinFloat64(nil); !math.IsInf(v, 1) {
			t.Fatalf("empty: %v", v)
		}
		for _, n := range []int{1, 15, 16, 17, 40, 129} {
			x := make([]float64, n)
			for i := range x {
				x[i] = rng.NormFloat64()
				if rng.IntN(7) == 0 {
					x[i] = math.NaN()
				}
			}
			want := math.Inf(1)
			for _, v := range x {
				if !math.IsNaN(v) && v < want {
					want = v
				}
			}
			if got := MinFloat64(x); got != want {
				t.Fatalf("n=%d: %v, want %v", n, got, want)
			}
		}
	})
}

// TestExpSums compares ExpSums with sums of math.Exp in float64 over the
// logits kept by the cut (chosen away from the threshold, which rounding
// may put either side of).
func TestExpSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 7, 8, 9, 64, 301} {
			for _, cut := range []float64{0, 5, 51, MaxExpSumsCut} {
				a, m := 0.7+rng.Float64(), -3*rng.Float64()
				dist := make([]float64, n)
				x := randFloat32s(rng, n, -1, 1)
				var s, u float64
				for k := range dist {
					l := -rng.Float64() * 1.5 * (cut + 1)
					if math.Abs(l+cut) < 1e-3 {
						l -= 0.01
					}
					dist[k] = (-l - m) / a
					l = -dist[k]*a - m
					if l >= -cut {
						e := math.Exp(l)
						s += e
						u += e * float64(x[k])
					}
				}
				gs, gu := ExpSums(dist, x, a, m, cut)
				if math.Abs(gs-s) > 1e-9*s || math.Abs(gu-u) > 1e-9*s {
					t.Fatalf("n=%d cut=%v: (%v, %v), want (%v, %v)", n, cut, gs, gu, s, u)
				}
			}
		}
	})
}

func TestExpSumsRejectsCut(t *testing.T) {
	for _, cut := range []float64{-1, MaxExpSumsCut + 1, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("cut %v: no panic", cut)
				}
			}()
			ExpSums([]float64{1}, []float32{1}, 1, 0, cut)
		}()
	}
}

// BenchmarkSumRowsGrouped is the locality model's inner loop at MNIST
// size: 784 mask columns of 180 random rows each (ascending, as the model
// lists them) over a 784×128 block.
func BenchmarkSumRowsGrouped(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	const d, w, nr = 784, 128, 180
	x := randFloat32s(rng, d*w, 0, 4)
	cols := make([]RowList, d)
	for m := range cols {
		idx := make([]int32, nr)
		for i := range idx {
			idx[i] = int32(rng.IntN(d))
		}
		slices.Sort(idx)
		cols[m] = NewRowList(idx)
	}
	acc := make([]float64, w)
	b.SetBytes(int64(d * nr * w * 4))
	for b.Loop() {
		for _, c := range cols {
			SumRowsGrouped(acc, nil, x, w, c)
		}
	}
}
