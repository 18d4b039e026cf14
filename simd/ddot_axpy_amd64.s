//go:build amd64 && gc && !purego

#include "textflag.h"
#include "ddot_amd64.h"

// DdotAxpy's kernels (declared in ddot_axpy_amd64.go): lane l of the
// accumulators adds a[i]·x[i] for i ≡ l (mod 16), as ddotBlocks does, and
// y[i] becomes y[i] + s·a[i]; every product is rounded before its add
// (VMULPD, VADDPD), so the bits are the generic loop's. Registers: SI a,
// DX x, BX y, CX blocks left, DI acc, broadcast s in the last register.

// func ddotAxpyBlocksAVX2(a, x, y *float64, s float64, blocks int, acc *[16]float64)
TEXT ·ddotAxpyBlocksAVX2(SB), NOSPLIT, $0-48
	MOVQ         a+0(FP), SI
	MOVQ         x+8(FP), DX
	MOVQ         y+16(FP), BX
	VBROADCASTSD s+24(FP), Y15
	MOVQ         blocks+32(FP), CX
	MOVQ         acc+40(FP), DI
	VXORPD       Y0, Y0, Y0
	VXORPD       Y1, Y1, Y1
	VXORPD       Y2, Y2, Y2
	VXORPD       Y3, Y3, Y3

daxpy2loop:
	VMOVUPD (SI), Y4
	VMOVUPD 32(SI), Y5
	VMOVUPD 64(SI), Y6
	VMOVUPD 96(SI), Y7
	VMULPD  (DX), Y4, Y8
	VMULPD  32(DX), Y5, Y9
	VMULPD  64(DX), Y6, Y10
	VMULPD  96(DX), Y7, Y11
	VADDPD  Y8, Y0, Y0
	VADDPD  Y9, Y1, Y1
	VADDPD  Y10, Y2, Y2
	VADDPD  Y11, Y3, Y3
	VMULPD  Y15, Y4, Y4
	VMULPD  Y15, Y5, Y5
	VMULPD  Y15, Y6, Y6
	VMULPD  Y15, Y7, Y7
	VADDPD  (BX), Y4, Y4
	VADDPD  32(BX), Y5, Y5
	VADDPD  64(BX), Y6, Y6
	VADDPD  96(BX), Y7, Y7
	VMOVUPD Y4, (BX)
	VMOVUPD Y5, 32(BX)
	VMOVUPD Y6, 64(BX)
	VMOVUPD Y7, 96(BX)
	ADDQ    $128, SI
	ADDQ    $128, DX
	ADDQ    $128, BX
	DECQ    CX
	JNZ     daxpy2loop

	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VZEROUPPER
	RET

// func ddotAxpyAVX512(a, x, y *float64, s float64, n int) float64
// All of DdotAxpy for n ≥ 1: the blocks as ddotAxpyBlocksAVX2 on 16 lanes, then the
// last n mod 16 elements under masks K1 (lanes 0-7) and K2 (lanes 8-15),
// as ddotRows4AVX512 does (masked-off elements are neither read nor
// stored, and merge-masked adds leave their lanes as they were), then the
// lanes summed in Ddot's tree. Rows of a few hundred values spent a third
// of their time in the scalar tail and lane sums.
TEXT ·ddotAxpyAVX512(SB), NOSPLIT, $0-48
	MOVQ         a+0(FP), SI
	MOVQ         x+8(FP), DX
	MOVQ         y+16(FP), BX
	VBROADCASTSD s+24(FP), Z8
	MOVQ         n+32(FP), R11
	MOVQ         R11, R10
	SHRQ         $4, R11
	ANDQ         $15, R10
	VPXORQ       Z0, Z0, Z0
	VPXORQ       Z1, Z1, Z1
	TESTQ        R11, R11
	JZ           daxpywtail

daxpywloop:
	VMOVUPD (SI), Z2
	VMOVUPD 64(SI), Z3
	VMULPD  (DX), Z2, Z4
	VMULPD  64(DX), Z3, Z5
	VADDPD  Z4, Z0, Z0
	VADDPD  Z5, Z1, Z1
	VMULPD  Z8, Z2, Z2
	VMULPD  Z8, Z3, Z3
	VADDPD  (BX), Z2, Z2
	VADDPD  64(BX), Z3, Z3
	VMOVUPD Z2, (BX)
	VMOVUPD Z3, 64(BX)
	ADDQ    $128, SI
	ADDQ    $128, DX
	ADDQ    $128, BX
	DECQ    R11
	JNZ     daxpywloop

