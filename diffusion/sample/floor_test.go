package sample

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// For the contraction f(y) = x* + a(y − x*) the residual at x is
// (a − 1)(x − x*), so the floor is (1 − a)·rms(x − x*) over all pixels of
// all images, whatever the batching: checked against that sum in float64.
func TestResidualFloorOfAContraction(t *testing.T) {
	const b, h, w = 7, 4, 5
	c := &contraction{target: target(h * w), a: 0.3}
	x := tensor.New(b, 1, h, w)
	tensor.NewRNG(3).FillUniform(x.Data(), 0, 1)
	var ss float64
	for i, v := range x.Data() {
		e := float64(v) - float64(c.target[i%(h*w)])
		ss += e * e
	}
	want := 0.7 * math.Sqrt(ss/float64(b*h*w))
	for _, batch := range []int{1, 3, 7, 100} {
		got, err := ResidualFloor(context.Background(), blind(c.f), x, batch)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("batch %d: floor %v, want %v", batch, got, want)
		}
	}
}

func TestResidualFloorErrors(t *testing.T) {
	c := &contraction{target: target(4), a: 0.5}
	for _, tc := range []struct {
		x     *tensor.Tensor
		batch int
		want  string
	}{
		{nil, 1, "clean images"},
		{tensor.New(2, 4), 1, "clean images"},
		{tensor.New(2, 3, 2, 2), 1, "clean images"},
		{tensor.New(2, 1, 2, 2), 0, "batch 0"},
	} {
		if _, err := ResidualFloor(context.Background(), blind(c.f), tc.x, tc.batch); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v batch %d: %v, want an error with %q", tc.x, tc.batch, err, tc.want)
		}
	}
}
