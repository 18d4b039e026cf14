package nn

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

func TestParameterCounts(t *testing.T) {
	for _, c := range []struct {
		levels int
		want   int
	}{{1, 366080}, {2, 1825024}, {3, 7659264}} {
		n, err := NewBFUNet(c.levels, 64, tensor.NewRNG(1))
		if err != nil {
			t.Fatal(err)
		}
		if got := n.NumParams(); got != c.want {
			t.Errorf("BF-UNet levels %d: %d parameters, want %d", c.levels, got, c.want)
		}
	}
	n, err := NewBFCNN(21, 64, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	if got := n.NumParams(); got != 702784 {
		t.Errorf("BF-CNN 21 layers: %d parameters, want 702784", got)
	}
}

// describe lists "name [shape]" for every tensor of a network's state.
func describe(ps []*Param) string {
	var b strings.Builder
	for _, p := range ps {
		kind := ""
		if p.Buffer {
			kind = " buffer"
		}
		fmt.Fprintf(&b, "%s %v%s\n", p.Name, p.Value.Shape(), kind)
	}
	return b.String()
}

// The names, shapes and order of torch_reference.py's state_dict (the
// checkpoint contract), written out by hand for 2 levels, base 4.
func TestBFUNetStateNames(t *testing.T) {
	n, err := NewBFUNet(2, 4, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	want := `enc.0.conv1.weight [4 1 3 3]
enc.0.conv2.weight [4 4 3 3]
enc.0.bn2.gamma [4]
enc.0.bn2.running_sd [4] buffer
enc.1.conv1.weight [8 4 3 3]
enc.1.bn1.gamma [8]
enc.1.bn1.running_sd [8] buffer
enc.1.conv2.weight [8 8 3 3]
enc.1.bn2.gamma [8]
enc.1.bn2.running_sd [8] buffer
mid.conv1.weight [16 8 3 3]
mid.bn1.gamma [16]
mid.bn1.running_sd [16] buffer
mid.conv2.weight [16 16 3 3]
mid.bn2.gamma [16]
mid.bn2.running_sd [16] buffer
dec.0.up.weight [8 4 2 2]
dec.0.conv1.weight [4 8 3 3]
dec.0.bn1.gamma [4]
dec.0.bn1.running_sd [4] buffer
dec.1.up.weight [16 8 2 2]
dec.1.conv1.weight [8 16 3 3]
dec.1.bn1.gamma [8]
dec.1.bn1.running_sd [8] buffer
dec.1.conv2.weight [8 8 3 3]
dec.1.bn2.gamma [8]
dec.1.bn2.running_sd [8] buffer
out.weight [1 4 3 3]
`
	if got := describe(n.State()); got != want {
		t.Errorf("state:\n%s\nwant:\n%s", got, want)
	}
	if len(n.Params()) != 20 {
		t.Errorf("%d trainable tensors, want 20", len(n.Params()))
	}
	m := n.Config().Meta()
	if m["arch"] != "bf-unet" || m["levels"] != "2" || m["base"] != "4" {
		t.Errorf("meta %v", m)
	}
}

func TestBFCNNStateNames(t *testing.T) {
	n, err := NewBFCNN(4, 3, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	want := `layers.0.conv.weight [3 1 3 3]
layers.1.conv.weight [3 3 3 3]
layers.1.bn.gamma [3]
layers.1.bn.running_sd [3] buffer
layers.2.conv.weight [3 3 3 3]
layers.2.bn.gamma [3]
layers.2.bn.running_sd [3] buffer
layers.3.conv.weight [1 3 3 3]
`
	if got := describe(n.State()); got != want {
		t.Errorf("state:\n%s\nwant:\n%s", got, want)
	}
	m := n.Config().Meta()
	if m["arch"] != "bf-cnn" || m["layers"] != "4" || m["base"] != "3" {
		t.Errorf("meta %v", m)
	}
}

func TestInit(t *testing.T) {
	n, err := NewBFUNet(2, 64, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	stats := func(d []float32) (mean, std float64) {
		for _, v := range d {
			mean += float64(v)
		}
		mean /= float64(len(d))
		for _, v := range d {
			std += (float64(v) - mean) * (float64(v) - mean)
		}
		return mean, math.Sqrt(std / float64(len(d)))
	}
	for _, p := range n.State() {
		d := p.Value.Data()
		mean, std := stats(d)
		var want float64
		switch {
		case strings.HasSuffix(p.Name, "running_sd"):
			for _, v := range d {
				if v != 1 {
					t.Fatalf("%s: running_sd starts at %v, want 1", p.Name, v)
				}
			}
			continue
		case strings.HasSuffix(p.Name, "gamma"):
			for _, v := range d {
				if math.Abs(float64(v)) > 0.025 {
					t.Fatalf("%s: gamma %v outside ±0.025", p.Name, v)
				}
			}
			if len(d) < 128 {
				continue // too few values for a std test
			}
			want = 2.0 / 9.0 / 64.0
		case strings.HasSuffix(p.Name, "up.weight"):
			want = math.Sqrt(2 / float64(p.Value.Dim(0)))
		default:
			s := p.Value.Shape()
			want = math.Sqrt(2 / float64(s[1]*s[2]*s[3]))
		}
		// The std estimate of n normals has relative error ~1/sqrt(2n).
		tol := 5 / math.Sqrt(2*float64(len(d)))
		if math.Abs(std/want-1) > tol || math.Abs(mean) > 5*want/math.Sqrt(float64(len(d))) {
			t.Errorf("%s: mean %.4g std %.4g, want 0 and %.4g", p.Name, mean, std, want)
		}
	}
	// Same seed, same weights.
	m, _ := NewBFUNet(2, 64, tensor.NewRNG(3))
	for i, p := range m.State() {
		a, b := p.Value.Data(), n.State()[i].Value.Data()
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("%s differs between two networks from seed 3", p.Name)
			}
		}
	}
}

func TestConstructorErrors(t *testing.T) {
	if _, err := NewBFUNet(0, 64, tensor.NewRNG(1)); err == nil {
		t.Error("0 levels accepted")
	}
	if _, err := NewBFCNN(1, 64, tensor.NewRNG(1)); err == nil {
		t.Error("1 layer accepted")
	}
	n, _ := NewBFUNet(2, 2, tensor.NewRNG(1))
	for _, s := range [][]int{{1, 1, 6, 8}, {1, 2, 8, 8}, {1, 8, 8}} {
		if err := n.CheckInput(s); err == nil {
			t.Errorf("input %v accepted by a 2-level UNet", s)
		}
	}
	if err := n.CheckInput([]int{3, 1, 8, 12}); err != nil {
		t.Errorf("input [3 1 8 12] rejected: %v", err)
	}
}
