package simd

import "fmt"

// DgemmMicro is a float64 GEMM micro-kernel: it computes one MR×NR tile
//
//	c[i*ldc+j] = alpha·s + beta·c[i*ldc+j],  s = Σ_p a[p*MR+i]·b[p*NR+j]
//
// from packed A and B micro-panels in the layout of GemmMicro. beta == 0
// never reads c. Kernel works on full tiles only.
//
// Unless Fused, the rounding is specified exactly: s starts at +0 and adds
// the rounded product of each depth step p = 0, 1, … in turn, then the
// result is round(round(alpha·s) + round(beta·c)), i.e. every multiply and
// add rounds on its own, as the scalar loop
//
//	s += float64(a * b)
//
// does. Every unfused kernel therefore gives the same bits as the generic
// one, on any CPU. Fused kernels use fused multiply-adds (one rounding per
// depth step) and agree with the others only to rounding error.
type DgemmMicro struct {
	Name   string
	MR, NR int
	Fused  bool
	Kernel func(kc int, a, b, c []float64, ldc int, alpha, beta float64)

	// PanelA, when not nil, is Kernel with A read out of an NR-wide B
	// micro-panel: s = Σ_p a[p*NR+i]·b[p*NR+j], where a starts at a
	// column of such a panel (NR is a multiple of MR). A product of a
	// matrix with itself, a Gram matrix, then packs its operand once.
	PanelA func(kc int, a, b, c []float64, ldc int, alpha, beta float64)
}

// DgemmKernel returns the unfused micro-kernel of the current level. Take it
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

// dgemmKernelGeneric is the reference for every unfused kernel. The explicit
// float64 conversions forbid the compiler to fuse a multiply into the
// following add (the Go spec allows fusion otherwise, and arm64 does it).
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
		c00 += float64(ap[0] * b0)
		c01 += float64(ap[0] * b1)
		c10 += float64(ap[1] * b0)
		c11 += float64(ap[1] * b1)
		c20 += float64(ap[2] * b0)
		c21 += float64(ap[2] * b1)
	}
	acc := [mr][nr]float64{{c00, c01}, {c10, c11}, {c20, c21}}
	for i := range acc {
		ci := c[i*ldc : i*ldc+nr : i*ldc+nr]
		for j := range ci {
			v := float64(alpha * acc[i][j])
			if beta != 0 {
				v += float64(beta * ci[j])
			}
			ci[j] = v
		}
	}
}
