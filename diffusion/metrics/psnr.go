// Package metrics measures denoisers (any denoise.Denoiser): PSNR of images
// in [0,1], the table of output PSNR against input PSNR over a grid of noise
// levels on training and held-out images (docs/study.md, study A, claim 1),
// and the mean squared denoising error; and images' radially averaged power
// spectral density, its log-log slope and where a noise floor crosses it
// (study C). For generated samples (study C) it has the Fréchet distance
// between feature sets, the improved precision and recall of Kynkäänniemi
// et al., each sample's novelty against the training set, and an
// nn.Classifier's features, confidence and accuracy on a set of images.
// Those features come from the classifier harmonic trains
// (diffusion/classify), not from Inception-v3, so its Fréchet distance is
// not the FID papers report.
package metrics

import (
	"fmt"
	"math"
)

// maxPSNR caps the PSNR of an exact reconstruction (MSE 0), so tables and
// JSON stay finite.
const maxPSNR = 200

// PSNR is 10·log10(1/MSE) between a reference image x and an estimate y,
// both with values nominally in [0,1].
func PSNR(x, y []float32) (float64, error) {
	if len(x) != len(y) || len(x) == 0 {
		return 0, fmt.Errorf("psnr: images of %d and %d pixels", len(x), len(y))
	}
	var se float64
	for i, v := range x {
		d := float64(y[i]) - float64(v)
		se += d * d
	}
	return psnrOfMSE(se / float64(len(x))), nil
}

func psnrOfMSE(mse float64) float64 {
	if mse <= 0 {
		return maxPSNR
	}
	return min(maxPSNR, -10*math.Log10(mse))
}
