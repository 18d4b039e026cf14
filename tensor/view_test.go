package tensor

import (
	"slices"
	"strings"
	"testing"
)

// arange returns a contiguous tensor holding 0, 1, 2, ... in the given shape.
func arange(shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.data {
		t.data[i] = float32(i)
	}
	return t
}

// naiveAt computes the flat row-major index of idx in shape.
func flatIndex(shape, idx []int) int {
	f := 0
	for k := range shape {
		f = f*shape[k] + idx[k]
	}
	return f
}

// allIndices lists every index tuple of shape in row-major order.
func allIndices(shape []int) [][]int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	out := make([][]int, 0, n)
	idx := make([]int, len(shape))
	for i := 0; i < n; i++ {
		out = append(out, clone(idx))
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

func wantErr(t *testing.T, err error, substrs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error containing %q, got nil", substrs)
	}
	for _, s := range substrs {
		if !strings.Contains(err.Error(), s) {
			t.Fatalf("error %q does not contain %q", err, s)
		}
	}
}

func TestReshapeView(t *testing.T) {
	a := arange(2, 3, 4)
	b, err := a.Reshape(4, -1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Shape(), []int{4, 6}) {
		t.Fatalf("shape %v", b.Shape())
	}
	b.Set(100, 1, 2) // flat index 8 -> a[0,2,0]
	if a.At(0, 2, 0) != 100 {
		t.Fatal("reshape of a contiguous tensor must share the buffer")
	}
	_, err = a.Reshape(5, 5)
	wantErr(t, err, "[2 3 4]", "[5 5]")
	_, err = a.Reshape(-1, -1)
	wantErr(t, err, "bad size")
	_, err = a.Reshape(7, -1)
	wantErr(t, err, "[7 -1]")
	s, _ := New(0, 3).Reshape(-1, 3)
	if s.Dim(0) != 0 {
		t.Fatalf("empty reshape: %v", s.Shape())
	}
}

func TestReshapeNonContiguousCopies(t *testing.T) {
	a := arange(3, 4)
	tr, _ := a.Transpose(0, 1)
	r, err := tr.Reshape(12)
	if err != nil {
		t.Fatal(err)
	}
	// Row-major order of the transposed view: a[j][i] for i, j.
	k := 0
	for i := 0; i < 4; i++ {
		for j := 0; j < 3; j++ {
			if r.At(k) != float32(j*4+i) {
				t.Fatalf("r[%d] = %v, want %v", k, r.At(k), j*4+i)
			}
			k++
		}
	}
	r.Set(-1, 0)
	if a.At(0, 0) != 0 {
		t.Fatal("reshape of a transposed view must copy")
	}
}

func TestSlice(t *testing.T) {
	a := arange(4, 5)
	s, err := a.Slice(1, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Shape(), []int{4, 2}) || s.IsContiguous() {
		t.Fatalf("shape %v contiguous %v", s.Shape(), s.IsContiguous())
	}
	for _, idx := range allIndices(s.shape) {
		if got, want := s.At(idx...), float32(idx[0]*5+idx[1]+2); got != want {
			t.Fatalf("s%v = %v want %v", idx, got, want)
		}
	}
	s.Fill(-3)
	for _, idx := range allIndices(a.shape) {
		want := float32(flatIndex(a.shape, idx))
		if idx[1] >= 2 && idx[1] < 4 {
			want = -3
		}
		if a.At(idx...) != want {
			t.Fatalf("a%v = %v want %v", idx, a.At(idx...), want)
		}
	}
	rows, _ := a.Slice(0, 1, 3)
	if !rows.IsContiguous() || rows.Data()[0] != 5 {
		t.Fatal("row slice should be a contiguous view starting at row 1")
	}
	_, err = a.Slice(1, 2, 9)
	wantErr(t, err, "slice [2, 9) out of range for axis 1 of shape [4 5]")
	_, err = a.Slice(2, 0, 1)
	wantErr(t, err, "axis 2", "[4 5]")
	_, err = a.Slice(0, 3, 2)
	wantErr(t, err, "[3, 2)")
	e, err := a.Slice(0, 4, 4)
	if err != nil || e.Numel() != 0 || len(e.Data()) != 0 {
		t.Fatalf("empty slice: %v %v", e, err)
	}
}

