package linalg

import (
	"fmt"
	"testing"
)

// BenchmarkLanczos runs 50 steps on a dense 1600-dim operator (the size of
// a 40×40 image's Jacobian). The dense products cost 50·2·1600² flops; the
// rest is reorthogonalization and the Ritz step, which is Lanczos' own cost.
func BenchmarkLanczos(b *testing.B) {
	n := 1600
	a := laBenchMatrix(n)
	op, err := NewDenseSymOperator(a, n)
	if err != nil {
		b.Fatal(err)
	}
	for _, bs := range []int{1, 5} {
		b.Run(fmt.Sprintf("n=%d/steps=%d/block=%d", n, 50/bs, bs), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, err := Lanczos(op, LanczosOptions{Which: LanczosBoth, Wanted: 20, MaxSteps: 50 / bs, BlockSize: bs, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The same Krylov work with a free operator isolates Lanczos' overhead.
	b.Run(fmt.Sprintf("n=%d/steps=50/zero-cost-operator", n), func(b *testing.B) {
		op := laBenchIdentityShift{n}
		for i := 0; i < b.N; i++ {
			if _, err := Lanczos(op, LanczosOptions{Which: LanczosBoth, Wanted: 20, MaxSteps: 50, Seed: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// laBenchIdentityShift applies diag(1..n)/n in O(n): a near-free operator.
type laBenchIdentityShift struct{ n int }

func (o laBenchIdentityShift) Dim() int { return o.n }
func (o laBenchIdentityShift) Apply(dst, src []float64, k int) error {
	for c := 0; c < k; c++ {
		for i := 0; i < o.n; i++ {
			dst[c*o.n+i] = src[c*o.n+i] * float64(i+1) / float64(o.n)
		}
	}
	return nil
}
