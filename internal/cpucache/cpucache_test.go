package cpucache

import "testing"

// TestDetectBounds checks that Detect never returns a size the GEMMs cannot
// block for, whatever cpuid saw (a virtual machine may report none).
func TestDetectBounds(t *testing.T) {
	c := Detect()
	if c.L1 < 16<<10 || c.L1 > 1<<20 || c.L2 < 128<<10 || c.L2 > 64<<20 || c.L3 < c.L2 {
		t.Fatalf("cache sizes %+v out of bounds", c)
	}
	t.Logf("%+v", c)
}
