//go:build amd64 && gc && !purego

#include "textflag.h"

// SecularSums for AVX-512 (secular.go has the contract and the order).
// Registers: SI sh, DX z, CX elements left; Z15 τ, Z14 the sign-clearing
// mask; lane sums Z0 (z²/δ), Z1 ((z/δ)²), Z2 (|z²/δ|). One vector of eight
// per step: the loop is bound by VDIVPD's throughput, so a second set of
// accumulators would gain nothing and change the order. The last 1..7
// elements load under K1, and the zero-masked division gives +0 in the
// other lanes. Unfused multiplies, as the generic code.

// REDUCE8 adds the lanes of Z<r> (Y<r>, X<r>) into X<r>'s low lane in
// lanes8Sum's order, using Y3/X3.
#define REDUCE8(Z, Y, X) \
	VEXTRACTF64X4 $1, Z, Y3 \
	VADDPD Y3, Y, Y         \
	VEXTRACTF128 $1, Y, X3  \
	VADDPD X3, X, X         \
	VUNPCKHPD X, X, X3      \
	VADDSD X3, X, X

// ACCUMULATE8 adds the terms of t = z/δ in Z6 (z in Z5) to the lane sums:
// z·t to Z0, t·t to Z1, |z·t| to Z2.
#define ACCUMULATE8 \
	VMULPD Z6, Z5, Z7  \
	VADDPD Z7, Z0, Z0  \
	VMULPD Z6, Z6, Z8  \
	VADDPD Z8, Z1, Z1  \
	VPANDQ Z14, Z7, Z7 \
	VADDPD Z7, Z2, Z2

// func secularSumsAVX512(sh, z *float64, n int, tau float64) (sum, slope, abs float64)
TEXT ·secularSumsAVX512(SB), NOSPLIT, $0-56
	MOVQ sh+0(FP), SI
	MOVQ z+8(FP), DX
	MOVQ n+16(FP), CX
	VBROADCASTSD tau+24(FP), Z15
	MOVQ $0x7fffffffffffffff, AX
	VPBROADCASTQ AX, Z14
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	VXORPD Z2, Z2, Z2

loop8:
	CMPQ CX, $8
	JL   tail
	VMOVUPD (SI), Z4
	VMOVUPD (DX), Z5
	VSUBPD Z15, Z4, Z4
	VDIVPD Z4, Z5, Z6
	ACCUMULATE8
	ADDQ $64, SI
	ADDQ $64, DX
	SUBQ $8, CX
	JMP  loop8

tail:
	TESTQ CX, CX
	JZ    reduce
	MOVQ  $1, AX
	SHLQ  CX, AX
	DECQ  AX
	KMOVW AX, K1
	VMOVUPD.Z (SI), K1, Z4
	VMOVUPD.Z (DX), K1, Z5
	VSUBPD Z15, Z4, Z4
	VDIVPD.Z Z4, Z5, K1, Z6
	ACCUMULATE8

reduce:
	REDUCE8(Z0, Y0, X0)
	REDUCE8(Z1, Y1, X1)
	REDUCE8(Z2, Y2, X2)
	VMOVSD X0, sum+32(FP)
	VMOVSD X1, slope+40(FP)
	VMOVSD X2, abs+48(FP)
	VZEROUPPER
	RET

// SecularSums for AVX2: the AVX-512 kernel's lanes as two ymm halves, lanes
// 0..3 (Y0, Y2, Y4) and 4..7 (Y1, Y3, Y5), so the order and the bits are the
// same. Registers: SI sh, DX z, CX elements left; Y15 τ, Y14 the
// sign-clearing mask. The last 1..7 elements load under the lane masks
// Y12/Y13 (a window of secularTail), and t is cleared outside them after the
// division, so those lanes add +0 as in the generic loop.

