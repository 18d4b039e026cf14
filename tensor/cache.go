package tensor

import "github.com/harmonic-go/harmonic/internal/cpucache"

// cacheSizes are the per-core data cache sizes in bytes that GEMM blocks for.
type cacheSizes struct{ l1, l2, l3 int }

var caches = func() cacheSizes {
	c := cpucache.Detect()
	return cacheSizes{l1: c.L1, l2: c.L2, l3: c.L3}
}()
