package simd

import (
	"math"
	"runtime"

	"golang.org/x/sys/cpu"
)

// hardwareFMA reports whether math.FMA is one instruction on this machine:
// amd64 CPUs with FMA (Go checks for it at run time) and the architectures
// whose FMA Go always uses. Elsewhere (386, wasm, amd64 before FMA) it runs
// in software: the generic float64 GEMM took 8.0 s instead of 0.22 s for an
// eigendecomposition of order 400 on 386 (2026-12-08).
var hardwareFMA = func() bool {
	switch runtime.GOARCH {
	case "amd64":
		return cpu.X86.HasFMA
	case "arm64", "ppc64", "ppc64le", "s390x", "riscv64":
		return true
	}
	return false
}()

// DgemmMadd is one depth step of the float64 GEMM kernels, c + a·b, as
// DgemmMicro specifies it: fused (math.FMA) where the CPU has the
// instruction, a rounded product and then the add where it has not.
func DgemmMadd(a, b, c float64) float64 {
	if hardwareFMA {
		return math.FMA(a, b, c)
	}
	return c + float64(a*b)
}
