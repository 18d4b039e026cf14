//go:build amd64 && gc && !purego

#include "textflag.h"
#include "kernels_amd64.h"

// Float64-accumulating reductions of float32 data (declared in
// sum64_amd64.go): Dot64, Sum64, SumSquares64 for AVX2, used at the AVX512
// level too. An AVX-512 version (VCVTPS2PD ymm -> zmm) ran 25-40% slower on
// Zen 4 at every length: the 512-bit widening issues at half the rate of two
// 256-bit ones, and the widening is the bottleneck. ABI0.
//
// Each float32 is widened with VCVTPS2PD (4 per Y register) and accumulated
// with VFMADD231PD into eight float64 partial-sum vectors to hide the FMA
// latency. A float32 product is exact in float64, so Dot64's only rounding
// errors are those of the float64 sums. Sum64 adds with VFMADD231PD x*1.0
// (Y15 holds 1.0): exact, and it runs on the FMA pipes, while VADDPD shares
// Zen 4's FP2/FP3 pipes with the conversions (measured 1.5x slower).
//
// Registers: SI x, DX y, CX elements left, AX/BX tail mask; accumulators
// Y0-Y7, widened data Y8-Y15. Steps: 32 floats, then 4 at a time, then the
// last 1..3 under the mask X14 (read from tailMask at byte offset 4*(8-n): its
// first n lanes are set).

// HSUM_PD_Y0 adds the 4 float64 lanes of Y0 into X0's low lane (clobbers X1).
#define HSUM_PD_Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPD X1, X0, X0       \
	VUNPCKHPD X0, X0, X1    \
	VADDSD X1, X0, X0

// ZERO_ACC8 clears the eight partial-sum vectors Y0-Y7.
#define ZERO_ACC8 \
	VXORPD Y0, Y0, Y0 \
	VXORPD Y1, Y1, Y1 \
	VXORPD Y2, Y2, Y2 \
	VXORPD Y3, Y3, Y3 \
	VXORPD Y4, Y4, Y4 \
	VXORPD Y5, Y5, Y5 \
	VXORPD Y6, Y6, Y6 \
	VXORPD Y7, Y7, Y7

// REDUCE_ACC8 adds Y0-Y7 pairwise, then the lanes, into X0's low lane
// (clobbers Y1-Y7).
#define REDUCE_ACC8 \
	VADDPD Y1, Y0, Y0 \
	VADDPD Y3, Y2, Y2 \
	VADDPD Y5, Y4, Y4 \
	VADDPD Y7, Y6, Y6 \
	VADDPD Y2, Y0, Y0 \
	VADDPD Y6, Y4, Y4 \
	VADDPD Y4, Y0, Y0 \
	HSUM_PD_Y0

// func dot64AVX2(x, y []float32) float64
TEXT ·dot64AVX2(SB), NOSPLIT, $0-56
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ y_base+24(FP), DX
	ZERO_ACC8

loop32:
	CMPQ CX, $32
	JL   loop4
	VCVTPS2PD (SI), Y8
	VCVTPS2PD (DX), Y12
	VFMADD231PD Y12, Y8, Y0
	VCVTPS2PD 16(SI), Y9
	VCVTPS2PD 16(DX), Y13
	VFMADD231PD Y13, Y9, Y1
	VCVTPS2PD 32(SI), Y10
	VCVTPS2PD 32(DX), Y14
	VFMADD231PD Y14, Y10, Y2
	VCVTPS2PD 48(SI), Y11
	VCVTPS2PD 48(DX), Y15
	VFMADD231PD Y15, Y11, Y3
	VCVTPS2PD 64(SI), Y8
	VCVTPS2PD 64(DX), Y12
	VFMADD231PD Y12, Y8, Y4
	VCVTPS2PD 80(SI), Y9
	VCVTPS2PD 80(DX), Y13
	VFMADD231PD Y13, Y9, Y5
	VCVTPS2PD 96(SI), Y10
	VCVTPS2PD 96(DX), Y14
	VFMADD231PD Y14, Y10, Y6
	VCVTPS2PD 112(SI), Y11
	VCVTPS2PD 112(DX), Y15
	VFMADD231PD Y15, Y11, Y7
	ADDQ $128, SI
	ADDQ $128, DX
	SUBQ $32, CX
	JMP  loop32

loop4:
	CMPQ CX, $4
	JL   tail
	VCVTPS2PD (SI), Y8
	VCVTPS2PD (DX), Y12
	VFMADD231PD Y12, Y8, Y0
	ADDQ $16, SI
	ADDQ $16, DX
	SUBQ $4, CX
	JMP  loop4

tail:
	TESTQ CX, CX
	JZ    reduce
	LEAQ tailMask<>(SB), AX
	MOVQ $8, BX
	SUBQ CX, BX
	VMOVDQU (AX)(BX*4), X14
	VMASKMOVPS (SI), X14, X8
	VMASKMOVPS (DX), X14, X12
	VCVTPS2PD X8, Y8
	VCVTPS2PD X12, Y12
	VFMADD231PD Y12, Y8, Y1

reduce:
	REDUCE_ACC8
	VMOVSD X0, ret+48(FP)
	VZEROUPPER
	RET

