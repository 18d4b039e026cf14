package autograd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/internal/gradcheck"
	"github.com/harmonic-go/harmonic/tensor"
)

func TestBatchNormTrain(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, sh := range [][4]int{{3, 2, 2, 3}, {1, 3, 3, 3}, {1, 2, 1, 1}} { // the last: one value per channel, variance 0
		x := randTensor(rng, 1, sh[0], sh[1], sh[2], sh[3])
		// A channel mean far from zero makes the mean term of the
		// variance matter, which a wrong gradient would miss.
		for i := range x.Data() {
			x.Data()[i] += 0.7
		}
		gamma := randTensor(rng, 1, sh[1])
		hw := sh[2] * sh[3]
		checkTape(t, tapeCase{Name: "bn_train", Inputs: []*tensor.Tensor{x, gamma},
			Build: func(_ *Tape, v []*Var) *Var { y, _ := BatchNormTrain(v[0], v[1]); return y },
			Ref:   func(in [][]float64) []float64 { return gradcheck.BNRef(in[0], in[1], nil, sh[0], sh[1], hw) }})
	}
}

func TestBatchNormTrainReturnsSD(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	x := randTensor(rng, 2, 4, 3, 5, 5)
	tp := NewTape()
	_, sd := BatchNormTrain(tp.Leaf(x, false), tp.Leaf(tensor.New(3), false))
	xs := to64(x)
	for c := range 3 {
		var s, ss float64
		for b := range 4 {
			for p := range 25 {
				s += xs[(b*3+c)*25+p]
			}
		}
		mu := s / 100
		for b := range 4 {
			for p := range 25 {
				d := xs[(b*3+c)*25+p] - mu
				ss += d * d
			}
		}
		want := math.Sqrt(ss/100 + 1e-5)
		if math.Abs(float64(sd[c])-want) > 1e-6*want {
			t.Errorf("channel %d: sd %v, want %v", c, sd[c], want)
		}
	}
}

func TestBatchNormEval(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	x := randTensor(rng, 1, 2, 3, 2, 2)
	gamma := randTensor(rng, 1, 3)
	running := tensor.New(3)
	for i := range running.Data() {
		running.Data()[i] = 0.5 + rng.Float32()
	}
	checkTape(t, tapeCase{Name: "bn_eval", Inputs: []*tensor.Tensor{x, gamma},
		Build: func(_ *Tape, v []*Var) *Var { return BatchNormEval(v[0], v[1], running) },
		Ref:   func(in [][]float64) []float64 { return gradcheck.BNRef(in[0], in[1], to64(running), 2, 3, 4) }})
}

func TestBatchNormShapeErrors(t *testing.T) {
	tp := NewTape()
	x := tp.Leaf(tensor.New(2, 3, 2, 2), true)
	if BatchNormEval(x, tp.Leaf(tensor.New(4), true), tensor.New(3)); tp.Err() == nil {
		t.Error("gamma [4] for 3 channels accepted")
	}
	tp = NewTape()
	x = tp.Leaf(tensor.New(2, 3, 2, 2), true)
	if BatchNormEval(x, tp.Leaf(tensor.New(3), true), tensor.New(2)); tp.Err() == nil {
		t.Error("running sd [2] for 3 channels accepted")
	}
}
