package nn

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	gc "github.com/harmonic-go/harmonic/internal/gradcheck"
	"github.com/harmonic-go/harmonic/tensor"
)

// refNet is an independent float64 forward of the networks from their
// parameters by name (the torch_reference.py definitions), in train (batch
// statistics) or eval (running_sd) mode. It predicts the noise.
type refNet struct {
	p     map[string][]float64
	train bool
}

func newRefNet(ps []*Param, train bool) *refNet {
	r := &refNet{p: map[string][]float64{}, train: train}
	for _, p := range ps {
		r.p[p.Name] = to64(p.Value)
	}
	return r
}

func (r *refNet) conv(x []float64, s gc.Shape4, name string, co int) ([]float64, gc.Shape4) {
	return gc.Conv2dRef(x, s, r.p[name], co, 3, 3, 1, 1)
}

func (r *refNet) bn(x []float64, s gc.Shape4, name string) []float64 {
	var running []float64
	if !r.train {
		running = r.p[name+".running_sd"]
	}
	return gc.BNRef(x, r.p[name+".gamma"], running, s.B, s.C, s.H*s.W)
}

func (r *refNet) pair(x []float64, s gc.Shape4, name string, co int, firstBN, second bool) ([]float64, gc.Shape4) {
	x, s = r.conv(x, s, name+".conv1.weight", co)
	if firstBN {
		x = r.bn(x, s, name+".bn1")
	}
	x = gc.ReLURef(x)
	if second {
		x, s = r.conv(x, s, name+".conv2.weight", co)
		x = gc.ReLURef(r.bn(x, s, name+".bn2"))
	}
	return x, s
}

func (r *refNet) unet(y []float64, s gc.Shape4, levels, base int) []float64 {
	var skips [][]float64
	var skipShapes []gc.Shape4
	x := y
	for b := range levels {
		x, s = r.pair(x, s, "enc."+strconv.Itoa(b), base<<b, b > 0, true)
		skips, skipShapes = append(skips, x), append(skipShapes, s)
		x, s = gc.PoolRef(x, s)
	}
	x, s = r.pair(x, s, "mid", base<<levels, true, true)
	for b := levels - 1; b >= 0; b-- {
		name := "dec." + strconv.Itoa(b)
		x, s = gc.ConvT2Ref(x, s, r.p[name+".up.weight"], base<<b)
		x, s = gc.ConcatRef(x, s, skips[b], skipShapes[b])
		x, s = r.pair(x, s, name, base<<b, true, b >= 1)
	}
	x, _ = r.conv(x, s, "out.weight", 1)
	return x
}

func (r *refNet) cnn(y []float64, s gc.Shape4, layers, base int) []float64 {
	x := y
	for i := range layers {
		name := "layers." + strconv.Itoa(i)
		co := base
		if i == layers-1 {
			co = 1
		}
		x, s = r.conv(x, s, name+".conv.weight", co)
		if i > 0 && i < layers-1 {
			x = r.bn(x, s, name+".bn")
		}
		if i < layers-1 {
			x = gc.ReLURef(x)
		}
	}
	return x
}

// randomizeBN gives gamma and running_sd values of order one, so that the
// network's own part of the denoiser is not hidden under the identity (the
// authors' gamma init is ~0.003).
func randomizeBN(net Net, rng *rand.Rand) {
	for _, p := range net.State() {
		switch d := p.Value.Data(); {
		case p.Buffer:
			for i := range d {
				d[i] = float32(0.5 + rng.Float64())
			}
		case p.Value.Rank() == 1:
			for i := range d {
				d[i] = float32(0.5 + rng.Float64())
			}
		}
	}
}

type netCase struct {
	name  string
	net   Net
	ref   func(r *refNet, y []float64, s gc.Shape4) []float64
	shape gc.Shape4
}

func netCases(t *testing.T) []netCase {
	u1, err := NewBFUNet(1, 4, tensor.NewRNG(5))
	if err != nil {
		t.Fatal(err)
	}
	u2, err := NewBFUNet(2, 2, tensor.NewRNG(6))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewBFCNN(4, 3, tensor.NewRNG(7))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []Net{u1, u2, c} {
		randomizeBN(n, rng)
	}
	return []netCase{
		{"bf-unet L1", u1, func(r *refNet, y []float64, s gc.Shape4) []float64 { return r.unet(y, s, 1, 4) }, gc.NCHW(2, 1, 4, 4)},
		{"bf-unet L2", u2, func(r *refNet, y []float64, s gc.Shape4) []float64 { return r.unet(y, s, 2, 2) }, gc.NCHW(2, 1, 4, 4)},
		{"bf-cnn 4", c, func(r *refNet, y []float64, s gc.Shape4) []float64 { return r.cnn(y, s, 4, 3) }, gc.NCHW(2, 1, 3, 4)},
	}
}

