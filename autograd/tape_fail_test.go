package autograd_test

import (
	"errors"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Fail puts a caller's validation error on the tape: later ops are skipped
// and the first error is the one reported.
func TestTapeFail(t *testing.T) {
	tp := NewTape()
	x := tp.Leaf(tensor.New(2, 3), false)
	first := errors.New("times [3] for 2 images")
	if v := tp.Fail(first); v.Value != nil {
		t.Fatal("a failed Var has a value")
	}
	y := SiLU(x)
	tp.Fail(errors.New("second"))
	if y.Value != nil || tp.Err() != first {
		t.Fatalf("after Fail: op value %v, error %v", y.Value, tp.Err())
	}
}
