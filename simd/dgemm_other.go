//go:build !amd64 || !gc || purego

package simd

// DgemmMicros lists every float64 micro-kernel this build can run (only the generic one here).
func DgemmMicros() []DgemmMicro { return []DgemmMicro{dgemmGenericMicro} }
