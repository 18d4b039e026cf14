package nn

import (
	"math"

	"github.com/harmonic-go/harmonic/tensor"
)

// kaimingNormal fills w with N(0, 2/fanIn), He et al.'s fan-in init for
// layers followed by ReLU.
func kaimingNormal(rng *tensor.RNG, w *tensor.Tensor, fanIn int) {
	rng.FillNormal(w.Data(), 0, float32(math.Sqrt(2/float64(fanIn))))
}

// initConv initializes a convolution weight [Co, Ci, kh, kw]: fan-in Ci·kh·kw.
func initConv(rng *tensor.RNG, w *tensor.Tensor) {
	s := w.Shape()
	kaimingNormal(rng, w, s[1]*s[2]*s[3])
}

// initConvTranspose initializes a transposed-convolution weight
// [Ci, Co, 2, 2] (PyTorch layout). With kernel 2 and stride 2 the windows do
// not overlap, so every output value sums exactly Ci products: its fan-in is
// Ci. (torch.nn.init.kaiming_normal_ would read dim 1 and use Co·4.)
func initConvTranspose(rng *tensor.RNG, w *tensor.Tensor) {
	kaimingNormal(rng, w, w.Dim(0))
}

// gammaInitStd and gammaClamp are the authors' batch-norm gamma init: normal
// with std 2/9/64, clamped to ±0.025.
const (
	gammaInitStd = 2.0 / 9.0 / 64.0
	gammaClamp   = 0.025
)

func initGamma(rng *tensor.RNG, g *tensor.Tensor) {
	d := g.Data()
	rng.FillNormal(d, 0, gammaInitStd)
	for i, v := range d {
		d[i] = max(-gammaClamp, min(gammaClamp, v))
	}
}

func fill(t *tensor.Tensor, v float32) {
	d := t.Data()
	for i := range d {
		d[i] = v
	}
}