daxpywtail:
	TESTQ     R10, R10
	JZ        daxpywreduce
	MOVQ      R10, CX
	DDOT_TAIL_MASKS
	VMOVUPD.Z (SI), K1, Z2
	VMOVUPD.Z 64(SI), K2, Z3
	VMOVUPD.Z (DX), K1, Z4
	VMOVUPD.Z 64(DX), K2, Z5
	VMOVUPD.Z (BX), K1, Z6
	VMOVUPD.Z 64(BX), K2, Z7
	VMULPD    Z2, Z4, Z4
	VMULPD    Z3, Z5, Z5
	VADDPD    Z4, Z0, K1, Z0
	VADDPD    Z5, Z1, K2, Z1
	VMULPD    Z8, Z2, Z2
	VMULPD    Z8, Z3, Z3
	VADDPD    Z6, Z2, Z2
	VADDPD    Z7, Z3, Z3
	VMOVUPD   Z2, K1, (BX)
	VMOVUPD   Z3, K2, 64(BX)

daxpywreduce:
	VADDPD        Z1, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPD        X1, X0, X0
	VUNPCKHPD     X0, X0, X1
	VADDSD        X1, X0, X0
	VMOVSD        X0, ret+40(FP)
	VZEROUPPER
	RET

// One row of ddotAxpy4AVX512's block: a (two vectors at A0, A1) times x
// (Z8, Z9) into the row's accumulators C0, C1; S·a into y (Z10, Z11).
#define DAXPY_ROW(A0, A1, S, C0, C1, MASK0, MASK1) \
	VMOVUPD.Z A0, MASK0, Z12 \
	VMOVUPD.Z A1, MASK1, Z13 \
	VMULPD    Z8, Z12, Z14   \
	VMULPD    Z9, Z13, Z15   \
	VADDPD    Z14, C0, MASK0, C0 \
	VADDPD    Z15, C1, MASK1, C1 \
	VMULPD    S, Z12, Z12    \
	VMULPD    S, Z13, Z13    \
	VADDPD    Z12, Z10, Z10  \
	VADDPD    Z13, Z11, Z11

// func ddotAxpy4AVX512(a *float64, lda int, x, y *float64, s *[4]float64, n int, out *[4]float64)
// DdotAxpy of four rows a + r·lda (r < 4, lda in elements) into the same
// y, in one pass: x and y are loaded and y stored once per block for the
// four rows, whose products are added to y in row order (the bits of four
// DdotAxpy calls in turn). n ≥ 1. Tail under masks K1, K2 as
// ddotAxpyAVX512 (K3 all ones in the loop), lanes summed in Ddot's tree.
// Registers: SI a, R8 lda bytes, R9 3·lda bytes, DX x, BX y, Z20-Z23 the
// broadcast s, Z0-Z7 the accumulators (row r in Z(2r), Z(2r+1)).
TEXT ·ddotAxpy4AVX512(SB), NOSPLIT, $0-56
	MOVQ         a+0(FP), SI
	MOVQ         lda+8(FP), R8
	SHLQ         $3, R8
	LEAQ         (R8)(R8*2), R9
	MOVQ         x+16(FP), DX
	MOVQ         y+24(FP), BX
	MOVQ         s+32(FP), AX
	VBROADCASTSD (AX), Z20
	VBROADCASTSD 8(AX), Z21
	VBROADCASTSD 16(AX), Z22
	VBROADCASTSD 24(AX), Z23
	MOVQ         n+40(FP), R11
	MOVQ         out+48(FP), DI
	MOVQ         R11, R10
	SHRQ         $4, R11
	ANDQ         $15, R10
	VPXORQ       Z0, Z0, Z0
	VPXORQ       Z1, Z1, Z1
	VPXORQ       Z2, Z2, Z2
	VPXORQ       Z3, Z3, Z3
	VPXORQ       Z4, Z4, Z4
	VPXORQ       Z5, Z5, Z5
	VPXORQ       Z6, Z6, Z6
	VPXORQ       Z7, Z7, Z7
	KXNORW       K3, K3, K3
	TESTQ        R11, R11
	JZ           daxpy4tail

