package linalg

import (
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/internal/rng"
)

// The Krylov basis of Lanczos with full reorthogonalization: orthonormal
// float64 vectors stored back to back, and classical Gram–Schmidt applied
// twice ("twice is enough", Giraud–Langou–Rozložník 2005) to bring each new
// vector to orthogonality at roundoff level against all previous ones.
// Classical rather than modified Gram–Schmidt because its dot products are
// independent, so they parallelize (and would become one GEMV per pass).

type lanczosBasis struct {
	n    int
	vecs []float64 // n values per vector pushed, vector i at vecs[i·n:(i+1)·n]
	h    []float64 // scratch: coefficients of one projection pass
}

func newLanczosBasis(n, capacity int) *lanczosBasis {
	return &lanczosBasis{n: n, vecs: make([]float64, 0, capacity*n)}
}

func (b *lanczosBasis) vec(i int) []float64 { return b.vecs[i*b.n : (i+1)*b.n] }

// push appends a copy of v (assumed unit and orthogonal to the basis).
func (b *lanczosBasis) push(v []float64) { b.vecs = append(b.vecs, v...) }

// orthogonalize makes w orthogonal to the first m basis vectors with two
// classical Gram–Schmidt passes and adds the coefficients of both passes to
// coef[0:m] (coef may be nil). The sum is the projection of the original w
// onto each basis vector, which is what the Lanczos recurrence needs.
func (b *lanczosBasis) orthogonalize(w []float64, m int, coef []float64) {
	if m == 0 {
		return
	}
	if cap(b.h) < m {
		b.h = make([]float64, m)
	}
	h := b.h[:m]
	for pass := 0; pass < 2; pass++ {
		b.project(w, h)
		b.subtract(w, h)
		if coef != nil {
			for i, v := range h {
				coef[i] += v
			}
		}
	}
}

// project sets h[i] = ⟨v_i, w⟩ for i < len(h); each dot is an independent
// output, so the split over goroutines does not change any result.
func (b *lanczosBasis) project(w, h []float64) {
	n := b.n
	body := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			h[i] = laDot(b.vecs[i*n:(i+1)*n], w)
		}
	}
	if len(h)*n < 1<<15 {
		body(0, len(h))
		return
	}
	parallel.For(len(h), body)
}

// subtract computes w −= Σ_i h[i]·v_i. Goroutines take disjoint ranges of
// entries and every entry subtracts the terms in the order i = 0, 1, ..., so
// the result is independent of the split.
func (b *lanczosBasis) subtract(w, h []float64) {
	n := b.n
	const chunk = 512
	body := func(lo, hi int) {
		for c := lo; c < hi; c++ {
			t0, t1 := c*chunk, min((c+1)*chunk, n)
			wc := w[t0:t1]
			for i, hi := range h {
				laAxpy(-hi, b.vecs[i*n+t0:i*n+t1], wc)
			}
		}
	}
	chunks := (n + chunk - 1) / chunk
	if len(h)*n < 1<<15 {
		body(0, chunks)
		return
	}
	parallel.For(chunks, body)
}

// randomUnit fills w with a random unit vector orthogonal to the first m
// basis vectors, drawing fresh Gaussian vectors until one keeps a safe part
// of its norm (at most a few tries unless the basis spans nearly all of
// Rⁿ). It reports false if the basis already spans Rⁿ.
func (b *lanczosBasis) randomUnit(w []float64, m int, gauss *rng.SplitMix64) bool {
	if m >= b.n {
		return false
	}
	for try := 0; try < 10; try++ {
		gauss.FillNormal64(w)
		before := laNorm(w)
		b.orthogonalize(w, m, nil)
		after := laNorm(w)
		// A Gaussian vector keeps about sqrt((n−m)/n) of its norm; far less
		// means roundoff dominates what is left, so draw again.
		if after > 1e-3*before {
			inv := 1 / after
			for i := range w {
				w[i] *= inv
			}
			return true
		}
	}
	return false
}