DATA secularTail<>+0(SB)/8, $-1
DATA secularTail<>+8(SB)/8, $-1
DATA secularTail<>+16(SB)/8, $-1
DATA secularTail<>+24(SB)/8, $-1
DATA secularTail<>+32(SB)/8, $-1
DATA secularTail<>+40(SB)/8, $-1
DATA secularTail<>+48(SB)/8, $-1
DATA secularTail<>+56(SB)/8, $-1
DATA secularTail<>+64(SB)/8, $0
DATA secularTail<>+72(SB)/8, $0
DATA secularTail<>+80(SB)/8, $0
DATA secularTail<>+88(SB)/8, $0
DATA secularTail<>+96(SB)/8, $0
DATA secularTail<>+104(SB)/8, $0
DATA secularTail<>+112(SB)/8, $0
DATA secularTail<>+120(SB)/8, $0
GLOBL secularTail<>(SB), RODATA|NOPTR, $128

// ACCUMULATE4 adds the terms of t (z in zr) to the lane sums s, d, a.
#define ACCUMULATE4(t, zr, s, d, a, tmp) \
	VMULPD t, zr, tmp   \
	VADDPD tmp, s, s    \
	VMULPD t, t, zr     \
	VADDPD zr, d, d     \
	VANDPD Y14, tmp, tmp \
	VADDPD tmp, a, a

// REDUCE4 adds the lanes of lo (Ylo, Xlo) and hi into Xlo's low lane in
// lanes8Sum's order, using X11.
#define REDUCE4(Ylo, Yhi, Xlo) \
	VADDPD Yhi, Ylo, Ylo     \
	VEXTRACTF128 $1, Ylo, X11 \
	VADDPD X11, Xlo, Xlo     \
	VUNPCKHPD Xlo, Xlo, X11  \
	VADDSD X11, Xlo, Xlo

// func secularSumsAVX2(sh, z *float64, n int, tau float64) (sum, slope, abs float64)
TEXT ·secularSumsAVX2(SB), NOSPLIT, $0-56
	MOVQ sh+0(FP), SI
	MOVQ z+8(FP), DX
	MOVQ n+16(FP), CX
	VBROADCASTSD tau+24(FP), Y15
	MOVQ $0x7fffffffffffffff, AX
	MOVQ AX, X14
	VPBROADCASTQ X14, Y14
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5

a2loop8:
	CMPQ CX, $8
	JL   a2tail
	VMOVUPD (SI), Y6
	VMOVUPD 32(SI), Y7
	VMOVUPD (DX), Y8
	VMOVUPD 32(DX), Y9
	VSUBPD Y15, Y6, Y6
	VSUBPD Y15, Y7, Y7
	VDIVPD Y6, Y8, Y6
	VDIVPD Y7, Y9, Y7
	ACCUMULATE4(Y6, Y8, Y0, Y2, Y4, Y10)
	ACCUMULATE4(Y7, Y9, Y1, Y3, Y5, Y10)
	ADDQ $64, SI
	ADDQ $64, DX
	SUBQ $8, CX
	JMP  a2loop8

a2tail:
	TESTQ CX, CX
	JZ    a2reduce
	LEAQ  secularTail<>(SB), AX
	NEGQ  CX
	LEAQ  64(AX)(CX*8), AX // lanes k < count: window from 8 − count
	VMOVUPD (AX), Y12
	VMOVUPD 32(AX), Y13
	VMASKMOVPD (SI), Y12, Y6
	VMASKMOVPD 32(SI), Y13, Y7
	VMASKMOVPD (DX), Y12, Y8
	VMASKMOVPD 32(DX), Y13, Y9
	VSUBPD Y15, Y6, Y6
	VSUBPD Y15, Y7, Y7
	VDIVPD Y6, Y8, Y6
	VDIVPD Y7, Y9, Y7
	VANDPD Y12, Y6, Y6
	VANDPD Y13, Y7, Y7
	ACCUMULATE4(Y6, Y8, Y0, Y2, Y4, Y10)
	ACCUMULATE4(Y7, Y9, Y1, Y3, Y5, Y10)

a2reduce:
	REDUCE4(Y0, Y1, X0)
	REDUCE4(Y2, Y3, X2)
	REDUCE4(Y4, Y5, X4)
	VMOVSD X0, sum+32(FP)
	VMOVSD X2, slope+40(FP)
	VMOVSD X4, abs+48(FP)
	VZEROUPPER
	RET
