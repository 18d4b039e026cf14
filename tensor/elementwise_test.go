package tensor

import (
	"fmt"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/simd"
)

// randTensor returns a tensor of the given shape with normal values. If
// strided, the result is a non-contiguous view (a slice of a larger tensor,
// permuted) holding the same logical shape.
func randTensor(r *RNG, strided bool, shape ...int) *Tensor {
	if !strided || len(shape) == 0 {
		t := New(shape...)
		r.FillNormal(t.data, 0, 1)
		return t
	}
	// Build the reversed shape with a padded last axis, slice, then reverse axes.
	rev := make([]int, len(shape))
	perm := make([]int, len(shape))
	for i := range shape {
		rev[i] = shape[len(shape)-1-i]
		perm[i] = len(shape) - 1 - i
	}
	rev[len(rev)-1] += 2
	big := New(rev...)
	r.FillNormal(big.data, 0, 1)
	s, _ := big.Slice(len(rev)-1, 1, rev[len(rev)-1]-1)
	p, _ := s.Permute(perm...)
	return p
}

// broadcastAt reads t at the index of a larger broadcast shape.
func broadcastAt(t *Tensor, idx []int) float32 {
	lead := len(idx) - t.Rank()
	sub := make([]int, t.Rank())
	for k := range sub {
		if t.shape[k] != 1 {
			sub[k] = idx[lead+k]
		}
	}
	return t.At(sub...)
}

var naiveOps = map[string]func(a, b float32) float32{
	"add": func(a, b float32) float32 { return a + b },
	"sub": func(a, b float32) float32 { return a - b },
	"mul": func(a, b float32) float32 { return a * b },
	"div": func(a, b float32) float32 { return a / b },
}

var tensorOps = map[string]func(a, b *Tensor) (*Tensor, error){"add": Add, "sub": Sub, "mul": Mul, "div": Div}

var inPlaceOps = map[string]func(t, b *Tensor) error{
	"add": (*Tensor).AddInPlace, "sub": (*Tensor).SubInPlace,
	"mul": (*Tensor).MulInPlace, "div": (*Tensor).DivInPlace,
}

var broadcastCases = []struct{ a, b, out []int }{
	{[]int{}, []int{}, []int{}},
	{[]int{7}, []int{7}, []int{7}},
	{[]int{3, 70}, []int{3, 70}, []int{3, 70}},
	{[]int{4, 3, 5, 6}, []int{1, 3, 1, 1}, []int{4, 3, 5, 6}},
	{[]int{4, 3, 5, 6}, []int{}, []int{4, 3, 5, 6}},
	{[]int{5, 1}, []int{1, 6}, []int{5, 6}},
	{[]int{6}, []int{2, 3, 6}, []int{2, 3, 6}},
	{[]int{2, 1, 4}, []int{3, 1}, []int{2, 3, 4}},
	{[]int{0, 3}, []int{1, 3}, []int{0, 3}},
}

// TestBinaryOps compares every op and broadcast case, with contiguous and
// strided operands, against a scalar loop over the output index.
func TestBinaryOps(t *testing.T) {
	r := NewRNG(11)
	for _, c := range broadcastCases {
		for _, strided := range []bool{false, true} {
			a := randTensor(r, strided, c.a...)
			b := randTensor(r, strided, c.b...)
			for name, op := range tensorOps {
				got, err := op(a, b)
				if err != nil {
					t.Fatalf("%s %v %v: %v", name, c.a, c.b, err)
				}
				if !slices.Equal(got.shape, c.out) {
					t.Fatalf("%s %v %v: shape %v want %v", name, c.a, c.b, got.shape, c.out)
				}
				for _, idx := range allIndices(c.out) {
					want := naiveOps[name](broadcastAt(a, idx), broadcastAt(b, idx))
					if g := got.At(idx...); g != want && !(g != g && want != want) {
						t.Fatalf("%s %v %v strided=%v at %v: %v want %v", name, c.a, c.b, strided, idx, g, want)
					}
				}
			}
		}
	}
}

func TestBinaryOpsEverySimdLevel(t *testing.T) {
	defer simd.Use(string(simd.Current()))
	r := NewRNG(12)
	a, b := randTensor(r, false, 67), randTensor(r, false, 67)
	for _, l := range simd.Available() {
		if err := simd.Use(string(l)); err != nil {
			t.Fatal(err)
		}
		for name, op := range tensorOps {
			got, _ := op(a, b)
			for i := range got.data {
				if want := naiveOps[name](a.data[i], b.data[i]); got.data[i] != want {
					t.Fatalf("%s %s [%d]: %v want %v", l, name, i, got.data[i], want)
				}
			}
		}
	}
}

