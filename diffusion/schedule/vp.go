package schedule

import "math"

// SigmaOfAlphaBar is the σ-space noise level of a VP image with cumulative
// signal fraction ᾱ: σ = √((1−ᾱ)/ᾱ) (+Inf at ᾱ = 0, 0 at ᾱ = 1).
func SigmaOfAlphaBar(alphaBar float64) float64 {
	return math.Sqrt((1 - alphaBar) / alphaBar)
}

// AlphaBarOfSigma is the inverse: ᾱ = 1/(1+σ²).
func AlphaBarOfSigma(sigma float64) float64 {
	return 1 / (1 + sigma*sigma)
}

// VPScale is the factor that turns a σ-space image into its VP form,
// x_t = VPScale(σ)·y = y/√(1+σ²) = √ᾱ·y; its inverse 1/VPScale(σ) = 1/√ᾱ
// takes x_t back to y = x_t/√ᾱ.
func VPScale(sigma float64) float64 {
	return 1 / math.Sqrt(1+sigma*sigma)
}
