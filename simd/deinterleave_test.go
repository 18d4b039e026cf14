package simd

import (
	"math/rand/v2"
	"testing"
)

// TestDeinterleaveRows checks every level against the definition, on row
// lengths around the 32-float blocks, with guards between and after rows.
func TestDeinterleaveRows(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for n := 1; n <= 100; n++ {
			for _, rows := range []int{1, 3} {
				ne, no := (n+1)/2, n/2
				es, os, ss := ne+3, no+2, n+5
				src := make([]float32, (rows-1)*ss+n)
				for i := range src {
					src[i] = rng.Float32()
				}
				even, odd := make([]float32, (rows-1)*es+ne+4), make([]float32, (rows-1)*os+no+4)
				for i := range even {
					even[i] = -1
				}
				for i := range odd {
					odd[i] = -2
				}
				DeinterleaveRows(even, odd, src, rows, n, es, os, ss)
				for i, v := range even {
					r, j := i/es, i%es
					want := float32(-1)
					if r < rows && j < ne {
						want = src[r*ss+2*j]
					}
					if v != want {
						t.Fatalf("n=%d rows=%d: even[%d] = %g, want %g", n, rows, i, v, want)
					}
				}
				for i, v := range odd {
					r, j := i/os, i%os
					want := float32(-2)
					if r < rows && j < no {
						want = src[r*ss+2*j+1]
					}
					if v != want {
						t.Fatalf("n=%d rows=%d: odd[%d] = %g, want %g", n, rows, i, v, want)
					}
				}
			}
		}
	})
}

// TestInterleaveRows checks every level against the definition, and that it
// undoes DeinterleaveRows, with guards between and after rows.
func TestInterleaveRows(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for n := 1; n <= 100; n++ {
			for _, rows := range []int{1, 3} {
				ne, no := (n+1)/2, n/2
				es, os, ds := ne+3, no+2, n+5
				even, odd := make([]float32, (rows-1)*es+ne), make([]float32, (rows-1)*os+no)
				for i := range even {
					even[i] = rng.Float32()
				}
				for i := range odd {
					odd[i] = rng.Float32()
				}
				dst := make([]float32, (rows-1)*ds+n+4)
				for i := range dst {
					dst[i] = -1
				}
				InterleaveRows(dst, even, odd, rows, n, ds, es, os)
				for i, v := range dst {
					r, j := i/ds, i%ds
					want := float32(-1)
					switch {
					case r < rows && j < n && j%2 == 0:
						want = even[r*es+j/2]
					case r < rows && j < n:
						want = odd[r*os+j/2]
					}
					if v != want {
						t.Fatalf("n=%d rows=%d: dst[%d] = %g, want %g", n, rows, i, v, want)
					}
				}
				e2, o2 := make([]float32, len(even)), make([]float32, len(odd))
				DeinterleaveRows(e2, o2, dst, rows, n, es, os, ds)
				for i := range even {
					if i%es < ne && e2[i] != even[i] {
						t.Fatalf("n=%d rows=%d: round trip even[%d] = %g, want %g", n, rows, i, e2[i], even[i])
					}
				}
				for i := range odd {
					if i%os < no && o2[i] != odd[i] {
						t.Fatalf("n=%d rows=%d: round trip odd[%d] = %g, want %g", n, rows, i, o2[i], odd[i])
					}
				}
			}
		}
	})
}
