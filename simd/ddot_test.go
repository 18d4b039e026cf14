package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// ddotReference is Ddot's documented order written out directly: lane i%16
// gets each rounded product in turn, then the halving tree.
func ddotReference(x, y []float64) float64 {
	var s [16]float64
	for i := range x {
		p := float64(x[i] * y[i]) // the conversion forbids fusing it into the add
		s[i%16] = s[i%16] + p
	}
	for _, w := range []int{8, 4, 2, 1} {
		for l := 0; l < w; l++ {
			s[l] = s[l] + s[l+w]
		}
	}
	return s[0]
}

// TestDdotBitsAtEveryLevel checks Ddot bit for bit against the reference
// at every level, on every length up to 70 and a few long ones, from
// unaligned starts, and against a plain sequential sum to rounding error
// (so the reference cannot share a mistake with the kernels unnoticed).
func TestDdotBitsAtEveryLevel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range append(testLengths, 1600, 1601) {
			for off := 0; off < 3; off++ {
				x, y := make([]float64, n+off), make([]float64, n+off)
				for i := range x {
					x[i], y[i] = rng.NormFloat64(), rng.NormFloat64()
				}
				x, y = x[off:], y[off:]
				got, want := Ddot(x, y), ddotReference(x, y)
				if math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("n=%d off=%d: Ddot = %v, want exactly %v", n, off, got, want)
				}
				seq, mag := 0.0, 0.0
				for i := range x {
					seq += x[i] * y[i]
					mag += math.Abs(x[i] * y[i])
				}
				if math.Abs(got-seq) > 1e-14*mag*float64(n+1) {
					t.Fatalf("n=%d: Ddot = %v, sequential sum %v", n, got, seq)
				}
			}
		}
	})
}

// TestDdotUnfused: with x = 1+2⁻³⁰, y = 1−2⁻³⁰ the product rounds to 1
// unfused, so −1 + x·y is 0; a fused multiply-add would give −2⁻⁶⁰.
func TestDdotUnfused(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		x, y := make([]float64, 32), make([]float64, 32)
		for l := 0; l < 16; l++ {
			x[l], y[l] = -1, 1
			x[16+l], y[16+l] = 1+0x1p-30, 1-0x1p-30
		}
		if got := Ddot(x, y); got != 0 {
			t.Fatalf("Ddot = %v, want 0 (products rounded before the adds)", got)
		}
	})
}

func TestDdotLengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	Ddot(make([]float64, 3), make([]float64, 4))
}

// TestDdotRowsBitsAtEveryLevel checks DdotRows row by row against the
// reference, for row counts around the four-row blocks, lengths around the
// 16-lane blocks and padded leading dimensions.
func TestDdotRowsBitsAtEveryLevel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	forEachLevel(t, func(t *testing.T) {
		for _, rows := range []int{0, 1, 3, 4, 5, 8, 9} {
			for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 24, 31, 33, 64, 100} {
				lda := n + rows%3
				a := make([]float64, rows*lda+1)
				x := make([]float64, n)
				for i := range a {
					a[i] = rng.NormFloat64()
				}
				for i := range x {
					x[i] = rng.NormFloat64()
				}
				y := make([]float64, rows)
				DdotRows(a, lda, x, y)
				for i := range y {
					want := ddotReference(a[i*lda:i*lda+n], x)
					if math.Float64bits(y[i]) != math.Float64bits(want) {
						t.Fatalf("rows=%d n=%d lda=%d: y[%d] = %v, want exactly %v", rows, n, lda, i, y[i], want)
					}
				}
			}
		}
	})
}

func TestDdotRowsShortMatrixPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	DdotRows(make([]float64, 10), 4, make([]float64, 4), make([]float64, 3))
}

// BenchmarkDdotRows times eight rows of typical panel lengths;
// HARMONIC_SIMD=generic|avx2|avx512 picks the level.
func BenchmarkDdotRows(b *testing.B) {
	for _, n := range []int{100, 391, 1600} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			a, x, y := make([]float64, 8*n), make([]float64, n), make([]float64, 8)
			b.SetBytes(int64(8 * 8 * n))
			for i := 0; i < b.N; i++ {
				DdotRows(a, n, x, y)
			}
		})
	}
}
