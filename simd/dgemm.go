package simd

import "fmt"

// DgemmMicro is a float64 GEMM micro-kernel: it computes one MR×NR tile
//
//	c[i*ldc+j] = alpha·s + beta·c[i*ldc+j],  s = Σ_p a[p*MR+i]·b[p*NR+j]
//
// from packed A and B micro-panels in the layout of GemmMicro. beta == 0
// never reads c. Kernel works on full tiles only.
//
// The rounding is specified exactly: s starts at +0 and each depth step
// p = 0, 1, … in turn adds its product with one rounding (a fused
// multiply-add), then the result is round(alpha·s), and with beta ≠ 0
// fma(beta, c, round(alpha·s)), as the scalar loop
//
//	s = math.FMA(a, b, s)
//
// does (DgemmMadd, DgemmFinish). Every kernel therefore gives the same bits
// as the generic one, on any CPU with a fused multiply-add instruction. On
// the others (386, wasm, amd64 before FMA) math.FMA runs in software, some
// 35 times slower, so there the generic kernel multiplies and adds
// separately, and its bits can differ from the other machines' in the last
// place. Fused multiply-adds rather than separate multiplies and adds:
// on Xeons, whose FMA ports also execute the adds, an unfused kernel can
// reach only half the peak, and on Zen 3 the unfused AVX2 kernel lost
// 15–35% to the fused one whenever other tenants shared the core
// (tensor/linalg.TestLaGemmTune at 1024³, 2026-12-08).
type DgemmMicro struct {
	Name   string
	MR, NR int
	Kernel func(kc int, a, b, c []float64, ldc int, alpha, beta float64)

	// PanelA, when not nil, is Kernel with A read out of an NR-wide B
	// micro-panel: s = Σ_p a[p*NR+i]·b[p*NR+j], where a starts at a
	// column of such a panel (NR is a multiple of MR). A product of a
	// matrix with itself, a Gram matrix, then packs its operand once.
	PanelA func(kc int, a, b, c []float64, ldc int, alpha, beta float64)
}

// DgemmKernel returns the micro-kernel of the current level. Take it
// once per GEMM call (not per tile): Use may swap it between calls.
func DgemmKernel() DgemmMicro { return dgemmMicro }

var dgemmMicro = dgemmGenericMicro

// The generic tile is the scalar 3×2 of the eigensolvers' former float64
// GEMM: Go keeps its 6 accumulators, 5 operands and 6 products in the 15
// usable float registers without spilling (measured 5–7 GFLOP/s, against
// about 4.3 for 4×2, 2×4 and 3×3 tiles).
const (
	dgemmGenericMR = 3
	dgemmGenericNR = 2
)

var dgemmGenericMicro = DgemmMicro{Name: "generic 3x2", MR: dgemmGenericMR, NR: dgemmGenericNR, Kernel: dgemmKernelGeneric}

// dgemmCheck panics unless the slices hold a full kc-deep tile, A with
// aStep values a depth step.
func dgemmCheck(kc, mr, nr, aStep int, a, b, c []float64, ldc int) {
	if kc < 0 || ldc < nr || (kc > 0 && len(a) < (kc-1)*aStep+mr) || len(b) < kc*nr || len(c) < (mr-1)*ldc+nr {
		panic(fmt.Sprintf("simd: dgemm %dx%d tile with kc=%d ldc=%d: short slices a=%d b=%d c=%d",
			mr, nr, kc, ldc, len(a), len(b), len(c)))
	}
}

// dgemmKernelGeneric is the reference for every kernel (DgemmMadd's steps).
func dgemmKernelGeneric(kc int, a, b, c []float64, ldc int, alpha, beta float64) {
	const mr, nr = dgemmGenericMR, dgemmGenericNR
	dgemmCheck(kc, mr, nr, mr, a, b, c, ldc)
	var c00, c01, c10, c11, c20, c21 float64
	a = a[:kc*mr]
	b = b[:kc*nr]
	for p := 0; p < kc; p++ {
		ap := a[p*mr : p*mr+mr : p*mr+mr]
		bp := b[p*nr : p*nr+nr : p*nr+nr]
		b0, b1 := bp[0], bp[1]
		c00 = DgemmMadd(ap[0], b0, c00)
		c01 = DgemmMadd(ap[0], b1, c01)
		c10 = DgemmMadd(ap[1], b0, c10)
		c11 = DgemmMadd(ap[1], b1, c11)
		c20 = DgemmMadd(ap[2], b0, c20)
		c21 = DgemmMadd(ap[2], b1, c21)
	}
	acc := [mr][nr]float64{{c00, c01}, {c10, c11}, {c20, c21}}
	for i := range acc {
		ci := c[i*ldc : i*ldc+nr : i*ldc+nr]
		for j := range ci {
			ci[j] = DgemmFinish(float64(alpha*acc[i][j]), beta, ci[j])
		}
	}
}

// DgemmFinish is a kernel's last step for one entry, given as = round(alpha·s):
// as itself when beta is zero (c is not read: it may be NaN), else
// DgemmMadd(beta, c, as). Callers that finish edge tiles themselves use it
// to round as the kernels do.
func DgemmFinish(as, beta, c float64) float64 {
	if beta == 0 {
		return as
	}
	return DgemmMadd(beta, c, as)
}
