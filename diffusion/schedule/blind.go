package schedule

// Uniform is a source of uniform numbers in [0,1): *tensor.RNG, or any
// generator with the same method.
type Uniform interface {
	Float64() float64
}

// BlindSigma draws the noise level of the blind objective (docs/study.md, A,
// "training"): σ = U² with U ~ Uniform[0,1], one draw of src. Squaring puts
// half of the draws below σ = 0.25, where the PSNR curves are measured.
func BlindSigma(src Uniform) float64 {
	u := src.Float64()
	return u * u
}
