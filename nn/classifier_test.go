package nn

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/internal/gradcheck"
	"github.com/harmonic-go/harmonic/tensor"
)

// classifierRef is the classifier in float64 from its parameters (state
// order: convs.i.weight, convs.i.bias ..., head.weight, head.bias): logits
// [B, classes] and the embedding [B, 4·base].
func classifierRef(n *ConvClassifier, params [][]float64, x []float64, s gradcheck.Shape4) (logits, feats []float64) {
	for i, st := range classifierStrides {
		w, b := params[2*i], params[2*i+1]
		co := len(b)
		y, o := gradcheck.Conv2dRef(x, s, w, co, 3, 3, st, 1)
		hw := o.H * o.W
		for p := range y {
			y[p] = math.Max(0, y[p]+b[(p/hw)%co])
		}
		x, s = y, o
	}
	hw := s.H * s.W
	feats = make([]float64, s.B*s.C)
	for p := range feats {
		for q := range hw {
			feats[p] += x[p*hw+q]
		}
		feats[p] /= float64(hw)
	}
	w, b := params[len(params)-2], params[len(params)-1]
	logits = make([]float64, s.B*n.Classes)
	for r := range s.B {
		for o := range n.Classes {
			v := b[o]
			for i := range s.C {
				v += feats[r*s.C+i] * w[o*s.C+i]
			}
			logits[r*n.Classes+o] = v
		}
	}
	return logits, feats
}

func classifierParams64(n *ConvClassifier) [][]float64 {
	var ps [][]float64
	for _, p := range n.Params() {
		ps = append(ps, to64(p.Value))
	}
	return ps
}

// The logits' and the embedding's JVP and VJP with respect to the image,
// against finite differences of the float64 reference, on a tiny network
// (two colour images of 7×6: strides 2 meet odd sides).
func TestClassifierJacobian(t *testing.T) {
	n, err := NewConvClassifier(3, 2, 4, tensor.NewRNG(5))
	if err != nil {
		t.Fatal(err)
	}
	s := gradcheck.NCHW(2, 3, 7, 6)
	y := randTensor(rand.New(rand.NewPCG(70, 71)), 1, s.B, s.C, s.H, s.W)
	params := classifierParams64(n)
	checkJacobian(t, "classifier logits", y, 1e-5,
		func(tp *autograd.Tape, x *autograd.Var) *autograd.Var { return n.Logits(tp, x, false) },
		func(x []float64) []float64 { l, _ := classifierRef(n, params, x, s); return l })
	checkJacobian(t, "classifier features", y, 1e-5,
		func(tp *autograd.Tape, x *autograd.Var) *autograd.Var { return n.Features(tp, x, false) },
		func(x []float64) []float64 { _, f := classifierRef(n, params, x, s); return f })
}

// ClassifierStep's loss and the gradient it hands Adam, for entries of
// every parameter, against central differences of the float64 loss.
func TestClassifierStepGradient(t *testing.T) {
	n, err := NewConvClassifier(1, 2, 3, tensor.NewRNG(6))
	if err != nil {
		t.Fatal(err)
	}
	s := gradcheck.NCHW(3, 1, 6, 6)
	x := randTensor(rand.New(rand.NewPCG(72, 73)), 1, s.B, s.C, s.H, s.W)
	labels := []int{2, 0, 1}
	params := classifierParams64(n)
	loss := func() float64 {
		l, _ := classifierRef(n, params, to64(x), s)
		var sum float64
		for r, lab := range labels {
			row := l[r*3 : r*3+3]
			m := slices.Max(row)
			var z float64
			for _, v := range row {
				z += math.Exp(v - m)
			}
			sum += m + math.Log(z) - row[lab]
		}
		return sum / float64(len(labels))
	}
	opt := NewAdam(n.Params())
	got, err := ClassifierStep(autograd.NewTape(), n, opt, 0, x, labels) // lr 0: the weights stay
	if err != nil {
		t.Fatal(err)
	}
	if want := loss(); math.Abs(got-want) > 1e-5*math.Abs(want) {
		t.Errorf("loss %v, float64 reference %v", got, want)
	}
	const h = 1e-6
	for pi, p := range n.Params() {
		for _, i := range []int{0, p.Value.Numel() / 2, p.Value.Numel() - 1} {
			old := params[pi][i]
			params[pi][i] = old + h
			up := loss()
			params[pi][i] = old - h
			down := loss()
			params[pi][i] = old
			fd, g := (up-down)/(2*h), float64(p.Grad.Data()[i])
			if math.Abs(g-fd) > 1e-3*math.Abs(fd)+1e-6 {
				t.Errorf("%s[%d]: gradient %v, finite differences %v", p.Name, i, g, fd)
			}
		}
	}
}

