//go:build amd64 && gc && !purego

#include "textflag.h"
#include "ddot_amd64.h"

// Partial sums of Ddot (declared in ddot_amd64.go): lane l of the
// accumulators adds x[i]·y[i] for i ≡ l (mod 16), multiply and add rounded
// separately (VMULPD, VADDPD), so the lanes hold exactly the generic code's
// sums. Registers: SI x, DX y, CX blocks left, DI s.

// func ddotBlocksAVX2(x, y *float64, blocks int, s *[16]float64)
TEXT ·ddotBlocksAVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DX
	MOVQ blocks+16(FP), CX
	MOVQ s+24(FP), DI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3

ddot2loop:
	VMOVUPD (SI), Y4
	VMOVUPD 32(SI), Y5
	VMOVUPD 64(SI), Y6
	VMOVUPD 96(SI), Y7
	VMULPD  (DX), Y4, Y4
	VMULPD  32(DX), Y5, Y5
	VMULPD  64(DX), Y6, Y6
	VMULPD  96(DX), Y7, Y7
	VADDPD  Y4, Y0, Y0
	VADDPD  Y5, Y1, Y1
	VADDPD  Y6, Y2, Y2
	VADDPD  Y7, Y3, Y3
	ADDQ    $128, SI
	ADDQ    $128, DX
	DECQ    CX
	JNZ     ddot2loop

	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VZEROUPPER
	RET

