// Package analytic holds the training-set denoisers of study B: the Wiener
// filter (optimal linear denoiser of the data's mean and covariance), the
// optimal empirical-Bayes denoiser (exact softmax over every training
// image), the locality model of Lukoianov et al. (Eq. 8: a per-pixel
// softmax over distances masked by the Wiener filter's sensitivity), Kamb
// & Ganguli's equivariant local score machine (ELS: a per-pixel softmax over
// every k×k patch of every training image, with patch-size schedules and
// their calibration against a network), Scarvelis et al.'s smoothed optimal
// denoiser (scfdm), and the nearest training image.
//
// Conventions (those of the locality paper's code, see analytic_reference.py
// in the project's tools): images live in [−1,1]; vectors are flattened
// channel-major (n = c·H·W + y·W + x) and the statistics couple all C·H·W
// values. Each model predicts x̂0 from a VP-noised x_t = √ᾱ x0 + √(1−ᾱ) ε
// (PredictVP) and is a denoise.Denoiser in σ-space through the identity
// ᾱ = 1/(1+σ²), x_t = √ᾱ y.
//
// Where the released code differs from the paper we follow the paper and
// fix the code: the optimal denoiser's softmax runs over all N images (not
// a top-200 neighbour list), the locality softmax is one exact per-pixel
// softmax over all N (not an equal-weight average of per-chunk softmaxes),
// and nearest compares x_t/√ᾱ (not x_t) with the training images.
package analytic