func TestTransposePermute(t *testing.T) {
	a := arange(2, 3, 4)
	p, err := a.Permute(2, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Shape(), []int{4, 2, 3}) {
		t.Fatalf("shape %v", p.Shape())
	}
	for _, idx := range allIndices(p.shape) {
		if got, want := p.At(idx...), a.At(idx[1], idx[2], idx[0]); got != want {
			t.Fatalf("p%v = %v want %v", idx, got, want)
		}
	}
	c := p.Contiguous()
	if !c.IsContiguous() || c == p {
		t.Fatal("Contiguous of a permuted view must copy")
	}
	for _, idx := range allIndices(p.shape) {
		if c.At(idx...) != p.At(idx...) {
			t.Fatalf("contiguous copy differs at %v", idx)
		}
	}
	if a.Contiguous() != a {
		t.Fatal("Contiguous of a contiguous tensor should not copy")
	}
	tr, err := a.Transpose(0, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range allIndices(tr.shape) {
		if tr.At(idx...) != a.At(idx[2], idx[1], idx[0]) {
			t.Fatalf("transpose wrong at %v", idx)
		}
	}
	_, err = a.Transpose(0, 3)
	wantErr(t, err, "(0, 3)", "[2 3 4]")
	_, err = a.Permute(0, 0, 1)
	wantErr(t, err, "[0 0 1]", "[2 3 4]")
	_, err = a.Permute(0, 1)
	wantErr(t, err, "[0 1]")
}

func TestCloneFillAtSet(t *testing.T) {
	a := arange(3, 4)
	tr, _ := a.Transpose(0, 1)
	c := tr.Clone()
	c.Set(42, 0, 0)
	if a.At(0, 0) != 0 || c.At(0, 0) != 42 || c.At(3, 2) != a.At(2, 3) {
		t.Fatal("Clone must copy the values and share nothing")
	}
	f := Full(2.5, 2, 2)
	o := Ones(3)
	z := Zeros(2)
	if f.At(1, 1) != 2.5 || o.At(2) != 1 || z.At(1) != 0 {
		t.Fatal("Full/Ones/Zeros")
	}
	s := New() // rank 0 scalar
	s.Set(7)
	if s.At() != 7 || s.Numel() != 1 {
		t.Fatal("scalar tensor")
	}
	mustPanic(t, "index [3 0] out of range for shape [3 4]", func() { a.At(3, 0) })
	mustPanic(t, "1 indices for shape [3 4]", func() { a.Set(1, 0) })
}

func mustPanic(t *testing.T, substr string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want %q", substr)
		}
		if !strings.Contains(r.(string), substr) {
			t.Fatalf("panic %q, want %q", r, substr)
		}
	}()
	f()
}

func TestString(t *testing.T) {
	if got := arange(2, 2).String(); got != "Tensor[2 2][0 1 2 3]" {
		t.Fatal(got)
	}
	if got := arange(10).String(); got != "Tensor[10][0 1 2 3 4 5 6 7 ...]" {
		t.Fatal(got)
	}
}

func TestCopyFrom(t *testing.T) {
	a := arange(3, 4)
	at, _ := a.Transpose(0, 1)
	dst := New(4, 3)
	if err := dst.CopyFrom(at); err != nil {
		t.Fatal(err)
	}
	for _, idx := range allIndices(dst.shape) {
		if dst.At(idx...) != a.At(idx[1], idx[0]) {
			t.Fatalf("copy at %v", idx)
		}
	}
	// Into a strided view of the same buffer: a[:, 1:3] = a[:, 0:2].
	s1, _ := a.Slice(1, 1, 3)
	s0, _ := a.Slice(1, 0, 2)
	orig := a.Clone()
	if err := s1.CopyFrom(s0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		for j := 1; j < 3; j++ {
			if a.At(i, j) != orig.At(i, j-1) {
				t.Fatalf("overlapping copy at [%d %d]: %v want %v", i, j, a.At(i, j), orig.At(i, j-1))
			}
		}
	}
	wantErr(t, dst.CopyFrom(a), "copy from [3 4] into [4 3]")
}
