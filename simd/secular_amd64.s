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