daxpy4loop:
	VMOVUPD (DX), Z8
	VMOVUPD 64(DX), Z9
	VMOVUPD (BX), Z10
	VMOVUPD 64(BX), Z11
	DAXPY_ROW((SI), 64(SI), Z20, Z0, Z1, K3, K3)
	DAXPY_ROW((SI)(R8*1), 64(SI)(R8*1), Z21, Z2, Z3, K3, K3)
	DAXPY_ROW((SI)(R8*2), 64(SI)(R8*2), Z22, Z4, Z5, K3, K3)
	DAXPY_ROW((SI)(R9*1), 64(SI)(R9*1), Z23, Z6, Z7, K3, K3)
	VMOVUPD Z10, (BX)
	VMOVUPD Z11, 64(BX)
	ADDQ    $128, SI
	ADDQ    $128, DX
	ADDQ    $128, BX
	DECQ    R11
	JNZ     daxpy4loop

daxpy4tail:
	TESTQ     R10, R10
	JZ        daxpy4reduce
	MOVQ      R10, CX
	DDOT_TAIL_MASKS
	VMOVUPD.Z (DX), K1, Z8
	VMOVUPD.Z 64(DX), K2, Z9
	VMOVUPD.Z (BX), K1, Z10
	VMOVUPD.Z 64(BX), K2, Z11
	DAXPY_ROW((SI), 64(SI), Z20, Z0, Z1, K1, K2)
	DAXPY_ROW((SI)(R8*1), 64(SI)(R8*1), Z21, Z2, Z3, K1, K2)
	DAXPY_ROW((SI)(R8*2), 64(SI)(R8*2), Z22, Z4, Z5, K1, K2)
	DAXPY_ROW((SI)(R9*1), 64(SI)(R9*1), Z23, Z6, Z7, K1, K2)
	VMOVUPD   Z10, K1, (BX)
	VMOVUPD   Z11, K2, 64(BX)

daxpy4reduce:
	DDOT_REDUCE4
	VZEROUPPER
	RET

// One row of daxpyRows4AVX512's block: S·a (a at A0, A1) into y (Z10, Z11).
#define AXPY_ROW(A0, A1, S, MASK0, MASK1) \
	VMOVUPD.Z A0, MASK0, Z12 \
	VMOVUPD.Z A1, MASK1, Z13 \
	VMULPD    S, Z12, Z12    \
	VMULPD    S, Z13, Z13    \
	VADDPD    Z12, Z10, Z10  \
	VADDPD    Z13, Z11, Z11

// func daxpyRows4AVX512(a *float64, lda int, s *[4]float64, y *float64, n int)
// y += s[0]·a_0, then s[1]·a_1, s[2]·a_2, s[3]·a_3 (rows a + r·lda), y
// loaded and stored once per block of 16 for the four rows; n ≥ 1, the
// last n mod 16 under masks K1, K2 (K3 all ones in the loop). Registers as
// ddotAxpy4AVX512.
TEXT ·daxpyRows4AVX512(SB), NOSPLIT, $0-40
	MOVQ         a+0(FP), SI
	MOVQ         lda+8(FP), R8
	SHLQ         $3, R8
	LEAQ         (R8)(R8*2), R9
	MOVQ         s+16(FP), AX
	VBROADCASTSD (AX), Z20
	VBROADCASTSD 8(AX), Z21
	VBROADCASTSD 16(AX), Z22
	VBROADCASTSD 24(AX), Z23
	MOVQ         y+24(FP), BX
	MOVQ         n+32(FP), R11
	MOVQ         R11, R10
	SHRQ         $4, R11
	ANDQ         $15, R10
	KXNORW       K3, K3, K3
	TESTQ        R11, R11
	JZ           axpy4tail

axpy4loop:
	VMOVUPD (BX), Z10
	VMOVUPD 64(BX), Z11
	AXPY_ROW((SI), 64(SI), Z20, K3, K3)
	AXPY_ROW((SI)(R8*1), 64(SI)(R8*1), Z21, K3, K3)
	AXPY_ROW((SI)(R8*2), 64(SI)(R8*2), Z22, K3, K3)
	AXPY_ROW((SI)(R9*1), 64(SI)(R9*1), Z23, K3, K3)
	VMOVUPD Z10, (BX)
	VMOVUPD Z11, 64(BX)
	ADDQ    $128, SI
	ADDQ    $128, BX
	DECQ    R11
	JNZ     axpy4loop

