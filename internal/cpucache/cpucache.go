// Package cpucache reports the per-core data cache sizes that the GEMMs
// (tensor's float32, tensor/linalg's float64) size their blocks for.
package cpucache

import "github.com/klauspost/cpuid/v2"

// Sizes are data cache sizes in bytes: L1 and L2 per core, L3 shared.
type Sizes struct{ L1, L2, L3 int }

// Detect reads the sizes from cpuid. cpuid reports -1 (or 0) for levels it
// cannot see (virtual machines, other architectures); the fallbacks are
// those of a typical desktop core.
func Detect() Sizes {
	c := Sizes{L1: cpuid.CPU.Cache.L1D, L2: cpuid.CPU.Cache.L2, L3: cpuid.CPU.Cache.L3}
	if c.L1 < 16<<10 || c.L1 > 1<<20 {
		c.L1 = 32 << 10
	}
	if c.L2 < 128<<10 || c.L2 > 64<<20 {
		c.L2 = 512 << 10
	}
	if c.L3 < c.L2 {
		c.L3 = 4 * c.L2
	}
	return c
}
