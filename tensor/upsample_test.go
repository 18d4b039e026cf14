package tensor

import (
	"slices"
	"testing"
)

func TestUpsampleNearest2x(t *testing.T) {
	r := NewRNG(41)
	defer SetThreads(Threads())
	for _, threads := range []int{1, 3} {
		SetThreads(threads)
		for _, strided := range []bool{false, true} {
			for _, w := range []int{5, 40} { // one short row, and rows of several vectors
				x := randTensor(r, strided, 2, 3, 3, w)
				y, err := UpsampleNearest2x(x)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(y.shape, []int{2, 3, 6, 2 * w}) {
					t.Fatalf("shape %v", y.shape)
				}
				for _, idx := range allIndices(y.shape) {
					if want := x.At(idx[0], idx[1], idx[2]/2, idx[3]/2); y.At(idx...) != want {
						t.Fatalf("upsample at %v: %v want %v", idx, y.At(idx...), want)
					}
				}
			}
		}
	}
}

// The backward sums each 2×2 block (checked against a float64 sum) and is
// the adjoint: <Up x, g> = <x, Backward g>.
func TestUpsampleNearest2xBackward(t *testing.T) {
	r := NewRNG(42)
	x := randTensor(r, false, 2, 2, 3, 4)
	g := randTensor(r, true, 2, 2, 6, 8)
	y, _ := UpsampleNearest2x(x)
	dx, err := UpsampleNearest2xBackward(g)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dx.shape, x.shape) {
		t.Fatalf("backward shape %v", dx.shape)
	}
	lhs, rhs := inner64(y, g), inner64(x, dx)
	for _, idx := range allIndices(x.shape) {
		var want float64
		for p := range 2 {
			for q := range 2 {
				want += float64(g.At(idx[0], idx[1], 2*idx[2]+p, 2*idx[3]+q))
			}
		}
		if d := float64(dx.At(idx...)) - want; d > 1e-6 || d < -1e-6 {
			t.Fatalf("backward at %v: %v want %v", idx, dx.At(idx...), want)
		}
	}
	if d := lhs - rhs; d > 1e-5 || d < -1e-5 {
		t.Fatalf("<Up x, g> = %v but <x, Backward g> = %v", lhs, rhs)
	}
	if _, err := UpsampleNearest2xBackward(New(1, 1, 3, 4)); err == nil {
		t.Error("odd height accepted")
	}
	if _, err := UpsampleNearest2x(New(3, 4)); err == nil {
		t.Error("2-D input accepted")
	}
}
