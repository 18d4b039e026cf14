package bench

import (
	"fmt"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// BenchmarkAnalyticDenoisers times study B's analytic denoisers exactly as
// the `harmonic bench` workloads of the same names do (inputs, ᾱ = 0.5 and
// the untimed statistics and mask), at 1 and 2 threads.
func BenchmarkAnalyticDenoisers(b *testing.B) {
	defer tensor.SetThreads(tensor.Threads())
	for _, c := range []struct{ short, name string }{
		{"optimal", "optimal denoiser 60000x784, 128 images"},
		{"locality", "locality denoiser 2000x784, 8 images, tau 0.005"},
	} {
		b.Run(c.short, func(b *testing.B) {
			ws, err := Lookup([]string{c.name})
			if err != nil {
				b.Fatal(err)
			}
			run, err := ws[0].Prepare()
			if err != nil {
				b.Fatal(err)
			}
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("threads=%d", th), func(b *testing.B) {
					tensor.SetThreads(th)
					run() // the first call at ᾱ builds the per-ᾱ caches
					b.ResetTimer()
					for b.Loop() {
						run()
					}
				})
			}
		})
	}
}
