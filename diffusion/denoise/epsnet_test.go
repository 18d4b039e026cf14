package denoise

import (
	"context"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// EpsNet tells each image its own step: a batch at steps (100, 700) equals
// the network applied to each image alone at its step; its linearization
// reproduces the prediction as its output.
func TestEpsNetPerImageSteps(t *testing.T) {
	net, err := nn.NewTCUNet(1, 4, []int{1, 2}, 1, 2, tensor.NewRNG(2))
	if err != nil {
		t.Fatal(err)
	}
	e := EpsNet{Net: net}
	x := tensor.New(2, 1, 8, 8)
	tensor.NewRNG(3).FillNormal(x.Data(), 0, 1)
	got, err := e.PredictNoise(context.Background(), x, []int{100, 700})
	if err != nil {
		t.Fatal(err)
	}
	d := 64
	for i, step := range []int{100, 700} {
		one, _ := tensor.FromSlice(x.Data()[i*d:(i+1)*d], 1, 1, 8, 8)
		want, err := nn.ApplyAt(net, one, float32(step))
		if err != nil {
			t.Fatal(err)
		}
		for q, v := range want.Data() {
			if diff := v - got.Data()[i*d+q]; diff > 1e-5 || diff < -1e-5 {
				t.Fatalf("image %d value %d: batch %v, alone %v", i, q, got.Data()[i*d+q], v)
			}
		}
		lin, err := e.LinearizeNoise(context.Background(), one, step)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(lin.Output().Data(), want.Data()) {
			t.Fatalf("image %d: the linearization's output is not the prediction", i)
		}
	}
	other, _ := e.PredictNoise(context.Background(), x, []int{700, 700})
	if slices.Equal(other.Data()[:d], got.Data()[:d]) {
		t.Fatal("the step does not reach the network")
	}
	if _, err := e.PredictNoise(context.Background(), x, []int{1}); err == nil {
		t.Fatal("one step for two images accepted")
	}
	if _, err := e.LinearizeNoise(context.Background(), x, 1); err == nil {
		t.Fatal("linearization at a batch of two accepted")
	}
}
