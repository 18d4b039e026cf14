//go:build amd64 && gc && !purego

#include "textflag.h"

// AVX2 CenteredAffine64 (centered64.go) on 8 floats a step: widen x to two
// vectors of 4 doubles (VCVTPS2PD), subtract m, multiply by b, round back
// to float32 (VCVTPD2PS, round to nearest as Go's conversion), then a·t and
// the sum in float32, each rounded on its own. Loads precede the store, so
// dst may alias x or t. ABI0. Registers: SI x, DX t, DI dst, CX steps left;
// Y13 a, Y12 b, Y11 m.

// CENTRE_SCALE_8 sets Y0 = float32(b·(x − m)) for the 8 floats at SI
// (clobbers Y1).
#define CENTRE_SCALE_8 \
	VCVTPS2PD 0(SI), Y0       \
	VCVTPS2PD 16(SI), Y1      \
	VSUBPD Y11, Y0, Y0        \
	VSUBPD Y11, Y1, Y1        \
	VMULPD Y12, Y0, Y0        \
	VMULPD Y12, Y1, Y1        \
	VCVTPD2PSY Y0, X0         \
	VCVTPD2PSY Y1, X1         \
	VINSERTF128 $1, X1, Y0, Y0

// func centeredAffine64Asm(dst, t, x []float32, a float32, b, m float64)
TEXT ·centeredAffine64Asm(SB), NOSPLIT, $0-96
	MOVQ dst_base+0(FP), DI
	MOVQ t_base+24(FP), DX
	MOVQ x_base+48(FP), SI
	MOVQ x_len+56(FP), CX
	VBROADCASTSS a+72(FP), Y13
	VBROADCASTSD b+80(FP), Y12
	VBROADCASTSD m+88(FP), Y11
	SHRQ $3, CX

centeredAffine64Asm_loop:
	CENTRE_SCALE_8
	VMULPS 0(DX), Y13, Y4
	VADDPS Y0, Y4, Y0
	VMOVUPS Y0, 0(DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JNZ  centeredAffine64Asm_loop
	VZEROUPPER
	RET

// func centeredAffine64XAsm(dst, x []float32, b, m float64)
TEXT ·centeredAffine64XAsm(SB), NOSPLIT, $0-64
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	VBROADCASTSD b+48(FP), Y12
	VBROADCASTSD m+56(FP), Y11
	SHRQ $3, CX

centeredAffine64XAsm_loop:
	CENTRE_SCALE_8
	VMOVUPS Y0, 0(DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  centeredAffine64XAsm_loop
	VZEROUPPER
	RET
