package simd

import (
	"math"
	"testing"
)

func fill(n int, seed uint32) []float32 {
	out := make([]float32, n)
	for i := range out {
		seed = seed*1664525 + 1013904223
		out[i] = float32(int32(seed>>8)%2001-1000) / 1000
	}
	return out
}

// TestConv3x3Kernels checks every kernel set against float64 sums of the
// documented formulas, for channel counts 1..70 and several tile counts.
func TestConv3x3Kernels(t *testing.T) {
	prev := Current()
	defer Use(string(prev))
	for _, l := range Available() {
		if err := Use(string(l)); err != nil {
			t.Fatal(err)
		}
		co, px := Conv3x3Tile()
		for _, ci := range []int{1, 2, 7, 70} {
			for _, ntiles := range []int{1, 3} {
				wp, plane := 13, 13*9+5
				x := fill((ci-1)*plane+2*wp+2+ntiles*px, uint32(ci))
				w := fill(ci*9*co, uint32(ntiles))
				ldy := ntiles*px + 3
				y := fill((co-1)*ldy+ntiles*px, 99) // old contents must be overwritten
				Conv3x3Tiles(w, x, y, ci, plane, wp, ldy, ntiles)
				for r := 0; r < co; r++ {
					for j := 0; j < ntiles*px; j++ {
						var want, scale float64
						for c := 0; c < ci; c++ {
							for tap := 0; tap < 9; tap++ {
								v := float64(w[(c*9+tap)*co+r]) * float64(x[c*plane+(tap/3)*wp+tap%3+j])
								want += v
								scale += math.Abs(v)
							}
						}
						if got := float64(y[r*ldy+j]); math.Abs(got-want) > 1e-5*scale+1e-6 {
							t.Fatalf("%s forward ci=%d ntiles=%d: y[%d,%d] = %g, want %g", l, ci, ntiles, r, j, got, want)
						}
					}
				}
			}
		}
		wco, lanes := Conv3x3WeightGradTile()
		for _, nvec := range []int{1, 5, 37} {
			for _, nimg := range []int{1, 3} {
				n := nvec * lanes
				lddy, ldo := n+5, 7
				stride := (wco-1)*lddy + n + 11
				dy, x := fill((nimg-1)*stride+(wco-1)*lddy+n, uint32(nvec)), fill((nimg-1)*stride+n+2, uint32(nvec+7))
				out := fill((wco-1)*ldo+3, 5)
				old := append([]float32(nil), out...)
				Conv3x3WeightGrad(dy, x, out, lddy, nvec, nimg, stride, ldo)
				for r := 0; r < wco; r++ {
					for kw := 0; kw < 3; kw++ {
						i := r*ldo + kw
						want, scale := float64(old[i]), math.Abs(float64(old[i]))
						for im := 0; im < nimg; im++ {
							for q := 0; q < n; q++ {
								p := float64(dy[im*stride+r*lddy+q]) * float64(x[im*stride+q+kw])
								want += p
								scale += math.Abs(p)
							}
						}
						if got := float64(out[i]); math.Abs(got-want) > 1e-5*scale+1e-6 {
							t.Fatalf("%s weight grad nvec=%d nimg=%d: out[%d] = %g, want %g", l, nvec, nimg, i, got, want)
						}
					}
				}
			}
		}
	}
}

func TestCopyRows(t *testing.T) {
	prev := Current()
	defer Use(string(prev))
	for _, l := range Available() {
		if err := Use(string(l)); err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 70; n++ {
			for _, rows := range []int{1, 3} {
				ss, ds := n+3, n+1
				src := fill((rows-1)*ss+n+1, uint32(n))
				dst := fill((rows-1)*ds+n+2, 3) // guards after every row
				old := append([]float32(nil), dst...)
				CopyRows(dst[1:], src[1:], rows, n, ds, ss)
				for i := range dst {
					r, j := (i-1)/ds, (i-1)%ds
					want := old[i]
					if i >= 1 && r < rows && j < n {
						want = src[1+r*ss+j]
					}
					if dst[i] != want {
						t.Fatalf("%s n=%d rows=%d: dst[%d] = %g, want %g", l, n, rows, i, dst[i], want)
					}
				}
			}
		}
	}
}