// The Jacobian of the network and of the denoiser with respect to the input,
// in eval and train mode (batch statistics differentiated too), against
// finite differences of the float64 reference, as blocks of JVPs and VJPs.
func TestNetworkJacobians(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, c := range netCases(t) {
		for _, train := range []bool{false, true} {
			for _, batch := range []int{1, c.shape.B} {
				if train && batch == 1 && c.shape.H*c.shape.W < 8 {
					continue
				}
				s := c.shape
				s.B = batch
				y := randTensor(rng, 1, s.B, s.C, s.H, s.W)
				name := c.name + " train=" + strconv.FormatBool(train) + " B=" + strconv.Itoa(batch)
				// Train mode moves running_sd; restore it for the next case.
				saved := snapshot(c.net)
				checkJacobian(t, name+" net", y, 1e-4,
					func(tp *autograd.Tape, in *autograd.Var) *autograd.Var { return c.net.Forward(tp, in, train) },
					func(y []float64) []float64 { return c.ref(newRefNet(c.net.State(), train), y, s) })
				restore(c.net, saved)
				checkJacobian(t, name+" denoiser", y, 1e-4,
					func(tp *autograd.Tape, in *autograd.Var) *autograd.Var { return DenoiserForward(tp, c.net, in, train) },
					func(y []float64) []float64 {
						f := c.ref(newRefNet(c.net.State(), train), y, s)
						for i := range f {
							f[i] = y[i] - f[i]
						}
						return f
					})
				restore(c.net, saved)
			}
		}
	}
}

func snapshot(n Net) [][]float32 {
	var s [][]float32
	for _, p := range n.State() {
		s = append(s, append([]float32(nil), p.Value.Data()...))
	}
	return s
}

func restore(n Net, s [][]float32) {
	for i, p := range n.State() {
		copy(p.Value.Data(), s[i])
	}
}

// Training gradients: for every parameter, <grad, d> for a random direction
// d against the central difference of the float64 reference loss.
func TestTrainingGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, c := range netCases(t) {
		s := c.shape
		noisy := randTensor(rng, 1, s.B, s.C, s.H, s.W)
		noise := randTensor(rng, 0.3, s.B, s.C, s.H, s.W)
		saved := snapshot(c.net)
		tp := autograd.NewTape()
		loss, err := NoiseLoss(tp, c.net, noisy, noise)
		if err != nil {
			t.Fatal(err)
		}
		if err := Backward(tp, loss, c.net); err != nil {
			t.Fatal(err)
		}
		restore(c.net, saved)
		refLoss := func(r *refNet) float64 {
			pred := c.ref(r, to64(noisy), s)
			var l float64
			for i, v := range to64(noise) {
				l += (pred[i] - v) * (pred[i] - v)
			}
			return l / float64(s.B)
		}
		if want := refLoss(newRefNet(c.net.State(), true)); math.Abs(float64(loss.Value.Data()[0])-want) > 1e-5*want {
			t.Errorf("%s: loss %v, want %v", c.name, loss.Value.Data()[0], want)
		}
		for _, p := range c.net.Params() {
			d := randTensor(rng, 1, p.Value.Shape()...)
			r := newRefNet(c.net.State(), true)
			w0 := append([]float64(nil), r.p[p.Name]...)
			const h = 1e-6
			for i := range w0 {
				r.p[p.Name][i] = w0[i] + h*float64(d.Data()[i])
			}
			lp := refLoss(r)
			for i := range w0 {
				r.p[p.Name][i] = w0[i] - h*float64(d.Data()[i])
			}
			lm := refLoss(r)
			want := (lp - lm) / (2 * h)
			got := gc.Dot64(p.Grad.Data(), d.Data())
			if math.Abs(got-want) > 1e-3*math.Max(math.Abs(want), 1e-2) {
				t.Errorf("%s %s: <grad, d> = %.6g, finite difference %.6g", c.name, p.Name, got, want)
			}
		}
	}
}

// The running std follows torch: running = 0.9·running + 0.1·batch sd.
func TestRunningSDUpdate(t *testing.T) {
	n, _ := NewBFCNN(3, 2, tensor.NewRNG(1))
	y := randTensor(rand.New(rand.NewPCG(4, 4)), 1, 3, 1, 5, 5)
	tp := autograd.NewTape()
	x := n.Forward(tp, tp.Leaf(y, false), true)
	if tp.Err() != nil {
		t.Fatal(tp.Err())
	}
	_ = x
	// The BN input is conv(relu(conv(y))) of layer 1; recompute in float64.
	r := newRefNet(n.State(), true)
	h, s := r.conv(to64(y), gc.NCHW(3, 1, 5, 5), "layers.0.conv.weight", 2)
	h, s = r.conv(gc.ReLURef(h), s, "layers.1.conv.weight", 2)
	for c := range 2 {
		var sum, ss float64
		for b := range 3 {
			for p := range 25 {
				sum += h[(b*2+c)*25+p]
			}
		}
		mu := sum / 75
		for b := range 3 {
			for p := range 25 {
				ss += (h[(b*2+c)*25+p] - mu) * (h[(b*2+c)*25+p] - mu)
			}
		}
		want := 0.9 + 0.1*math.Sqrt(ss/75+1e-5)
		if got := float64(n.bns[1].runningSD.Value.Data()[c]); math.Abs(got-want) > 1e-6 {
			t.Errorf("channel %d: running_sd %v, want %v", c, got, want)
		}
	}
	_ = s
}