axpy4tail:
	TESTQ     R10, R10
	JZ        axpy4done
	MOVQ      R10, CX
	DDOT_TAIL_MASKS
	VMOVUPD.Z (BX), K1, Z10
	VMOVUPD.Z 64(BX), K2, Z11
	AXPY_ROW((SI), 64(SI), Z20, K1, K2)
	AXPY_ROW((SI)(R8*1), 64(SI)(R8*1), Z21, K1, K2)
	AXPY_ROW((SI)(R8*2), 64(SI)(R8*2), Z22, K1, K2)
	AXPY_ROW((SI)(R9*1), 64(SI)(R9*1), Z23, K1, K2)
	VMOVUPD   Z10, K1, (BX)
	VMOVUPD   Z11, K2, 64(BX)

axpy4done:
	VZEROUPPER
	RET

// The AVX2 multi-row kernels below have sixteen ymm registers, too few for
// four rows' sixteen lanes each, so DdotAxpy4 runs as two passes of two
// rows (ddotAxpy2AVX2): y is loaded and stored once per block for the two
// rows, the rows' products added to it in row order, so two passes give the
// bits of four DdotAxpy calls. Tails (1..15 elements) go a group of four
// lanes at a time, whole groups with plain moves and the last partial one
// under VMASKMOVPD (masked-off lanes load as zero, which adds +0·+0 = +0 to
// an accumulator: no change, as a lane sum of +0-started adds is never −0;
// they are not stored). Registers: SI a, R8 lda bytes, DX x, BX y, Y14/Y15
// the broadcast s, Y0-Y3 row 0's accumulators (lanes 0-3, …, 12-15), Y4-Y7
// row 1's, Y8 x, Y9 y, Y10 a, Y11 products, Y12 the tail mask.

// DA2_ROW adds one row's group A·x to ACC and S·A to y (Y9).
#define DA2_ROW(A, S, ACC) \
	VMULPD Y8, A, Y11  \
	VADDPD Y11, ACC, ACC \
	VMULPD S, A, A     \
	VADDPD A, Y9, Y9

// DA2_FULL and DA2_MASKED are one group of four lanes at byte offset OFF
// for both rows, whole or under the mask in Y12.
#define DA2_FULL(OFF, ACC0, ACC1) \
	VMOVUPD OFF(DX), Y8         \
	VMOVUPD OFF(BX), Y9         \
	VMOVUPD OFF(SI), Y10        \
	DA2_ROW(Y10, Y14, ACC0)     \
	VMOVUPD OFF(SI)(R8*1), Y10  \
	DA2_ROW(Y10, Y15, ACC1)     \
	VMOVUPD Y9, OFF(BX)

#define DA2_MASKED(OFF, ACC0, ACC1)    \
	VMASKMOVPD OFF(DX), Y12, Y8        \
	VMASKMOVPD OFF(BX), Y12, Y9        \
	VMASKMOVPD OFF(SI), Y12, Y10       \
	DA2_ROW(Y10, Y14, ACC0)            \
	VMASKMOVPD OFF(SI)(R8*1), Y12, Y10 \
	DA2_ROW(Y10, Y15, ACC1)            \
	VMASKMOVPD Y9, Y12, OFF(BX)

// func ddotAxpy2AVX2(a *float64, lda int, x, y *float64, s *[2]float64, n int, out *[2]float64)
// DdotAxpy of rows a and a + lda into the same y in one pass, n ≥ 1.
TEXT ·ddotAxpy2AVX2(SB), NOSPLIT, $0-56
	MOVQ         a+0(FP), SI
	MOVQ         lda+8(FP), R8
	SHLQ         $3, R8
	MOVQ         x+16(FP), DX
	MOVQ         y+24(FP), BX
	MOVQ         s+32(FP), AX
	VBROADCASTSD (AX), Y14
	VBROADCASTSD 8(AX), Y15
	MOVQ         n+40(FP), R11
	MOVQ         out+48(FP), DI
	MOVQ         R11, R10
	SHRQ         $4, R11
	ANDQ         $15, R10
	DDOT_ZERO_Y8
	TESTQ        R11, R11
	JZ           da2tail

da2loop:
	DA2_FULL(0, Y0, Y4)
	DA2_FULL(32, Y1, Y5)
	DA2_FULL(64, Y2, Y6)
	DA2_FULL(96, Y3, Y7)
	ADDQ $128, SI
	ADDQ $128, DX
	ADDQ $128, BX
	DECQ R11
	JNZ  da2loop