func TestInPlaceOps(t *testing.T) {
	r := NewRNG(13)
	for _, strided := range []bool{false, true} {
		for name, op := range inPlaceOps {
			dst := randTensor(r, strided, 4, 3, 5)
			orig := dst.Clone()
			b := randTensor(r, strided, 3, 1)
			if err := op(dst, b); err != nil {
				t.Fatal(err)
			}
			for _, idx := range allIndices(dst.shape) {
				want := naiveOps[name](orig.At(idx...), broadcastAt(b, idx))
				if dst.At(idx...) != want {
					t.Fatalf("%s in place strided=%v at %v: %v want %v", name, strided, idx, dst.At(idx...), want)
				}
			}
			// The receiver never grows: [3,1] += [4,3,5] is an error.
			err := op(b, dst)
			wantErr(t, err, name, "[3 1]", "[4 3 5]")
		}
	}
}

func TestIntoAliasing(t *testing.T) {
	r := NewRNG(14)
	a := randTensor(r, false, 10)
	b := randTensor(r, false, 10)
	want := make([]float32, 10)
	for i := range want {
		want[i] = a.data[i] * b.data[i]
	}
	if err := MulInto(b, a, b); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if b.data[i] != want[i] {
			t.Fatalf("aliased MulInto [%d]", i)
		}
	}
	err := AddInto(New(3), a, b)
	wantErr(t, err, "destination has [3]")
}

// TestInPlaceOverlap: a += aᵀ must read a before overwriting it, as numpy does.
func TestInPlaceOverlap(t *testing.T) {
	for _, n := range []int{3, 40} {
		a := arange(n, n)
		orig := a.Clone()
		at, _ := a.Transpose(0, 1)
		if err := a.AddInPlace(at); err != nil {
			t.Fatal(err)
		}
		for _, idx := range allIndices(a.shape) {
			if want := orig.At(idx...) + orig.At(idx[1], idx[0]); a.At(idx...) != want {
				t.Fatalf("n=%d at %v: %v want %v", n, idx, a.At(idx...), want)
			}
		}
		// The transposed view as destination, reading the original layout.
		b := arange(n, n)
		bt, _ := b.Transpose(0, 1)
		if err := bt.SubInPlace(b); err != nil {
			t.Fatal(err)
		}
		for _, idx := range allIndices(b.shape) {
			if want := orig.At(idx...) - orig.At(idx[1], idx[0]); b.At(idx...) != want {
				t.Fatalf("n=%d sub at %v: %v want %v", n, idx, b.At(idx...), want)
			}
		}
	}
}

func TestBroadcastErrors(t *testing.T) {
	_, err := Add(New(2, 3), New(4))
	wantErr(t, err, "tensor: add: cannot broadcast shapes [2 3] and [4]")
	_, err = Div(New(2, 3, 4), New(3, 1, 5))
	wantErr(t, err, "div", "[2 3 4]", "[3 1 5]")
	if _, err := BroadcastShapes([]int{2, 1}, []int{3, 2, 5}); err != nil {
		t.Fatal(err)
	}
}

func TestScaleAndAxpy(t *testing.T) {
	r := NewRNG(15)
	for _, strided := range []bool{false, true} {
		a := randTensor(r, strided, 3, 9)
		s := Scale(a, -1.5)
		c := a.Clone()
		a.ScaleInPlace(2)
		for _, idx := range allIndices(a.shape) {
			if s.At(idx...) != c.At(idx...)*-1.5 || a.At(idx...) != c.At(idx...)*2 {
				t.Fatalf("scale strided=%v at %v", strided, idx)
			}
		}
		// Same shape (simd Axpy when contiguous) and broadcast [9] -> [3 9].
		for _, x := range []*Tensor{randTensor(r, strided, 3, 9), randTensor(r, false, 9)} {
			y := randTensor(r, strided, 3, 9)
			y0 := y.Clone()
			if err := y.AddScaledInPlace(0.3, x); err != nil {
				t.Fatal(err)
			}
			for _, idx := range allIndices(y.shape) {
				want := y0.At(idx...) + float32(0.3*broadcastAt(x, idx))
				if y.At(idx...) != want {
					t.Fatalf("axpy strided=%v at %v: %v want %v", strided, idx, y.At(idx...), want)
				}
			}
		}
	}
	err := New(9).AddScaledInPlace(1, New(3, 9))
	wantErr(t, err, "[3 9]", "[9]")
	m := Map(arange(4), func(v float32) float32 { return v * v })
	if fmt.Sprint(m.data) != "[0 1 4 9]" {
		t.Fatal(m)
	}
}
