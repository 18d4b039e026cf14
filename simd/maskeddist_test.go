package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaskedDistances checks MaskedDistances bit for bit against the
// generic loop at every level and, to float64 rounding of the expanded
// form, against Σ (y − ra·x)² summed directly in float64; with and without
// full, row lists empty, short, repeated and unordered, at widths of one
// and several tiles.
func TestMaskedDistances(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const nrowsAll = 40
	forEachLevel(t, func(t *testing.T) {
		for _, w := range []int{16, 48} {
			stride := w + 16*rng.IntN(2) + rng.IntN(3)
			x := make([]float64, nrowsAll*stride)
			for i := range x {
				x[i] = 2*rng.Float64() - 1
			}
			yT := make([]float64, MaskedQueries*nrowsAll)
			for i := range yT {
				yT[i] = 2 * rng.NormFloat64()
			}
			ra := rng.Float64()
			a := ra * ra
			for _, nr := range []int{0, 1, 7, 40} {
				rows := make([]int32, nr)
				for i := range rows {
					rows[i] = int32(rng.IntN(nrowsAll))
				}
				yl := make([]float64, MaskedQueries)
				for q := range yl {
					for _, r := range rows {
						yl[q] += yT[MaskedQueries*int(r)+q] * yT[MaskedQueries*int(r)+q]
					}
				}
				xl := make([]float64, w)
				SquaresOverRows(xl, x, stride, NewRowList(rows))
				for i := range xl {
					var ref float64
					for _, r := range rows {
						ref += x[int(r)*stride+i] * x[int(r)*stride+i]
					}
					if math.Abs(xl[i]-ref) > 1e-14*(1+ref) {
						t.Fatalf("w=%d rows=%d i=%d: SquaresOverRows %v, float64 sum %v", w, nr, i, xl[i], ref)
					}
				}
				full := make([]float64, MaskedQueries*w)
				for i := range full {
					full[i] = 100 + 100*rng.Float64()
				}
				for _, withFull := range []bool{false, true} {
					var fp []float64
					if withFull {
						fp = full
					}
					got := make([]float64, MaskedQueries*w)
					MaskedDistances(got, fp, yl, xl, yT, x, stride, NewRowList(rows), a, ra)
					want := make([]float64, MaskedQueries*w)
					maskedDistancesGeneric(want, fp, yl, xl, yT, x, stride, rows, a, ra)
					for q := range MaskedQueries {
						for i := range w {
							k := q*w + i
							var ref, scale float64
							for _, r := range rows {
								y, xv := yT[MaskedQueries*int(r)+q], x[int(r)*stride+i]
								e := y - ra*xv
								ref += e * e
								scale += y*y + a*xv*xv
							}
							if withFull {
								ref = full[k] - ref
								scale += full[k]
							}
							if got[k] != want[k] {
								t.Fatalf("w=%d rows=%d full=%v q=%d i=%d: %v, generic %v", w, nr, withFull, q, i, got[k], want[k])
							}
							if math.Abs(got[k]-ref) > 1e-14*(1+scale) {
								t.Fatalf("w=%d rows=%d full=%v q=%d i=%d: %v, direct float64 sum %v", w, nr, withFull, q, i, got[k], ref)
							}
						}
					}
				}
			}
		}
	})
}

func TestMaskedDistancesPanicsOutOfRange(t *testing.T) {
	yl := make([]float64, MaskedQueries)
	for _, c := range []struct {
		name          string
		out, full, yT int
		x, stride     int
		rows          []int32
	}{
		{"w not a multiple of the tile", 8 * 8, 0, 8, 64, 8, []int32{0}},
		{"row past x", 8 * 16, 0, 64, 64, 16, []int32{4}},
		{"row past yT", 8 * 16, 0, 8, 64, 16, []int32{1}},
		{"stride below w", 8 * 32, 0, 64, 256, 16, []int32{0}},
		{"full shorter than out", 8 * 16, 16, 64, 64, 16, []int32{0}},
		{"xl shorter than w", 8 * 32, 0, 64, 64, 32, []int32{0}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			var full []float64
			if c.full > 0 {
				full = make([]float64, c.full)
			}
			xl := make([]float64, c.out/MaskedQueries)
			if c.name == "xl shorter than w" {
				xl = xl[:16]
			}
			MaskedDistances(make([]float64, c.out), full, yl, xl, make([]float64, c.yT), make([]float64, c.x), c.stride, NewRowList(c.rows), 0.5, math.Sqrt(0.5))
		}()
	}
}

func BenchmarkMaskedDistances(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	const d, w, nr = 784, 80, 180
	x := make([]float64, d*w)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	yT := make([]float64, MaskedQueries*d)
	for i := range yT {
		yT[i] = rng.NormFloat64()
	}
	cols := make([]RowList, d)
	for m := range cols {
		idx := make([]int32, nr)
		for i := range idx {
			idx[i] = int32(rng.IntN(d))
		}
		cols[m] = NewRowList(idx)
	}
	out, yl, xl := make([]float64, MaskedQueries*w), make([]float64, MaskedQueries), make([]float64, w)
	for b.Loop() {
		for _, c := range cols {
			MaskedDistances(out, nil, yl, xl, yT, x, w, c, 0.5, math.Sqrt(0.5))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(d*nr*w*MaskedQueries)*1e3, "ps/madd")
}
