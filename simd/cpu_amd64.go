//go:build amd64 && gc && !purego

package simd

import "github.com/klauspost/cpuid/v2"

func hasAVX2() bool { return cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3) }

func hasAVX512() bool {
	return hasAVX2() && cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512VL, cpuid.AVX512BW, cpuid.AVX512DQ)
}
