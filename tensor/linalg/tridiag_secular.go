package linalg

import (
	"math"

	"github.com/harmonic-go/harmonic/simd"
)

// The secular equation of divide and conquer, one root at a time.
//
// Root i of f(λ) = 1 + ρ·Σ_j z_j²/(d_j − λ) lies in (d_i, d_{i+1}) (the last
// in (d_K, d_K + ρ·zᵀz)); f increases from −∞ to +∞ across the interval.
// The root is computed as λ = d_org + τ with d_org the nearer pole, so the
// differences δ_j = (d_j − d_org) − τ, which the eigenvectors are built
// from, carry full relative accuracy even when λ is within ulps of a pole.
// Iteration: the two-pole rational model of Bunch–Nielsen–Sorensen / Li
// (ψ ≈ p + q/(d_i − λ), φ ≈ r + s/(d_{i+1} − λ), matching values and
// slopes), safeguarded by bisection on a bracket that only shrinks, which
// makes convergence certain; the model step converges quadratically.

// dcSecularRoot returns root i and fills delta[j] = d_j − λ_i. ok is false
// only if 200 iterations did not converge (the bracket halves at worst each
// step, so this means NaN input).
func dcSecularRoot(d, z []float64, rho float64, i int, delta []float64) (lam float64, ok bool) {
	kk := len(d)
	last := i == kk-1
	org := i
	var lo, hi float64 // bracket for τ, relative to d[org]
	sh := delta        // reuse: poles relative to the origin
	dcPolesFrom(sh, d, d[i])
	if last {
		// The root is at most ρ‖z‖² above d_K; also the f(mid) test
		// below tightens the bracket.
		hi = rho * laDot(z, z)
	} else {
		// Which half of (d_i, d_{i+1}) holds the root: the sign of f at
		// the midpoint.
		mid := (d[i+1] - d[i]) / 2
		if sum, _, _ := simd.SecularSums(sh, z, mid); 1+rho*sum >= 0 {
			hi = mid // root in (d_i, d_i + gap/2]
		} else {
			org = i + 1 // root in (d_{i+1} − gap/2, d_{i+1})
			lo = -mid
			dcPolesFrom(sh, d, d[org])
		}
	}
	tau := (lo + hi) / 2
	if !last && org == i+1 {
		// Start near the pole where the root is; the midpoint is fine too,
		// but this keeps symmetric cases symmetric.
		tau = lo / 2
	}
	for iter := 0; iter < 200; iter++ {
		psi, dpsi, erretmL := simd.SecularSums(sh[:i+1], z[:i+1], tau)
		phi, dphi, erretmR := simd.SecularSums(sh[i+1:], z[i+1:], tau)
		erretm := erretmL + erretmR
		f := 1 + rho*(psi+phi)
		// Evaluation error bound of f at τ (cf. LAPACK dlaed4's erretm).
		bound := 8 * laEps * (1 + rho*erretm + rho*math.Abs(tau)*(dpsi+dphi))
		if math.Abs(f) <= bound {
			break
		}
		if f < 0 {
			lo = tau
		} else {
			hi = tau
		}
		if hi-lo <= 2*laEps*math.Max(math.Abs(lo), math.Abs(hi)) {
			break
		}
		next := dcRationalStep(sh, i, last, rho, tau, psi, dpsi, phi, dphi, org != i)
		if !(next > lo && next < hi) {
			next = (lo + hi) / 2
		}
		if iter == 199 {
			return 0, false
		}
		tau = next
	}
	for j := range sh {
		delta[j] = sh[j] - tau
	}
	return d[org] + tau, true
}

// dcPolesFrom sets sh[j] = d[j] − origin.
func dcPolesFrom(sh, d []float64, origin float64) {
	sh = sh[:len(d)]
	for j := range d {
		sh[j] = d[j] - origin
	}
}

// dcRationalStep solves the two-pole model C + ρq/(D_i − x) + ρs/(D_{i+1} − x)
// = 0 for the new τ = x, with D the poles relative to the origin. It returns
// NaN when the model has no usable root (the caller then bisects).
func dcRationalStep(sh []float64, i int, last bool, rho, tau, psi, dpsi, phi, dphi float64, originRight bool) float64 {
	di := sh[i] - tau
	q := di * di * dpsi // ψ ≈ p + q/(D_i − x)
	p := psi - q/di
	if last {
		// Only the left pole: C + ρq/(D_K − x) = 0 with D_K = 0.
		c := 1 + rho*(p+phi)
		if c <= 0 {
			return math.NaN()
		}
		return rho * q / c
	}
	dj := sh[i+1] - tau
	s := dj * dj * dphi // φ ≈ r + s/(D_{i+1} − x)
	r := phi - s/dj
	c := 1 + rho*(p+r)
	delta := sh[i+1] - sh[i] // exact: one of the two is 0
	if !originRight {
		// u = D_i − x = −x ∈ (−Δ, 0):  C u² + (CΔ + ρq + ρs) u + ρqΔ = 0.
		u := dcQuadraticRoot(c, c*delta+rho*(q+s), rho*q*delta, -delta, 0)
		return -u
	}
	// u = D_{i+1} − x = −x ∈ (0, Δ):  C u² + (−CΔ + ρq + ρs) u − ρsΔ = 0.
	u := dcQuadraticRoot(c, -c*delta+rho*(q+s), -rho*s*delta, 0, delta)
	return -u
}

// dcQuadraticRoot returns the root of a·u² + b·u + c in (lo, hi), computed
// without cancellation, or NaN if there is none.
func dcQuadraticRoot(a, b, c, lo, hi float64) float64 {
	in := func(u float64) bool { return u > lo && u < hi }
	if a == 0 {
		if b == 0 {
			return math.NaN()
		}
		if u := -c / b; in(u) {
			return u
		}
		return math.NaN()
	}
	disc := b*b - 4*a*c
	if disc < 0 {
		disc = 0
	}
	qq := -0.5 * (b + math.Copysign(math.Sqrt(disc), b))
	if qq != 0 {
		if u := c / qq; in(u) {
			return u
		}
	}
	if u := qq / a; in(u) {
		return u
	}
	return math.NaN()
}
