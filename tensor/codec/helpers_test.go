package codec

import (
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// arange returns a contiguous tensor holding 0, 1, 2, ... in the given shape.
func arange(shape ...int) *tensor.Tensor {
	t := tensor.New(shape...)
	d := t.Data()
	for i := range d {
		d[i] = float32(i)
	}
	return t
}

// randTensor returns a tensor of the given shape with normal values. If
// strided, the result is a non-contiguous view (a slice of a larger tensor,
// permuted) holding the same logical shape, so writers are tested on views.
func randTensor(r *tensor.RNG, strided bool, shape ...int) *tensor.Tensor {
	if !strided || len(shape) == 0 {
		t := tensor.New(shape...)
		r.FillNormal(t.Data(), 0, 1)
		return t
	}
	rev := make([]int, len(shape))
	perm := make([]int, len(shape))
	for i := range shape {
		rev[i] = shape[len(shape)-1-i]
		perm[i] = len(shape) - 1 - i
	}
	rev[len(rev)-1] += 2
	big := tensor.New(rev...)
	r.FillNormal(big.Data(), 0, 1)
	s, _ := big.Slice(len(rev)-1, 1, rev[len(rev)-1]-1)
	p, _ := s.Permute(perm...)
	return p
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
		out = append(out, slices.Clone(idx))
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
