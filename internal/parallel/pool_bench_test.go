package parallel

import (
	"fmt"
	"testing"
)

// BenchmarkForSmall times For over work the size of a small layer's (a few
// to a few hundred microseconds), where handing chunks to other goroutines
// costs as much as the work: compare Workers 1 and 2 to see what splitting
// gains.
func BenchmarkForSmall(b *testing.B) {
	for _, n := range []int{1 << 12, 1 << 14, 1 << 16} {
		x := make([]float32, n)
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("n=%d/workers=%d", n, w), func(b *testing.B) {
				withWorkers(b, w)
				for i := 0; i < b.N; i++ {
					For(n, func(lo, hi int) {
						for j := lo; j < hi; j++ { // about 4 ns an element
							v := x[j]
							for range 4 {
								v = v*0.999 + 0.001
							}
							x[j] = v
						}
					})
				}
			})
		}
	}
}
