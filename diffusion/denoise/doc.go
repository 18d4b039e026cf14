// Package denoise is the seam every study shares: a Denoiser maps a batch
// of noisy images y = x + σz (σ-space, one σ per image, [B,C,H,W]) to its
// estimate x̂ of the clean images. Metrics, spectra, samplers and studies
// take a Denoiser, never a network, so a trained network, an analytic model
// (Wiener filter, optimal empirical denoiser) and a test's closed-form map
// are measured by the same code.
//
// A Denoiser that can be differentiated is a Differentiable: linearized at
// one image it gives a Linearization, the output x̂(y) and the Jacobian
// ∂x̂/∂y applied to blocks of k vectors (JVP and VJP), which is all that
// Jacobian spectra, SURE and sensitivity fields need.
//
// Adapters from networks:
//   - Blind: a bias-free "universal blind" net of study A that predicts the
//     noise, x̂ = y − net(y), σ ignored;
//   - VP: an ε-predicting time-conditioned net of studies B and C, used at
//     the step of a DDPM schedule whose σ_t is nearest to σ.
//     EpsNet makes a tc-unet trained with vp-eps such a net (told the
//     step t as its time value).
//
// Each Denoiser states the pixel range it works in (Unit [0,1] or Signed
// [−1,1]); In adapts one to the range of the caller's images.
package denoise
