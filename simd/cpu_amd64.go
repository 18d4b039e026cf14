//go:build amd64 && gc && !purego

package simd

import "github.com/klauspost/cpuid/v2"

func hasAVX2() bool { return cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3) }

func hasAVX512() bool {
	return hasAVX2() && cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512VL, cpuid.AVX512BW, cpuid.AVX512DQ)
}

// halfWidth512 reports a CPU whose 512-bit vector operations run as two
// 256-bit halves: AMD's family 25 (Zen 4; Zen 3 of the same family has no
// AVX-512).
func halfWidth512() bool { return cpuid.CPU.VendorID == cpuid.AMD && cpuid.CPU.Family == 25 }