da2tail:
	TESTQ R10, R10
	JZ    da2reduce
	CMPQ  R10, $4
	JB    da2part0
	DA2_FULL(0, Y0, Y4)
	CMPQ  R10, $8
	JB    da2part1
	DA2_FULL(32, Y1, Y5)
	CMPQ  R10, $12
	JB    da2part2
	DA2_FULL(64, Y2, Y6)
	SUBQ  $12, R10
	JZ    da2reduce
	DDOT_TAIL_MASK_Y(R10, Y12)
	DA2_MASKED(96, Y3, Y7)
	JMP   da2reduce

da2part0:
	DDOT_TAIL_MASK_Y(R10, Y12)
	DA2_MASKED(0, Y0, Y4)
	JMP da2reduce

da2part1:
	SUBQ $4, R10
	JZ   da2reduce
	DDOT_TAIL_MASK_Y(R10, Y12)
	DA2_MASKED(32, Y1, Y5)
	JMP  da2reduce

da2part2:
	SUBQ $8, R10
	JZ   da2reduce
	DDOT_TAIL_MASK_Y(R10, Y12)
	DA2_MASKED(64, Y2, Y6)

da2reduce:
	DDOT_REDUCE2
	VZEROUPPER
	RET

// AXPY_ADD adds S times the row group in Y1 to the y group in Y0.
#define AXPY_ADD(S) \
	VMULPD S, Y1, Y1 \
	VADDPD Y1, Y0, Y0

// AXPY4_FULL and AXPY4_MASKED add the four rows' scaled groups of four (at
// SI, whole or under the mask in Y11) to y's group in Y0, in row order.
#define AXPY4_FULL \
	VMOVUPD (SI), Y1       \
	AXPY_ADD(Y12)          \
	VMOVUPD (SI)(R8*1), Y1 \
	AXPY_ADD(Y13)          \
	VMOVUPD (SI)(R8*2), Y1 \
	AXPY_ADD(Y14)          \
	VMOVUPD (SI)(R9*1), Y1 \
	AXPY_ADD(Y15)

#define AXPY4_MASKED \
	VMASKMOVPD (SI), Y11, Y1       \
	AXPY_ADD(Y12)                  \
	VMASKMOVPD (SI)(R8*1), Y11, Y1 \
	AXPY_ADD(Y13)                  \
	VMASKMOVPD (SI)(R8*2), Y11, Y1 \
	AXPY_ADD(Y14)                  \
	VMASKMOVPD (SI)(R9*1), Y11, Y1 \
	AXPY_ADD(Y15)

// func daxpyRows4AVX2(a *float64, lda int, s *[4]float64, y *float64, n int)
// daxpyRows4AVX512's contract on AVX2: y loaded and stored once per four
// values for the four rows, the last n mod 4 under the mask in Y11.
// Registers: SI a, R8 lda bytes, R9 3·lda bytes, BX y, R11 groups left,
// Y12-Y15 the broadcast s, Y0 y's group, Y1 a row's.
TEXT ·daxpyRows4AVX2(SB), NOSPLIT, $0-40
	MOVQ         a+0(FP), SI
	MOVQ         lda+8(FP), R8
	SHLQ         $3, R8
	LEAQ         (R8)(R8*2), R9
	MOVQ         s+16(FP), AX
	VBROADCASTSD (AX), Y12
	VBROADCASTSD 8(AX), Y13
	VBROADCASTSD 16(AX), Y14
	VBROADCASTSD 24(AX), Y15
	MOVQ         y+24(FP), BX
	MOVQ         n+32(FP), R11
	MOVQ         R11, R10
	SHRQ         $2, R11
	ANDQ         $3, R10
	TESTQ        R11, R11
	JZ           ax4tail

ax4loop:
	VMOVUPD (BX), Y0
	AXPY4_FULL
	VMOVUPD Y0, (BX)
	ADDQ    $32, SI
	ADDQ    $32, BX
	DECQ    R11
	JNZ     ax4loop

ax4tail:
	TESTQ R10, R10
	JZ    ax4done
	DDOT_TAIL_MASK_Y(R10, Y11)
	VMASKMOVPD (BX), Y11, Y0
	AXPY4_MASKED
	VMASKMOVPD Y0, Y11, (BX)

ax4done:
	VZEROUPPER
	RET
