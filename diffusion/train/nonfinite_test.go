package train

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// runWithNaN trains cfg for 3 steps, sets element 0 of the parameter named
// param to NaN and trains on: the error must name step 4 and the layer
// where the NaN first shows.
func runWithNaN(t *testing.T, cfg Config, param, layer string) {
	t.Helper()
	cfg.Steps = 3
	tr, err := New(cfg, smallSet(10, 8))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(context.Background(), "", nil); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range tr.Net.Params() {
		if p.Name == param {
			p.Value.Data()[0] = float32(math.NaN())
			found = true
		}
	}
	if !found {
		t.Fatalf("no parameter %s", param)
	}
	tr.Cfg.Steps = 6
	res, err := tr.Run(context.Background(), "", nil)
	if err == nil {
		t.Fatalf("NaN in %s: the run did not stop (result %+v)", param, res)
	}
	t.Logf("NaN in %s: %v", param, err)
	if !strings.Contains(err.Error(), "step 4:") || !strings.Contains(err.Error(), "output of layer "+layer+" ") &&
		!strings.HasSuffix(err.Error(), "output of layer "+layer) {
		t.Errorf("NaN in %s: %q; want it to name step 4 and layer %s", param, err, layer)
	}
	if res.Step != 3 {
		t.Errorf("stopped after step %d, want 3", res.Step)
	}
	// Locating reruns a training pass, which moves batch norm's running
	// statistics: it must put them back.
	before := buffers(tr)
	if msg := tr.locate(); !strings.Contains(msg, layer) {
		t.Errorf("locate again: %q", msg)
	}
	if after := buffers(tr); !slices.EqualFunc(before, after, func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }) {
		t.Error("locating the failure changed the running statistics")
	}
}

// buffers copies the network's running statistics.
func buffers(tr *Trainer) []float32 {
	var out []float32
	for _, p := range tr.Net.State() {
		if p.Buffer {
			out = append(out, p.Value.Data()...)
		}
	}
	return out
}

// A NaN weight in a hidden layer of the bias-free UNet: the ReLU after its
// batch norm maps the NaN to 0, so the loss stays finite and the NaN shows
// in the gradient; the error names the convolution whose output holds it.
func TestNaNWeightNamesItsLayer(t *testing.T) {
	runWithNaN(t, smallConfig(3), "mid.conv1.weight", "mid.conv1")
	// In the last layer the loss itself is NaN.
	runWithNaN(t, smallConfig(3), "out.weight", "out")
}

// The same in the time-conditioned UNet trained with vp-eps (studies B, C).
func TestNaNWeightNamesItsLayerTCUNet(t *testing.T) {
	runWithNaN(t, tcConfig(3), "mid.res.0.conv2.weight", "mid.res.0.conv2")
}

// An Inf pixel in the training data stops the step that draws it, naming
// the images, before it reaches the network.
func TestInfPixelStopsTheStep(t *testing.T) {
	set := smallSet(10, 9)
	set.Pixels[7*64+5] = float32(math.Inf(1)) // a pixel of image 7
	tr, err := New(smallConfig(20), set)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Run(context.Background(), "", nil)
	if err == nil || !strings.Contains(err.Error(), "holds NaN or Inf pixels") ||
		!strings.Contains(err.Error(), "step "+strconv.Itoa(res.Step+1)+":") {
		t.Fatalf("Inf pixel: result %+v, error %v; want the step named", res, err)
	}
	t.Logf("Inf pixel: %v", err)
}
