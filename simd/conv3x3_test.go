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
		for _, k := range Conv3x3Kernels() {
			co, px := k.Cout, k.Px
			for _, ci := range []int{1, 2, 7, 70} {
				for _, ntiles := range []int{1, 3} {
					wp, plane := 13, 13*9+5
					x := fill((ci-1)*plane+2*wp+2+ntiles*px, uint32(ci))
					w := fill(ci*9*co, uint32(ntiles))
					ldy := ntiles*px + 3
					y := fill((co-1)*ldy+ntiles*px, 99) // old contents must be overwritten
					k.Tiles(w, x, y, ci, plane, wp, ldy, ntiles)
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
								t.Fatalf("%s %dx%d forward ci=%d ntiles=%d: y[%d,%d] = %g, want %g", l, co, px, ci, ntiles, r, j, got, want)
							}
						}
					}
				}
			}
		}
		wco, lanes := Conv3x3WeightGradTile()
		for _, nvec := range []int{1, 5, 37} {
			for _, nimg := range []int{1, 3} {
				n := nvec * lanes
				lddy, ldo, rs := n+5, 11, 13
				stride, xstride := (wco-1)*lddy+n+11, n+2*rs+9
				dy, x := fill((nimg-1)*stride+(wco-1)*lddy+n, uint32(nvec)), fill((nimg-1)*xstride+2*rs+n+2, uint32(nvec+7))
				out := fill((wco-1)*ldo+9+2, 5) // two guards past the last row
				old := append([]float32(nil), out...)
				Conv3x3WeightGrad(dy, x, out, lddy, nvec, nimg, stride, xstride, ldo, rs)
				for i := range out {
					r, tap := i/ldo, i%ldo
					want, scale := float64(old[i]), math.Abs(float64(old[i]))
					if r < wco && tap < 9 {
						for im := 0; im < nimg; im++ {
							for q := 0; q < n; q++ {
								p := float64(dy[im*stride+r*lddy+q]) * float64(x[im*xstride+(tap/3)*rs+q+tap%3])
								want += p
								scale += math.Abs(p)
							}
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

// TestConv3x3TilesDirect checks the masked-store kernels against Tiles: grid
// rows of wp positions hold wo outputs each, and the table maps every valid
// position to its place in a dense [rows][wo] output; nothing else is written.
func TestConv3x3TilesDirect(t *testing.T) {
	prev := Current()
	defer Use(string(prev))
	for _, l := range Available() {
		if err := Use(string(l)); err != nil {
			t.Fatal(err)
		}
		for _, k := range Conv3x3Kernels() {
			if !k.CanStoreDirect() {
				continue
			}
			for _, geo := range [][3]int{{21, 20, 7}, {16, 14, 5}, {41, 40, 3}, {18, 18, 4}} {
				wp, wo, rows := geo[0], geo[1], geo[2]
				ci, plane := 5, wp*(rows+3)
				ntiles := ((rows-1)*wp + wo + k.Px - 1) / k.Px
				x := fill((ci-1)*plane+2*wp+2+ntiles*k.Px, 3)
				w := fill(ci*9*k.Cout, 4)
				ld := ntiles * k.Px
				ref := make([]float32, k.Cout*ld)
				k.Tiles(w, x, ref, ci, plane, wp, ld, ntiles)
				var table []int64
				for v := 0; v < ntiles*k.Px/k.Lanes; v++ {
					var off [2]int64
					var mask [2]int64
					runs, lastRow := 0, -1
					for ln := 0; ln < k.Lanes; ln++ {
						q := v*k.Lanes + ln
						row, col := q/wp, q%wp
						if row >= rows || col >= wo {
							continue
						}
						if row != lastRow {
							off[runs] = int64(row*wo+col-ln) * 4
							runs, lastRow = runs+1, row
						}
						mask[runs-1] |= 1 << ln
					}
					table = append(table, off[0], off[1], mask[0], mask[1])
				}
				ldy := rows*wo + 3
				y := fill((k.Cout-1)*ldy+rows*wo+5, 9)
				old := append([]float32(nil), y...)
				k.TilesDirect(w, x, y, ci, plane, wp, ldy, ntiles, table)
				for i := range y {
					r, yi := i/ldy, i%ldy
					want := old[i]
					if r < k.Cout && yi < rows*wo {
						want = ref[r*ld+(yi/wo)*wp+yi%wo]
					}
					if y[i] != want {
						t.Fatalf("%s %dx%d wp=%d wo=%d rows=%d: y[%d] = %g, want %g", l, k.Cout, k.Px, wp, wo, rows, i, y[i], want)
					}
				}
			}
		}
	}
}
