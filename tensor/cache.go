package tensor

import "github.com/klauspost/cpuid/v2"

// cacheSizes are the per-core data cache sizes in bytes that GEMM blocks for.
// cpuid reports -1 (or 0) for levels it cannot see (virtual machines, other
// architectures); the fallbacks are those of a typical desktop core.
type cacheSizes struct{ l1, l2, l3 int }

func detectCaches() cacheSizes {
	c := cacheSizes{l1: cpuid.CPU.Cache.L1D, l2: cpuid.CPU.Cache.L2, l3: cpuid.CPU.Cache.L3}
	if c.l1 < 16<<10 || c.l1 > 1<<20 {
		c.l1 = 32 << 10
	}
	if c.l2 < 128<<10 || c.l2 > 64<<20 {
		c.l2 = 512 << 10
	}
	if c.l3 < c.l2 {
		c.l3 = 4 * c.l2
	}
	return c
}

var caches = detectCaches()
