package tensor

import (
	"math"
	"slices"
	"testing"
)

func TestAvgPool2x2(t *testing.T) {
	r := NewRNG(31)
	for _, threads := range []int{1, 3} {
		defer SetThreads(Threads())
		SetThreads(threads)
		for _, strided := range []bool{false, true} {
			x := randTensor(r, strided, 2, 3, 4, 6)
			y, err := AvgPool2x2(x)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(y.shape, []int{2, 3, 2, 3}) {
				t.Fatalf("shape %v", y.shape)
			}
			for _, idx := range allIndices(y.shape) {
				b, c, i, j := idx[0], idx[1], idx[2], idx[3]
				var want float64
				for di := 0; di < 2; di++ {
					for dj := 0; dj < 2; dj++ {
						want += float64(x.At(b, c, 2*i+di, 2*j+dj))
					}
				}
				want /= 4
				if math.Abs(float64(y.At(idx...))-want) > 1e-6*(1+math.Abs(want)) {
					t.Fatalf("pool at %v: %v want %v", idx, y.At(idx...), want)
				}
			}
		}
	}
}

// TestAvgPool2x2Adjoint checks <Pool x, g> = <x, Backward g> in float64 and
// the backward values against their closed form g/4.
func TestAvgPool2x2Adjoint(t *testing.T) {
	r := NewRNG(32)
	x := randTensor(r, false, 2, 2, 6, 4)
	g := randTensor(r, true, 2, 2, 3, 2)
	y, _ := AvgPool2x2(x)
	dx, err := AvgPool2x2Backward(g)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dx.shape, x.shape) {
		t.Fatalf("backward shape %v", dx.shape)
	}
	lhs, rhs := inner64(y, g), inner64(x, dx)
	for _, idx := range allIndices(x.shape) {
		if want := g.At(idx[0], idx[1], idx[2]/2, idx[3]/2) / 4; dx.At(idx...) != want {
			t.Fatalf("backward at %v: %v want %v", idx, dx.At(idx...), want)
		}
	}
	if math.Abs(lhs-rhs) > 1e-5*(1+math.Abs(lhs)) {
		t.Fatalf("adjoint: %v vs %v", lhs, rhs)
	}
}

func TestAvgPoolErrors(t *testing.T) {
	_, err := AvgPool2x2(New(1, 1, 5, 4))
	wantErr(t, err, "avgpool2x2", "[1 1 5 4]", "even")
	_, err = AvgPool2x2(New(4, 4))
	wantErr(t, err, "[4 4]")
	_, err = AvgPool2x2Backward(New(2, 2))
	wantErr(t, err, "[2 2]")
}
