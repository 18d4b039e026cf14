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