// func sum64AVX2(x []float32) float64
TEXT ·sum64AVX2(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ $0x3ff0000000000000, AX
	VMOVQ AX, X15
	VBROADCASTSD X15, Y15
	ZERO_ACC8

loop32:
	CMPQ CX, $32
	JL   loop4
	VCVTPS2PD (SI), Y8
	VFMADD231PD Y15, Y8, Y0
	VCVTPS2PD 16(SI), Y9
	VFMADD231PD Y15, Y9, Y1
	VCVTPS2PD 32(SI), Y10
	VFMADD231PD Y15, Y10, Y2
	VCVTPS2PD 48(SI), Y11
	VFMADD231PD Y15, Y11, Y3
	VCVTPS2PD 64(SI), Y8
	VFMADD231PD Y15, Y8, Y4
	VCVTPS2PD 80(SI), Y9
	VFMADD231PD Y15, Y9, Y5
	VCVTPS2PD 96(SI), Y10
	VFMADD231PD Y15, Y10, Y6
	VCVTPS2PD 112(SI), Y11
	VFMADD231PD Y15, Y11, Y7
	ADDQ $128, SI
	SUBQ $32, CX
	JMP  loop32

loop4:
	CMPQ CX, $4
	JL   tail
	VCVTPS2PD (SI), Y8
	VFMADD231PD Y15, Y8, Y0
	ADDQ $16, SI
	SUBQ $4, CX
	JMP  loop4

tail:
	TESTQ CX, CX
	JZ    reduce
	LEAQ tailMask<>(SB), AX
	MOVQ $8, BX
	SUBQ CX, BX
	VMOVDQU (AX)(BX*4), X14
	VMASKMOVPS (SI), X14, X8
	VCVTPS2PD X8, Y8
	VFMADD231PD Y15, Y8, Y1

reduce:
	REDUCE_ACC8
	VMOVSD X0, ret+24(FP)
	VZEROUPPER
	RET

// func sumSquares64AVX2(x []float32) float64
TEXT ·sumSquares64AVX2(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	ZERO_ACC8

loop32:
	CMPQ CX, $32
	JL   loop4
	VCVTPS2PD (SI), Y8
	VFMADD231PD Y8, Y8, Y0
	VCVTPS2PD 16(SI), Y9
	VFMADD231PD Y9, Y9, Y1
	VCVTPS2PD 32(SI), Y10
	VFMADD231PD Y10, Y10, Y2
	VCVTPS2PD 48(SI), Y11
	VFMADD231PD Y11, Y11, Y3
	VCVTPS2PD 64(SI), Y8
	VFMADD231PD Y8, Y8, Y4
	VCVTPS2PD 80(SI), Y9
	VFMADD231PD Y9, Y9, Y5
	VCVTPS2PD 96(SI), Y10
	VFMADD231PD Y10, Y10, Y6
	VCVTPS2PD 112(SI), Y11
	VFMADD231PD Y11, Y11, Y7
	ADDQ $128, SI
	SUBQ $32, CX
	JMP  loop32

loop4:
	CMPQ CX, $4
	JL   tail
	VCVTPS2PD (SI), Y8
	VFMADD231PD Y8, Y8, Y0
	ADDQ $16, SI
	SUBQ $4, CX
	JMP  loop4

tail:
	TESTQ CX, CX
	JZ    reduce
	LEAQ tailMask<>(SB), AX
	MOVQ $8, BX
	SUBQ CX, BX
	VMOVDQU (AX)(BX*4), X14
	VMASKMOVPS (SI), X14, X8
	VCVTPS2PD X8, Y8
	VFMADD231PD Y8, Y8, Y1

reduce:
	REDUCE_ACC8
	VMOVSD X0, ret+24(FP)
	VZEROUPPER
	RET

// func sumCenteredSquares64Asm(x []float32, m float64) float64
// SumSquares64's loops on x − m (Y12 holds m); len(x) is a multiple of 4.
TEXT ·sumCenteredSquares64Asm(SB), NOSPLIT, $0-40
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VBROADCASTSD m+24(FP), Y12
	ZERO_ACC8

csq_loop32:
	CMPQ CX, $32
	JL   csq_loop4
	VCVTPS2PD (SI), Y8
	VSUBPD Y12, Y8, Y8
	VFMADD231PD Y8, Y8, Y0
	VCVTPS2PD 16(SI), Y9
	VSUBPD Y12, Y9, Y9
	VFMADD231PD Y9, Y9, Y1
	VCVTPS2PD 32(SI), Y10
	VSUBPD Y12, Y10, Y10
	VFMADD231PD Y10, Y10, Y2
	VCVTPS2PD 48(SI), Y11
	VSUBPD Y12, Y11, Y11
	VFMADD231PD Y11, Y11, Y3
	VCVTPS2PD 64(SI), Y8
	VSUBPD Y12, Y8, Y8
	VFMADD231PD Y8, Y8, Y4
	VCVTPS2PD 80(SI), Y9
	VSUBPD Y12, Y9, Y9
	VFMADD231PD Y9, Y9, Y5
	VCVTPS2PD 96(SI), Y10
	VSUBPD Y12, Y10, Y10
	VFMADD231PD Y10, Y10, Y6
	VCVTPS2PD 112(SI), Y11
	VSUBPD Y12, Y11, Y11
	VFMADD231PD Y11, Y11, Y7
	ADDQ $128, SI
	SUBQ $32, CX
	JMP  csq_loop32

csq_loop4:
	TESTQ CX, CX
	JZ    csq_reduce
	VCVTPS2PD (SI), Y8
	VSUBPD Y12, Y8, Y8
	VFMADD231PD Y8, Y8, Y0
	ADDQ $16, SI
	SUBQ $4, CX
	JMP  csq_loop4

csq_reduce:
	REDUCE_ACC8
	VMOVSD X0, ret+32(FP)
	VZEROUPPER
	RET
