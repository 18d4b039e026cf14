package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestDdotAxpyBitsAtEveryLevel checks both results of DdotAxpy bit for bit:
// the dot product against Ddot's written-out order (ddotReference), y
// against a scalar loop that rounds each product, at every level, for
// every length up to 70 and a few long ones, from unaligned starts.
func TestDdotAxpyBitsAtEveryLevel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range append(testLengths, 1600, 1601) {
			for off := 0; off < 3; off++ {
				a, x, y := make([]float64, n+off), make([]float64, n+off), make([]float64, n+off)
				for i := range a {
					a[i], x[i], y[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
				}
				a, x, y = a[off:], x[off:], y[off:]
				s := rng.NormFloat64()
				want := make([]float64, n)
				for i := range want {
					p := float64(s * a[i])
					want[i] = y[i] + p
				}
				got := DdotAxpy(a, x, y, s)
				if ref := ddotReference(a, x); math.Float64bits(got) != math.Float64bits(ref) {
					t.Fatalf("n=%d off=%d: dot = %v, want exactly %v", n, off, got, ref)
				}
				for i := range want {
					if math.Float64bits(y[i]) != math.Float64bits(want[i]) {
						t.Fatalf("n=%d off=%d: y[%d] = %v, want exactly %v", n, off, i, y[i], want[i])
					}
				}
			}
		}
	})
}

// TestDdotAxpyUnfused: with s = 1+2⁻³⁰ and a = 1−2⁻³⁰ the product rounds to
// 1 unfused, so y = −1 becomes 0; a fused multiply-add would give −2⁻⁶⁰.
func TestDdotAxpyUnfused(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		for _, n := range []int{5, 32, 37} {
			a, x, y := make([]float64, n), make([]float64, n), make([]float64, n)
			for i := range a {
				a[i], y[i] = 1-0x1p-30, -1
			}
			DdotAxpy(a, x, y, 1+0x1p-30)
			for i, v := range y {
				if v != 0 {
					t.Fatalf("n=%d: y[%d] = %v, want 0 (product rounded before the add)", n, i, v)
				}
			}
		}
	})
}

func TestDdotAxpyLengthMismatchPanics(t *testing.T) {
	for _, c := range [][3]int{{3, 4, 3}, {3, 3, 4}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("lengths %v: no panic", c)
				}
			}()
			DdotAxpy(make([]float64, c[0]), make([]float64, c[1]), make([]float64, c[2]), 1)
		}()
	}
}

// TestDdotAxpy4MatchesFourCalls checks DdotAxpy4 bit for bit against what
// four DdotAxpy calls in turn compute, written out: each row's dot product
// in Ddot's order, and y adding the rows' rounded products in row order; at
// every level, lengths up to 70 and long ones, row strides longer than a
// row, unaligned starts.
func TestDdotAxpy4MatchesFourCalls(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range append(testLengths, 1600, 1601) {
			for _, pad := range []int{0, 3} {
				lda, off := n+pad, pad%2
				a := make([]float64, off+3*lda+n)
				x, y := make([]float64, n), make([]float64, n)
				for i := range a {
					a[i] = rng.NormFloat64()
				}
				for i := range x {
					x[i], y[i] = rng.NormFloat64(), rng.NormFloat64()
				}
				a = a[off:]
				s := [4]float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
				want := append([]float64(nil), y...)
				var wantOut [4]float64
				for r := range wantOut {
					wantOut[r] = ddotReference(a[r*lda:r*lda+n], x)
					for i := range want {
						p := float64(s[r] * a[r*lda+i])
						want[i] += p
					}
				}
				out := DdotAxpy4(a, lda, x, y, &s)
				for r := range out {
					if math.Float64bits(out[r]) != math.Float64bits(wantOut[r]) {
						t.Fatalf("n=%d lda=%d: out[%d] = %v, want exactly %v", n, lda, r, out[r], wantOut[r])
					}
				}
				for i := range want {
					if math.Float64bits(y[i]) != math.Float64bits(want[i]) {
						t.Fatalf("n=%d lda=%d: y[%d] = %v, want exactly %v", n, lda, i, y[i], want[i])
					}
				}
			}
		}
	})
}

func TestDdotAxpy4ShortMatrixPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	DdotAxpy4(make([]float64, 10), 4, make([]float64, 4), make([]float64, 4), &[4]float64{})
}

// TestDaxpyRowsBitsAtEveryLevel checks DaxpyRows bit for bit against its
// documented order written out, for 1 to 9 rows (groups of four and the
// rows left over), lengths up to 70 and long ones, strides longer than a
// row, unaligned starts, at every level.
func TestDaxpyRowsBitsAtEveryLevel(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range append(testLengths, 1600, 1601) {
			for rows := 1; rows <= 9; rows++ {
				lda, off := n+rows%3, rows%2
				a := make([]float64, off+(rows-1)*lda+n)
				for i := range a {
					a[i] = rng.NormFloat64()
				}
				a = a[off:]
				s, y := make([]float64, rows), make([]float64, n)
				for r := range s {
					s[r] = rng.NormFloat64()
				}
				for i := range y {
					y[i] = rng.NormFloat64()
				}
				want := append([]float64(nil), y...)
				for r := range s {
					for i := range want {
						p := float64(s[r] * a[r*lda+i])
						want[i] += p
					}
				}
				DaxpyRows(a, lda, s, y)
				for i := range want {
					if math.Float64bits(y[i]) != math.Float64bits(want[i]) {
						t.Fatalf("n=%d rows=%d: y[%d] = %v, want exactly %v", n, rows, i, y[i], want[i])
					}
				}
			}
		}
	})
}

func TestDaxpyRowsShortMatrixPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	DaxpyRows(make([]float64, 10), 4, make([]float64, 3), make([]float64, 4))
}

// BenchmarkDdotAxpy4 and BenchmarkDaxpyRows time the tridiagonal
// reduction's row kernels on rows of a trailing block's typical lengths;
// HARMONIC_SIMD=generic|avx2|avx512 picks the level.
func BenchmarkDdotAxpy4(b *testing.B) {
	for _, n := range []int{100, 391, 1600} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			a, x, y := make([]float64, 4*n), make([]float64, n), make([]float64, n)
			s := [4]float64{0.5, -0.25, 0.125, 1}
			b.SetBytes(int64(8 * 4 * n))
			for i := 0; i < b.N; i++ {
				DdotAxpy4(a, n, x, y, &s)
			}
		})
	}
}

func BenchmarkDaxpyRows(b *testing.B) {
	for _, n := range []int{100, 391, 1600} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			a, y := make([]float64, 8*n), make([]float64, n)
			s := []float64{0.5, -0.25, 0.125, 1, 2, 3, 4, 5}
			b.SetBytes(int64(8 * 8 * n))
			for i := 0; i < b.N; i++ {
				DaxpyRows(a, n, s, y)
			}
		})
	}
}