// func ddotBlocksAVX512(x, y *float64, blocks int, s *[16]float64)
TEXT ·ddotBlocksAVX512(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DX
	MOVQ blocks+16(FP), CX
	MOVQ s+24(FP), DI
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1

ddot5loop:
	VMOVUPD (SI), Z2
	VMOVUPD 64(SI), Z3
	VMULPD  (DX), Z2, Z2
	VMULPD  64(DX), Z3, Z3
	VADDPD  Z2, Z0, Z0
	VADDPD  Z3, Z1, Z1
	ADDQ    $128, SI
	ADDQ    $128, DX
	DECQ    CX
	JNZ     ddot5loop

	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	VZEROUPPER
	RET

// func ddotBlocks4AVX512(a *float64, lda int, x *float64, blocks int, s *[4][16]float64)
// Ddot's partial sums of four rows a, a+lda, a+2·lda, a+3·lda (lda in
// elements) against x at once: eight independent accumulator chains and one
// load of x per block instead of four. Row r's lanes are in Z(2r), Z(2r+1).
TEXT ·ddotBlocks4AVX512(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), R8
	SHLQ $3, R8
	LEAQ (R8)(R8*2), R9
	MOVQ x+16(FP), DX
	MOVQ blocks+24(FP), CX
	MOVQ s+32(FP), DI
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7

ddot4loop:
	VMOVUPD (DX), Z8
	VMOVUPD 64(DX), Z9
	VMULPD  (SI), Z8, Z10
	VMULPD  64(SI), Z9, Z11
	VMULPD  (SI)(R8*1), Z8, Z12
	VMULPD  64(SI)(R8*1), Z9, Z13
	VMULPD  (SI)(R8*2), Z8, Z14
	VMULPD  64(SI)(R8*2), Z9, Z15
	VMULPD  (SI)(R9*1), Z8, Z16
	VMULPD  64(SI)(R9*1), Z9, Z17
	VADDPD  Z10, Z0, Z0
	VADDPD  Z11, Z1, Z1
	VADDPD  Z12, Z2, Z2
	VADDPD  Z13, Z3, Z3
	VADDPD  Z14, Z4, Z4
	VADDPD  Z15, Z5, Z5
	VADDPD  Z16, Z6, Z6
	VADDPD  Z17, Z7, Z7
	ADDQ    $128, SI
	ADDQ    $128, DX
	DECQ    CX
	JNZ     ddot4loop

	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	VMOVUPD Z4, 256(DI)
	VMOVUPD Z5, 320(DI)
	VMOVUPD Z6, 384(DI)
	VMOVUPD Z7, 448(DI)
	VZEROUPPER
	RET

// func ddotRows4AVX512(a *float64, lda int, x *float64, n int, out *[4]float64)
// out[r] = Ddot(a[r·lda : r·lda+n], x) for r < 4, whole: the blocks as in
// ddotBlocks4AVX512, then the last n mod 16 elements under masks K1 (lanes
// 0-7) and K2 (lanes 8-15): masked-off elements are not read, and the
// merge-masked adds leave those lanes exactly as they were (as the generic
// code, which adds nothing there). Then each row's lanes are summed in Ddot's
// tree: l+8, l+4, l+2, l+1. Registers as ddotBlocks4AVX512, BX remainder.
TEXT ·ddotRows4AVX512(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), R8
	SHLQ $3, R8
	LEAQ (R8)(R8*2), R9
	MOVQ x+16(FP), DX
	MOVQ n+24(FP), BX
	MOVQ out+32(FP), DI
	MOVQ BX, R11
	SHRQ $4, R11
	ANDQ $15, BX
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	TESTQ R11, R11
	JZ    rows4tail

rows4loop:
	VMOVUPD (DX), Z8
	VMOVUPD 64(DX), Z9
	VMULPD  (SI), Z8, Z10
	VMULPD  64(SI), Z9, Z11
	VMULPD  (SI)(R8*1), Z8, Z12
	VMULPD  64(SI)(R8*1), Z9, Z13
	VMULPD  (SI)(R8*2), Z8, Z14
	VMULPD  64(SI)(R8*2), Z9, Z15
	VMULPD  (SI)(R9*1), Z8, Z16
	VMULPD  64(SI)(R9*1), Z9, Z17
	VADDPD  Z10, Z0, Z0
	VADDPD  Z11, Z1, Z1
	VADDPD  Z12, Z2, Z2
	VADDPD  Z13, Z3, Z3
	VADDPD  Z14, Z4, Z4
	VADDPD  Z15, Z5, Z5
	VADDPD  Z16, Z6, Z6
	VADDPD  Z17, Z7, Z7
	ADDQ    $128, SI
	ADDQ    $128, DX
	DECQ    R11
	JNZ     rows4loop

rows4tail:
	TESTQ BX, BX
	JZ    rows4reduce
	MOVQ  BX, CX
	DDOT_TAIL_MASKS
	VMOVUPD.Z (DX), K1, Z8
	VMOVUPD.Z 64(DX), K2, Z9
	VMOVUPD.Z (SI), K1, Z10
	VMOVUPD.Z 64(SI), K2, Z11
	VMOVUPD.Z (SI)(R8*1), K1, Z12
	VMOVUPD.Z 64(SI)(R8*1), K2, Z13
	VMOVUPD.Z (SI)(R8*2), K1, Z14
	VMOVUPD.Z 64(SI)(R8*2), K2, Z15
	VMOVUPD.Z (SI)(R9*1), K1, Z16
	VMOVUPD.Z 64(SI)(R9*1), K2, Z17
	VMULPD  Z8, Z10, Z10
	VMULPD  Z9, Z11, Z11
	VMULPD  Z8, Z12, Z12
	VMULPD  Z9, Z13, Z13
	VMULPD  Z8, Z14, Z14
	VMULPD  Z9, Z15, Z15
	VMULPD  Z8, Z16, Z16
	VMULPD  Z9, Z17, Z17
	VADDPD  Z10, Z0, K1, Z0
	VADDPD  Z11, Z1, K2, Z1
	VADDPD  Z12, Z2, K1, Z2
	VADDPD  Z13, Z3, K2, Z3
	VADDPD  Z14, Z4, K1, Z4
	VADDPD  Z15, Z5, K2, Z5
	VADDPD  Z16, Z6, K1, Z6
	VADDPD  Z17, Z7, K2, Z7

rows4reduce:
	DDOT_REDUCE4
	VZEROUPPER
	RET

// DR2_GROUP adds one group of four lanes of both rows' products into ACC0
// and ACC1: x·a for the x group in Y8, row 0 at A0, row 1 at A1.
#define DR2_GROUP(A0, A1, ACC0, ACC1) \
	VMULPD A0, Y8, Y11   \
	VADDPD Y11, ACC0, ACC0 \
	VMULPD A1, Y8, Y11   \
	VADDPD Y11, ACC1, ACC1

// DR2_MASKED is DR2_GROUP for group OFF/32 of the tail under the mask in
// Y12: masked-off lanes load as zero and add +0·+0 = +0, no change to a
// lane sum (never −0, being +0-started adds).
#define DR2_MASKED(OFF, ACC0, ACC1)        \
	VMOVDQU    OFF(AX), Y12              \
	VMASKMOVPD OFF(DX), Y12, Y8          \
	VMASKMOVPD OFF(SI), Y12, Y9          \
	VMASKMOVPD OFF(SI)(R8*1), Y12, Y10   \
	DR2_GROUP(Y9, Y10, ACC0, ACC1)

// func ddotRows2AVX2(a *float64, lda int, x *float64, n int, out *[2]float64)
// out[r] = Ddot(a[r·lda : r·lda+n], x) for r < 2, n ≥ 1, whole: the blocks
// as ddotBlocksAVX2 for both rows (x loaded once), the last n mod 16 as one
// masked block, then each row's lanes in Ddot's tree. Registers: SI a, R8
// lda bytes, DX x, Y0-Y3 row 0's accumulators (lanes 0-3, …, 12-15), Y4-Y7
// row 1's, Y8 x, Y11 products, Y12 the tail masks.
TEXT ·ddotRows2AVX2(SB), NOSPLIT, $0-40
	MOVQ   a+0(FP), SI
	MOVQ   lda+8(FP), R8
	SHLQ   $3, R8
	MOVQ   x+16(FP), DX
	MOVQ   n+24(FP), BX
	MOVQ   out+32(FP), DI
	MOVQ   BX, R11
	SHRQ   $4, R11
	ANDQ   $15, BX
	DDOT_ZERO_Y8
	TESTQ  R11, R11
	JZ     rows2tail

rows2loop:
	VMOVUPD (DX), Y8
	DR2_GROUP((SI), (SI)(R8*1), Y0, Y4)
	VMOVUPD 32(DX), Y8
	DR2_GROUP(32(SI), 32(SI)(R8*1), Y1, Y5)
	VMOVUPD 64(DX), Y8
	DR2_GROUP(64(SI), 64(SI)(R8*1), Y2, Y6)
	VMOVUPD 96(DX), Y8
	DR2_GROUP(96(SI), 96(SI)(R8*1), Y3, Y7)
	ADDQ    $128, SI
	ADDQ    $128, DX
	DECQ    R11
	JNZ     rows2loop

rows2tail:
	TESTQ BX, BX
	JZ    rows2reduce
	DDOT_TAIL_BASE(BX)
	DR2_MASKED(0, Y0, Y4)
	DR2_MASKED(32, Y1, Y5)
	DR2_MASKED(64, Y2, Y6)
	DR2_MASKED(96, Y3, Y7)

rows2reduce:
	DDOT_REDUCE2
	VZEROUPPER
	RET
