package simd

import "fmt"

// GemmMicro is a register-blocked GEMM micro-kernel: it computes one MR×NR tile
//
//	c[i*ldc+j] = alpha·Σ_p a[p*MR+i]·b[p*NR+j] + beta·c[i*ldc+j]
//
// from a packed A micro-panel (MR consecutive values per depth step) and a
// packed B micro-panel (NR consecutive values per depth step), the BLIS panel
// layout of tensor/gemm_source.go. beta == 0 never reads c, so NaNs in the old
// contents do not propagate. Kernel works on full tiles only; callers compute
// edge tiles into a scratch MR×NR tile (ldc = NR, alpha 1, beta 0) and add.
type GemmMicro struct {
	Name   string
	MR, NR int
	Kernel func(kc int, a, b, c []float32, ldc int, alpha, beta float32)
	// Speed is the kernel's throughput on this CPU relative to the other
	// candidates of its list, for callers that trade padding against speed
	// (0 means 1, as fast as the others).
	Speed float64
}

// Rate returns Speed, 1 where it is unset.
func (g GemmMicro) Rate() float64 {
	if g.Speed > 0 {
		return g.Speed
	}
	return 1
}

// GemmKernel returns the micro-kernel of the current level. Take it once per
// GEMM call (not per tile): Use may swap it between calls.
func GemmKernel() GemmMicro { return gemmMicro }

// GemmCandidates returns the micro-kernels of the current level, GemmKernel
// first. Their tile shapes differ, so a caller may pick the one that pads a
// given matrix least (64 rows: 8x48 fits exactly where 6x64 pads to 66).
func GemmCandidates() []GemmMicro { return gemmCandidates }

// GemmNarrowCandidates returns extra micro-kernels of the current level with
// narrow tiles, for callers that multiply by matrices of few columns.
func GemmNarrowCandidates() []GemmMicro { return gemmNarrow }

var (
	gemmMicro      = gemmGenericMicro
	gemmCandidates = []GemmMicro{gemmGenericMicro}
	gemmNarrow     []GemmMicro
)

// The generic tile is small so that the pure-Go kernel's accumulators stay
// close (in L1) and odd matrix sizes waste little work on padding.
const (
	gemmGenericMR = 4
	gemmGenericNR = 8
)

var gemmGenericMicro = GemmMicro{Name: "generic 4x8", MR: gemmGenericMR, NR: gemmGenericNR, Kernel: gemmKernelGeneric}

// gemmCheck panics unless the slices hold a full kc-deep tile.
func gemmCheck(kc, mr, nr int, a, b, c []float32, ldc int) {
	if kc < 0 || ldc < nr || len(a) < kc*mr || len(b) < kc*nr || len(c) < (mr-1)*ldc+nr {
		panic(fmt.Sprintf("simd: gemm %dx%d tile with kc=%d ldc=%d: short slices a=%d b=%d c=%d",
			mr, nr, kc, ldc, len(a), len(b), len(c)))
	}
}

func gemmKernelGeneric(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
	const mr, nr = gemmGenericMR, gemmGenericNR
	gemmCheck(kc, mr, nr, a, b, c, ldc)
	var acc [mr * nr]float32
	for p := 0; p < kc; p++ {
		ap := a[p*mr : p*mr+mr : p*mr+mr]
		bp := b[p*nr : p*nr+nr : p*nr+nr]
		for i := 0; i < mr; i++ {
			ai := ap[i]
			row := acc[i*nr : i*nr+nr : i*nr+nr]
			for j := range row {
				row[j] += ai * bp[j]
			}
		}
	}
	for i := 0; i < mr; i++ {
		ci := c[i*ldc : i*ldc+nr : i*ldc+nr]
		row := acc[i*nr : i*nr+nr : i*nr+nr]
		if beta == 0 {
			for j := range ci {
				ci[j] = alpha * row[j]
			}
			continue
		}
		for j := range ci {
			ci[j] = alpha*row[j] + beta*ci[j]
		}
	}
}

// GemmPack4 transposes four rows into four lanes of a packed panel:
// dst[p*w+l] = src[l*ls+p] for l < 4 and p < kc. Packing a row-major A into
// micro-panels is a sequence of these.
func GemmPack4(dst []float32, w int, src []float32, ls, kc int) { gemmPack4Impl(dst, w, src, ls, kc) }

var gemmPack4Impl = gemmPack4Generic

func gemmPack4Check(dst []float32, w int, src []float32, ls, kc int) {
	if kc <= 0 {
		return
	}
	if w < 4 || ls < 0 || len(dst) < (kc-1)*w+4 || len(src) < 3*ls+kc {
		panic(fmt.Sprintf("simd: GemmPack4 kc=%d w=%d ls=%d: short slices dst=%d src=%d", kc, w, ls, len(dst), len(src)))
	}
}

func gemmPack4Generic(dst []float32, w int, src []float32, ls, kc int) {
	gemmPack4Check(dst, w, src, ls, kc)
	if kc <= 0 {
		return
	}
	r0 := src[:kc]
	r1 := src[ls : ls+kc]
	r2 := src[2*ls : 2*ls+kc]
	r3 := src[3*ls : 3*ls+kc]
	for p := range r0 {
		d := (*[4]float32)(dst[p*w:])
		d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
	}
}
