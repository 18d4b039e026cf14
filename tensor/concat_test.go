package tensor

import (
	"slices"
	"testing"
)

func TestConcatSplitChannels(t *testing.T) {
	r := NewRNG(33)
	a := randTensor(r, true, 2, 3, 4, 5)
	b := randTensor(r, false, 2, 1, 4, 5)
	c, err := ConcatChannels(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.shape, []int{2, 4, 4, 5}) {
		t.Fatalf("shape %v", c.shape)
	}
	for _, idx := range allIndices(c.shape) {
		var want float32
		if idx[1] < 3 {
			want = a.At(idx...)
		} else {
			want = b.At(idx[0], idx[1]-3, idx[2], idx[3])
		}
		if c.At(idx...) != want {
			t.Fatalf("concat at %v", idx)
		}
	}
	a2, b2, err := SplitChannels(c, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !a2.IsContiguous() || !b2.IsContiguous() {
		t.Fatal("split pieces must be contiguous")
	}
	for _, idx := range allIndices(a.shape) {
		if a2.At(idx...) != a.At(idx...) {
			t.Fatalf("split a at %v", idx)
		}
	}
	for _, idx := range allIndices(b.shape) {
		if b2.At(idx...) != b.At(idx...) {
			t.Fatalf("split b at %v", idx)
		}
	}
	_, err = ConcatChannels(New(2, 3, 4, 5), New(2, 3, 4, 6))
	wantErr(t, err, "[2 3 4 5]", "[2 3 4 6]")
	_, err = ConcatChannels(New(3, 4, 5), New(3, 4, 5))
	wantErr(t, err, "NCHW")
	_, _, err = SplitChannels(c, 5)
	wantErr(t, err, "5 channels", "[2 4 4 5]")
	_, _, err = SplitChannels(New(2, 3), 1)
	wantErr(t, err, "[2 3]")
}

func TestConcatSplitAxes(t *testing.T) {
	x, y, z := arange(2, 3), arange(2, 1), arange(2, 2)
	c, err := Concat(1, x, y, z)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 1, 2, 0, 0, 1, 3, 4, 5, 1, 2, 3}
	for i, w := range want {
		if c.data[i] != w {
			t.Fatalf("concat %v want %v", c.data, want)
		}
	}
	parts, err := Split(c, 1, 3, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []*Tensor{x, y, z} {
		for _, idx := range allIndices(p.shape) {
			if parts[i].At(idx...) != p.At(idx...) {
				t.Fatalf("split part %d at %v", i, idx)
			}
		}
	}
	c0, _ := Concat(0, x, arange(1, 3))
	if c0.Dim(0) != 3 || c0.At(2, 1) != 1 {
		t.Fatal(c0)
	}
	_, err = Split(c, 1, 3, 2)
	wantErr(t, err, "[3 2]", "[2 6]")
	_, err = Split(c, 2, 1)
	wantErr(t, err, "axis 2")
	_, err = Split(c, 1, 7, -1)
	wantErr(t, err, "negative")
	_, err = Concat(2, x)
	wantErr(t, err, "axis 2")
	_, err = Concat(0)
	wantErr(t, err, "no tensors")
}
