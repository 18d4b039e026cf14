//go:build amd64 && gc && !purego

#include "textflag.h"

// winogradWeights43x8: g43 (winograd_weights43.go) over 8 kernels in the
// float64 lanes of zmm registers, the Go code's operations in its order.
// Registers: Z27 ¼, Z28 1/12, Z29 1/6, Z30 1/24, Z31 the sign bit; taps
// Z0-Z8 (tap t in Zt); columns of G k: s = 0 in Z0 Z9 Z10 Z11 Z12 Z6,
// s = 1 in Z1 Z13 Z14 Z15 Z16 Z7, s = 2 in Z2 Z17 Z18 Z19 Z20 Z8. ABI0.

// G43 sets (k0, o1, o2, o3, o4, k2) = G·(k0, k1, k2): v0 replaces k0, v5 is
// k2 itself. ta, tb, tc are scratch.
#define G43(k0, k1, k2, o1, o2, o3, o4, ta, tb, tc) \
	VADDPD k2, k0, ta  \
	VMULPD Z30, k0, tb \
	VMULPD Z29, k2, tc \
	VADDPD tc, tb, tb  \
	VMULPD Z28, k1, tc \
	VADDPD k1, ta, o1  \
	VSUBPD k1, ta, o2  \
	VXORPD Z31, o1, o1 \
	VXORPD Z31, o2, o2 \
	VMULPD Z29, o1, o1 \
	VMULPD Z29, o2, o2 \
	VADDPD tc, tb, o3  \
	VSUBPD tc, tb, o4  \
	VMULPD Z27, k0, k0

// STORE8 rounds the 8 doubles of r to float32, stores the lanes of K1 at DI
// and steps DI to the next plane.
#define STORE8(r) \
	VCVTPD2PS r, Y26         \
	VMOVUPS Y26, K1, (DI)    \
	ADDQ R9, DI

// ROW transforms row r of G k (a, b, c: its values for kernel columns 0, 1,
// 2) and stores its six values.
#define ROW(a, b, c) \
	G43(a, b, c, Z3, Z4, Z5, Z21, Z22, Z23, Z24) \
	STORE8(a)  \
	STORE8(Z3) \
	STORE8(Z4) \
	STORE8(Z5) \
	STORE8(Z21) \
	STORE8(c)

// func winogradWeights43x8(dst *float32, strideBytes int, k *float32, mask uint64, c *[5]float64)
TEXT ·winogradWeights43x8(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ strideBytes+8(FP), R9
	MOVQ k+16(FP), SI
	KMOVQ mask+24(FP), K1
	MOVQ c+32(FP), AX
	VBROADCASTSD 0(AX), Z27
	VBROADCASTSD 8(AX), Z28
	VBROADCASTSD 16(AX), Z29
	VBROADCASTSD 24(AX), Z30
	VBROADCASTSD 32(AX), Z31
	VCVTPS2PD 0(SI), Z0
	VCVTPS2PD 64(SI), Z1
	VCVTPS2PD 128(SI), Z2
	VCVTPS2PD 192(SI), Z3
	VCVTPS2PD 256(SI), Z4
	VCVTPS2PD 320(SI), Z5
	VCVTPS2PD 384(SI), Z6
	VCVTPS2PD 448(SI), Z7
	VCVTPS2PD 512(SI), Z8
	G43(Z0, Z3, Z6, Z9, Z10, Z11, Z12, Z24, Z25, Z26)
	G43(Z1, Z4, Z7, Z13, Z14, Z15, Z16, Z24, Z25, Z26)
	G43(Z2, Z5, Z8, Z17, Z18, Z19, Z20, Z24, Z25, Z26)
	ROW(Z0, Z1, Z2)
	ROW(Z9, Z13, Z17)
	ROW(Z10, Z14, Z18)
	ROW(Z11, Z15, Z19)
	ROW(Z12, Z16, Z20)
	ROW(Z6, Z7, Z8)
	VZEROUPPER
	RET