func TestClassifierRegistry(t *testing.T) {
	m, err := New(Config{Arch: "classifier"}, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	c, err := AsClassifier(m)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Arch: "classifier", Channels: 1, Base: 32, Classes: 10}
	if !c.Config().Equal(want) || c.NumClasses() != 10 || c.FeatureDim() != 128 {
		t.Errorf("Config %+v, %d classes, %d features", c.Config(), c.NumClasses(), c.FeatureDim())
	}
	x := tensor.New(2, 1, 28, 28)
	tensor.NewRNG(1).FillUniform(x.Data(), 0, 1)
	logits, err := ClassifierLogits(c, x)
	if err != nil || !slices.Equal(logits.Shape(), []int{2, 10}) {
		t.Fatalf("logits %v, %v", logits, err)
	}
	feats, err := ClassifierFeatures(c, x)
	if err != nil || !slices.Equal(feats.Shape(), []int{2, 128}) {
		t.Fatalf("features %v, %v", feats, err)
	}
	meta := c.Config().Meta()
	if len(meta) != 4 || meta["arch"] != "classifier" || meta["base"] != "32" || meta["classes"] != "10" || meta["channels"] != "1" {
		t.Errorf("metadata %v", meta)
	}
	path := filepath.Join(t.TempDir(), "classifier.safetensors")
	if err := SaveModel(path, c, map[string]string{"test_accuracy": "0.5"}); err != nil {
		t.Fatal(err)
	}
	back, cfg, err := Load(path)
	if err != nil || !cfg.Equal(want) || stateHash(back) != stateHash(c) {
		t.Fatalf("Load: %+v, %v", cfg, err)
	}
	again, _ := ClassifierLogits(back.(Classifier), x)
	if !slices.Equal(again.Data(), logits.Data()) {
		t.Error("the loaded classifier gives other logits")
	}
	if _, err := AsNet(back); err == nil || !strings.Contains(err.Error(), "image classifier") {
		t.Errorf("AsNet of a classifier: %v", err)
	}
	if _, err := AsConditioned(back); err == nil || !strings.Contains(err.Error(), "image classifier") {
		t.Errorf("AsConditioned of a classifier: %v", err)
	}
	tc, _ := New(Config{Arch: "tc-unet", Base: 8, Groups: 4}, tensor.NewRNG(1))
	if _, err := AsClassifier(tc); err == nil || !strings.Contains(err.Error(), "time-conditioned") {
		t.Errorf("AsClassifier of a tc-unet: %v", err)
	}
	for _, bad := range []Config{{Arch: "classifier", Classes: 1}, {Arch: "classifier", Base: -1}} {
		if err := Check(bad); err == nil {
			t.Errorf("Check(%+v) accepted", bad)
		}
	}
	if _, err := ClassifierLogits(c, tensor.New(2, 3, 28, 28)); err == nil {
		t.Error("3-channel images given to a grayscale classifier were accepted")
	}
}

// A few Adam steps teach a tiny classifier which half of an 8×8 image is
// bright, well enough to label unseen noisy images without error.
func TestClassifierLearns(t *testing.T) {
	n, err := NewConvClassifier(1, 4, 2, tensor.NewRNG(8))
	if err != nil {
		t.Fatal(err)
	}
	rng := tensor.NewRNG(9)
	batch := func(b int) (*tensor.Tensor, []int) {
		x := tensor.New(b, 1, 8, 8)
		rng.FillNormal(x.Data(), 0, 0.3)
		labels := make([]int, b)
		for i := range labels {
			labels[i] = rng.Intn(2)
			img := x.Data()[i*64 : (i+1)*64]
			for p := range 32 {
				img[labels[i]*32+p] += 1
			}
		}
		return x, labels
	}
	tp, opt := autograd.NewTape(), NewAdam(n.Params())
	var first, last float64
	for step := range 60 {
		x, labels := batch(16)
		l, err := ClassifierStep(tp, n, opt, 3e-3, x, labels)
		if err != nil {
			t.Fatal(err)
		}
		if step == 0 {
			first = l
		}
		last = l
	}
	x, labels := batch(200)
	logits, err := ClassifierLogits(n, x)
	if err != nil {
		t.Fatal(err)
	}
	wrong := 0
	for i, lab := range labels {
		if row := logits.Data()[2*i : 2*i+2]; (row[1] > row[0]) != (lab == 1) {
			wrong++
		}
	}
	if wrong > 0 || last > first/4 {
		t.Errorf("after 60 steps: loss %.3g (from %.3g), %d of 200 test images wrong", last, first, wrong)
	}
}
