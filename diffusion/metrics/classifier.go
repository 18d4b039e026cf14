package metrics

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// classifierChunk is how many images one evaluation pass of a classifier
// takes: large enough for full GEMMs, small enough that the activations of
// a 28×28 chunk stay in tens of megabytes.
const classifierChunk = 256

// classify runs f (nn.ClassifierLogits or nn.ClassifierFeatures) over the
// images x [N,C,H,W] chunk by chunk and returns the rows back to back.
// NaN or Inf pixels are an error naming the image, before any work.
func classify(what string, c nn.Classifier, x *tensor.Tensor, f func(nn.Classifier, *tensor.Tensor) (*tensor.Tensor, error)) ([]float32, int, error) {
	if err := c.CheckInput(x.Shape()); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", what, err)
	}
	x = x.Contiguous()
	n, data := x.Dim(0), x.Data()
	per := len(data) / n
	for i, v := range data {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, 0, fmt.Errorf("%s: pixel value %v of image %d is not finite", what, v, i/per)
		}
	}
	shape := x.Shape()
	var out []float32
	width := 0
	for lo := 0; lo < n; lo += classifierChunk {
		hi := min(n, lo+classifierChunk)
		shape[0] = hi - lo
		chunk, err := tensor.FromSlice(data[lo*per:hi*per], shape...)
		if err != nil {
			return nil, 0, err
		}
		y, err := f(c, chunk)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", what, err)
		}
		width = y.Dim(1)
		out = append(out, y.Data()...)
	}
	return out, width, nil
}

// ClassifierFeatures returns the embedding of every image of x [N,C,H,W]
// (rows of c.FeatureDim() values), the features FrechetDistance and
// ImprovedPrecisionRecall compare.
func ClassifierFeatures(c nn.Classifier, x *tensor.Tensor) ([]float32, error) {
	f, _, err := classify("classifier features", c, x, nn.ClassifierFeatures)
	return f, err
}

// Confidence is what a classifier says of a set of images: the mean over
// the images of the largest softmax probability (near 1 when every image
// looks clearly like one class), and how many images it assigns to each
// class.
type Confidence struct {
	Mean      float64
	Predicted []int // images per class, by the largest logit
}

// ClassifierConfidence applies c to every image of x [N,C,H,W], N >= 1.
// Probabilities are softmax(logits) in float64, around each row's maximum.
func ClassifierConfidence(c nn.Classifier, x *tensor.Tensor) (Confidence, error) {
	if x.Rank() == 4 && x.Dim(0) == 0 {
		return Confidence{}, fmt.Errorf("classifier confidence: no images")
	}
	logits, k, err := classify("classifier confidence", c, x, nn.ClassifierLogits)
	if err != nil {
		return Confidence{}, err
	}
	n := len(logits) / k
	conf := Confidence{Predicted: make([]int, k)}
	for i := range n {
		row := logits[i*k : (i+1)*k]
		arg := argmax(row)
		var z float64
		for _, v := range row {
			z += math.Exp(float64(v) - float64(row[arg]))
		}
		conf.Mean += 1 / z // the largest probability, e^0 / z
		conf.Predicted[arg]++
	}
	conf.Mean /= float64(n)
	return conf, nil
}

// ClassifierAccuracy is the fraction of the images of x [N,C,H,W] whose
// largest logit is their label.
func ClassifierAccuracy(c nn.Classifier, x *tensor.Tensor, labels []int) (float64, error) {
	if x.Rank() != 4 || x.Dim(0) != len(labels) || len(labels) == 0 {
		return 0, fmt.Errorf("classifier accuracy: %d labels for images %v", len(labels), x.Shape())
	}
	for i, l := range labels {
		if l < 0 || l >= c.NumClasses() {
			return 0, fmt.Errorf("classifier accuracy: label %d of image %d is outside the classifier's classes [0, %d)", l, i, c.NumClasses())
		}
	}
	logits, k, err := classify("classifier accuracy", c, x, nn.ClassifierLogits)
	if err != nil {
		return 0, err
	}
	right := 0
	for i, l := range labels {
		if argmax(logits[i*k:(i+1)*k]) == l {
			right++
		}
	}
	return float64(right) / float64(len(labels)), nil
}

// argmax is the index of the largest value (the first of equal ones).
func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
