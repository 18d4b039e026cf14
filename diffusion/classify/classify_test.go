package classify

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/nn"
)

// bars is a 3-class synthetic set of 8×8 images: a bright row (class 0),
// column (class 1) or diagonal (class 2) at a random position, on noise.
func bars(t *testing.T, n int, seed uint64) (*data.Set, []int) {
	t.Helper()
	s := &data.Set{Name: "bars", N: n, C: 1, H: 8, W: 8, Pixels: make([]float32, n*64)}
	labels := make([]int, n)
	r := seed
	next := func(m int) int { r = r*6364136223846793005 + 1442695040888963407; return int((r >> 33) % uint64(m)) }
	for i := range n {
		img := s.Image(i)
		for p := range img {
			img[p] = 0.2 * float32(next(100)) / 100
		}
		labels[i] = next(3)
		pos := next(8)
		for q := range 8 {
			switch labels[i] {
			case 0:
				img[pos*8+q] = 1
			case 1:
				img[q*8+pos] = 1
			case 2:
				img[q*8+q] = 1
			}
		}
	}
	return s, labels
}

func TestTrainLearnsAndIsDeterministic(t *testing.T) {
	train, labels := bars(t, 300, 1)
	test, testLabels := bars(t, 200, 2)
	cfg := Config{Base: 8, Classes: 3, Steps: 150, Batch: 16, LR: 5e-3, Seed: 7}
	steps := 0
	net, err := Train(context.Background(), cfg, train, labels, func(p Progress) { steps = p.Step })
	if err != nil {
		t.Fatal(err)
	}
	if steps != 150 {
		t.Errorf("progress reached step %d of 150", steps)
	}
	acc, err := metrics.ClassifierAccuracy(net, test.Tensor(), testLabels)
	if err != nil || acc < 0.95 {
		t.Errorf("held-out accuracy %v (%v), want >= 0.95", acc, err)
	}
	again, err := Train(context.Background(), cfg, train, labels, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range net.State() {
		q := again.State()[i].Value.Data()
		for j, v := range p.Value.Data() {
			if math.Float32bits(v) != math.Float32bits(q[j]) {
				t.Fatalf("second run differs at %s[%d]", p.Name, j)
			}
		}
	}
	if !net.Config().Equal(nn.Config{Arch: "classifier", Channels: 1, Base: 8, Classes: 3}) {
		t.Errorf("config %+v", net.Config())
	}
}

func TestTrainErrors(t *testing.T) {
	set, labels := bars(t, 10, 3)
	ok := Config{Base: 2, Classes: 3, Steps: 2, Batch: 4, LR: 1e-3}
	bad := append([]int(nil), labels...)
	bad[4] = 3
	nan, _ := bars(t, 10, 3)
	nan.Pixels[2*64+5] = float32(math.NaN())
	for _, c := range []struct {
		cfg    Config
		set    *data.Set
		labels []int
		want   string
	}{
		{Config{Base: 2, Steps: 0, Batch: 4, LR: 1e-3}, set, labels, "0 steps"},
		{Config{Base: 2, Steps: 1, Batch: 0, LR: 1e-3}, set, labels, "batch size 0"},
		{Config{Base: 2, Steps: 1, Batch: 4, LR: math.NaN()}, set, labels, "learning rate NaN"},
		{Config{Base: 2, Classes: 1, Steps: 1, Batch: 4, LR: 1e-3}, set, labels, "2 to 65536 classes"},
		{ok, set, labels[:9], "9 labels for the 10 images"},
		{ok, set, bad, "label 3 of image 4"},
		{ok, nan, labels, "image 2 of bars is not finite"},
	} {
		if _, err := Train(context.Background(), c.cfg, c.set, c.labels, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.cfg, err, c.want)
		}
	}
	stop := errors.New("stop")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(stop)
	if _, err := Train(ctx, ok, set, labels, nil); !errors.Is(err, stop) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestLRAt(t *testing.T) {
	c := Config{Steps: 100, LR: 2e-3}
	if c.LRAt(0) != 2e-3 || math.Abs(c.LRAt(50)-1e-3) > 1e-15 || c.LRAt(100) > 1e-18 {
		t.Errorf("cosine schedule: %v %v %v", c.LRAt(0), c.LRAt(50), c.LRAt(100))
	}
}
