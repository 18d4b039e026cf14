//go:build !amd64 || !gc || purego

package simd

// GemmMicros lists every micro-kernel this build can run (only the generic one here).
func GemmMicros() []GemmMicro { return []GemmMicro{gemmGenericMicro} }

// GemmPrefetch is a hint that x will be read soon; without assembly it does nothing.
func GemmPrefetch(x []float32) {}
