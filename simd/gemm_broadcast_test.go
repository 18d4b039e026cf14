//go:build amd64 && gc && !purego

package simd

import (
	"math"
	"math/rand"
	"strings"
	"testing"
)

// TestGemmRegisterBroadcastSameBits checks that each register-broadcast
// ("r") kernel is bit for bit its embedded-broadcast twin: the CPU picks one
// or the other, and results must not depend on which.
func TestGemmRegisterBroadcastSameBits(t *testing.T) {
	if !hasAVX512() {
		t.Skip("no AVX-512")
	}
	twins := map[string]GemmMicro{}
	for _, g := range GemmMicros() {
		twins[g.Name] = g
	}
	rng := rand.New(rand.NewSource(7))
	checked := 0
	for _, r := range gemmAVX512FullWidth {
		e, ok := twins[strings.TrimSuffix(r.Name, "r")]
		if !ok || !strings.HasSuffix(r.Name, "r") || e.MR != r.MR || e.NR != r.NR {
			t.Fatalf("%s has no embedded-broadcast twin", r.Name)
		}
		for _, kc := range []int{1, 3, 4, 5, 64, 385} {
			a, b := make([]float32, kc*r.MR), make([]float32, kc*r.NR)
			for i := range a {
				a[i] = float32(rng.NormFloat64())
			}
			for i := range b {
				b[i] = float32(rng.NormFloat64())
			}
			c0 := make([]float32, r.MR*r.NR)
			for i := range c0 {
				c0[i] = float32(rng.NormFloat64())
			}
			for _, beta := range []float32{0, 0.75} {
				ce, cr := append([]float32(nil), c0...), append([]float32(nil), c0...)
				e.Kernel(kc, a, b, ce, r.NR, 1.25, beta)
				r.Kernel(kc, a, b, cr, r.NR, 1.25, beta)
				for i := range ce {
					if math.Float32bits(ce[i]) != math.Float32bits(cr[i]) {
						t.Fatalf("%s kc=%d beta=%v: C[%d] = %v, %s gives %v", r.Name, kc, beta, i, cr[i], e.Name, ce[i])
					}
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no kernels compared")
	}
}
