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
