package autograd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// bnRef is an independent float64 bias-free batch norm on x [b,c,h·w]:
// sd from the biased variance about the mean (train) or the given running
// sd (eval); the output is x/sd·gamma without mean subtraction.
func bnRef(x, gamma, running []float64, b, c, hw int) []float64 {
	y := make([]float64, len(x))
	for ch := range c {
		sd := 0.0
		if running != nil {
			sd = running[ch]
		} else {
			var s, ss float64
			for bb := range b {
				for p := range hw {
					s += x[(bb*c+ch)*hw+p]
				}
			}
			mu := s / float64(b*hw)
			for bb := range b {
				for p := range hw {
					d := x[(bb*c+ch)*hw+p] - mu
					ss += d * d
				}
			}
			sd = math.Sqrt(ss/float64(b*hw) + 1e-5)
		}
		for bb := range b {
			for p := range hw {
				i := (bb*c+ch)*hw + p
				y[i] = x[i] / sd * gamma[ch]
			}
		}
	}
	return y
}

func TestBatchNormTrain(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, sh := range [][4]int{{3, 2, 2, 3}, {1, 3, 3, 3}} {
		x := randTensor(rng, 1, sh[0], sh[1], sh[2], sh[3])
		// A channel mean far from zero makes the mean term of the
		// variance matter, which a wrong gradient would miss.
		for i := range x.Data() {
			x.Data()[i] += 0.7
		}
		gamma := randTensor(rng, 1, sh[1])
		hw := sh[2] * sh[3]
		checkOp(t, opCase{name: "bn_train", inputs: []*tensor.Tensor{x, gamma},
			build: func(_ *Tape, v []*Var) *Var { y, _ := BatchNormTrain(v[0], v[1]); return y },
			ref:   func(in [][]float64) []float64 { return bnRef(in[0], in[1], nil, sh[0], sh[1], hw) }})
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
	checkOp(t, opCase{name: "bn_eval", inputs: []*tensor.Tensor{x, gamma},
		build: func(_ *Tape, v []*Var) *Var { return BatchNormEval(v[0], v[1], running) },
		ref:   func(in [][]float64) []float64 { return bnRef(in[0], in[1], to64(running), 2, 3, 4) }})
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
