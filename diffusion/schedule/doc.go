// Package schedule holds the noise schedules of the three studies and the
// conversions between the two ways of writing a noisy image:
//
//   - σ-space (study A, and the form diffusion/denoise works in):
//     y = x + σz, z ~ N(0, I);
//   - variance-preserving (VP) form of DDPM (studies B and C):
//     x_t = √ᾱ_t·x + √(1−ᾱ_t)·ε.
//
// They describe the same image up to scale: y = x_t/√ᾱ has noise level
// σ = √((1−ᾱ)/ᾱ), and conversely ᾱ = 1/(1+σ²), x_t = y/√(1+σ²).
//
// Schedules: the blind objective's σ = U² (U ~ Uniform[0,1], so small σ are
// drawn densely), and the discrete DDPM schedules over T steps t = 0..T−1
// (PyTorch's indexing: alphas_cumprod[t]), linear β (Ho et al.: 1e-4 to
// 0.02 over T = 1000) and cosine (Nichol & Dhariwal, s = 0.008).
package schedule
