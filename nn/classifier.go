package nn

import (
	"fmt"
	"math"
	"strconv"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Classifier is an image classifier of a registered architecture
// (ConvClassifier): logits over NumClasses classes for a batch of images,
// and the penultimate embedding those logits are a linear map of, which
// sample-quality measures (Fréchet distance, precision and recall) compare.
// Its methods are not a Net's Forward, so a classifier is never mistaken
// for a denoiser.
type Classifier interface {
	Model
	// NumClasses is the number of logits per image; FeatureDim the width of
	// the embedding.
	NumClasses() int
	FeatureDim() int
	// Logits records the class logits [B, NumClasses] of images
	// x [B,C,H,W] on tp; Features records the embedding [B, FeatureDim].
	// train makes the weights leaves that receive gradients. Errors
	// surface through tp.Err().
	Logits(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var
	Features(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var
}

// ConvClassifier is the small MNIST-sized classifier "classifier": five
// 3×3 convolutions with bias, each followed by ReLU, of widths
// base, base, 2·base, 2·base, 4·base and strides 1, 2, 1, 2, 2 (28×28 →
// 14 → 7 → 4), a global average pool to the 4·base embedding, and a linear
// map to the class logits. No normalization layer: the embedding of an
// image does not depend on the batch it is in. Initialization is PyTorch's
// default for Conv2d and Linear, as the tc-unet's.
type ConvClassifier struct {
	registry
	Channels, Base, Classes int

	convs []*biasConv
	head  *linear
}

// classifierWidths and classifierStrides are the convolutions' output
// widths (in units of Base) and strides.
var (
	classifierWidths  = []int{1, 1, 2, 2, 4}
	classifierStrides = []int{1, 2, 1, 2, 2}
)

func init() {
	Register("classifier", Architecture{
		New: func(c Config, rng *tensor.RNG) (Model, error) {
			c = ClassifierDefaults(c)
			return NewConvClassifier(c.Channels, c.Base, c.Classes, rng)
		},
		Check:         func(c Config) error { return checkClassifier(ClassifierDefaults(c)) },
		InputMultiple: func(Config) int { return 1 },
		Describe: func(c Config) string {
			c = ClassifierDefaults(c)
			return fmt.Sprintf("the classifier base %d with %d classes", c.Base, c.Classes)
		},
		Meta: func(c Config) map[string]string {
			c = ClassifierDefaults(c)
			return map[string]string{"arch": "classifier", "channels": strconv.Itoa(c.ImageChannels()),
				"base": strconv.Itoa(c.Base), "classes": strconv.Itoa(c.Classes)}
		},
		Classifier: true,
	})
}

// ClassifierDefaults fills a classifier Config's zero sizes: base 32 (a
// 128-wide embedding), 10 classes (the digits).
func ClassifierDefaults(c Config) Config {
	if c.Base == 0 {
		c.Base = 32
	}
	if c.Classes == 0 {
		c.Classes = 10
	}
	return c
}

func checkClassifier(c Config) error {
	if c.Base < 1 || c.Base > 1<<12 {
		return fmt.Errorf("classifier needs a base width in [1, 4096], got %d", c.Base)
	}
	if c.Classes < 2 || c.Classes > 1<<16 {
		return fmt.Errorf("classifier needs 2 to 65536 classes, got %d", c.Classes)
	}
	return nil
}

// NewConvClassifier builds a classifier of images with the given channels
// into classes classes, its weights drawn from rng.
func NewConvClassifier(channels, base, classes int, rng *tensor.RNG) (*ConvClassifier, error) {
	if channels < 1 {
		return nil, fmt.Errorf("classifier: %d image channels", channels)
	}
	if err := checkClassifier(Config{Base: base, Classes: classes}); err != nil {
		return nil, err
	}
	n := &ConvClassifier{Channels: channels, Base: base, Classes: classes}
	ci := channels
	for i, w := range classifierWidths {
		co := w * base
		n.convs = append(n.convs, newBiasConv(&n.registry, rng, "convs."+strconv.Itoa(i), ci, co, 3, classifierStrides[i]))
		ci = co
	}
	n.head = newLinear(&n.registry, rng, "head", ci, classes)
	return n, nil
}

// NumClasses is the number of logits per image.
func (n *ConvClassifier) NumClasses() int { return n.Classes }

// FeatureDim is the embedding's width, 4·Base.
func (n *ConvClassifier) FeatureDim() int { return classifierWidths[len(classifierWidths)-1] * n.Base }

// CheckInput accepts any batch of images [B,C,H,W] of the network's C.
func (n *ConvClassifier) CheckInput(shape []int) error {
	if err := checkImages(shape, n.Channels); err != nil {
		return fmt.Errorf("classifier: %w", err)
	}
	return nil
}

// Features records the embedding: the convolutions and the global pool.
func (n *ConvClassifier) Features(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var {
	for _, c := range n.convs {
		x = autograd.ReLU(c.forward(tp, x, train))
	}
	return autograd.GlobalAvgPool(x)
}

// Logits records the head applied to the embedding.
func (n *ConvClassifier) Logits(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var {
	return n.head.forward(tp, n.Features(tp, x, train), train)
}

// Config is the network's architecture, as its checkpoint records it.
func (n *ConvClassifier) Config() Config {
	return Config{Arch: "classifier", Channels: n.Channels, Base: n.Base, Classes: n.Classes}
}

// AsClassifier is m as a Classifier, or an error naming the network when it
// is a denoiser.
func AsClassifier(m Model) (Classifier, error) {
	if c, ok := m.(Classifier); ok {
		return c, nil
	}
	return nil, fmt.Errorf("%s is %s, not an image classifier", m.Config(), kindOf(m))
}

// kindOf names what kind of Model m is, for errors.
func kindOf(m Model) string {
	switch m.(type) {
	case Net:
		return "a blind denoiser net(y)"
	case Conditioned:
		return "a time-conditioned network net(x, t)"
	case Classifier:
		return "an image classifier"
	}
	return "an unknown kind of network"
}

// ClassifierLogits returns the logits [B, NumClasses] of images
// x [B,C,H,W], with constant weights (evaluation).
func ClassifierLogits(c Classifier, x *tensor.Tensor) (*tensor.Tensor, error) {
	return classifierEval(c, x, c.Logits)
}

// ClassifierFeatures returns the embedding [B, FeatureDim] of images
// x [B,C,H,W], with constant weights (evaluation).
func ClassifierFeatures(c Classifier, x *tensor.Tensor) (*tensor.Tensor, error) {
	return classifierEval(c, x, c.Features)
}

func classifierEval(c Classifier, x *tensor.Tensor, f func(*autograd.Tape, *autograd.Var, bool) *autograd.Var) (*tensor.Tensor, error) {
	if err := c.CheckInput(x.Shape()); err != nil {
		return nil, err
	}
	tp := autograd.NewTape()
	y := f(tp, tp.Leaf(x.Contiguous(), false), false)
	if err := tp.Err(); err != nil {
		return nil, err
	}
	tp.Release(y.Value)
	return y.Value, nil
}

// ClassifierStep takes one Adam step with learning rate lr on the
// cross-entropy of a batch of images x [B,C,H,W] with their labels, and
// returns the loss (before the step). As NoiseStep: a loss that is not
// finite is an error before any parameter changes, so is a parameter that
// becomes NaN or Inf, and tp is reset before and released after. A
// non-finite loss or gradient also names the first layer whose output
// holds the NaN or Inf (LocateNonFinite).
func ClassifierStep(tp *autograd.Tape, c Classifier, opt *Adam, lr float64, x *tensor.Tensor, labels []int) (float64, error) {
	if err := c.CheckInput(x.Shape()); err != nil {
		return 0, err
	}
	tp.Reset()
	defer tp.Release()
	x = x.Contiguous()
	loss := autograd.SoftmaxCrossEntropy(c.Logits(tp, tp.Leaf(x, false), true), labels)
	if err := tp.Err(); err != nil {
		return 0, err
	}
	locate := func() string {
		return LocateNonFinite(c.State(), func(tp *autograd.Tape) *autograd.Var { return c.Logits(tp, tp.Leaf(x, false), true) })
	}
	l := float64(loss.Value.Data()[0])
	if math.IsNaN(l) || math.IsInf(l, 0) {
		return l, fmt.Errorf("loss is %v%s (the run diverged; try a lower learning rate)", l, locate())
	}
	if err := Backward(tp, loss, c); err != nil {
		return l, err
	}
	if p := FirstNonFiniteGrad(c.Params()); p != "" {
		return l, fmt.Errorf("the gradient of %s is NaN or Inf (loss %v)%s", p, l, locate())
	}
	if err := opt.Update(lr); err != nil {
		return l, err
	}
	for _, p := range c.Params() {
		if !finite(p.Value.Data()) {
			return l, fmt.Errorf("parameter %s became NaN or Inf (loss %v)", p.Name, l)
		}
	}
	return l, nil
}
