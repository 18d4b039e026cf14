// Package heat is the forward process of inverse heat dissipation (study C;
// Rissanen, Heinonen and Solin, ICLR 2023): images blurred by the heat
// equation with Neumann (zero-flux) boundaries, solved exactly in the cosine
// basis, and the geometric blur schedule over levels 0..K.
//
// For an H×W channel x, the blur at diffusion time t is
//
//	u(t) = IDCT2( DCT2(x) ⊙ exp(−π²(p²/H² + q²/W²)·t) ),
//
// with the orthonormal DCT-II, p = 0..H−1 the row frequency and q = 0..W−1
// the column frequency (the released code's π·linspace(0, N−1, N)/N per
// axis, i.e. the continuous Neumann-Laplacian eigenvalues, not the discrete
// Laplacian's 4·sin²(πp/2N)). On the infinite plane this is a Gaussian blur
// of variance 2t in pixels², so level k of the schedule, at t_k = σ_B,k²/2,
// blurs by a Gaussian of standard deviation σ_B,k pixels. The DC mode is
// untouched: every channel keeps its mean.
package heat
