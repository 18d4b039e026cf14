//go:build amd64 && gc && !purego

#include "textflag.h"
#include "kernels_amd64.h"

// AdamStep for AVX2 and AVX-512 (declared in adam_amd64.go; the formula and
// rounding contract are in adam.go). ABI0. One vector per loop step: the
// square root and the division dominate and independent iterations already
// overlap out of order, so unrolling would buy nothing. The last 1..7 (1..15)
// elements go through the same code under a load/store mask.
//
// Registers: DI param, SI grad, DX m, R8 v, CX elements left, AX/BX tail mask.
// Constants: 8 beta1, 9 1-beta1, 10 beta2, 11 1-beta2, 12 step = lr/bc1,
// 13 s = 1/sqrt(bc2), 15 eps (Y or Z); Y14 / K1 tail mask.
// Data: 0 g, 1 m, 2 v, 3 param, 4 and 5 temporaries.

// ADAM_BODY updates m, v and p from g (clobbering g, t and u); ADAM_Y and
// ADAM_Z instantiate it with the register assignment above.
#define ADAM_BODY(g, m, v, p, t, u, b1, c1, b2, c2, step, s, eps) \
	VMULPS m, b1, m     \ // beta1*m
	VMULPS g, c1, t     \ // (1-beta1)*g
	VADDPS t, m, m      \ // m'
	VMULPS g, g, g      \ // g*g
	VMULPS g, c2, g     \ // (1-beta2)*g*g
	VMULPS v, b2, v     \ // beta2*v
	VADDPS g, v, v      \ // v'
	VSQRTPS v, t        \ // sqrt(v')
	VMULPS s, t, t      \ // sqrt(v')/sqrt(bc2)
	VADDPS eps, t, t    \ // denominator
	VMULPS m, step, u   \ // lr/bc1 * m'
	VDIVPS t, u, u      \ // u / denominator
	VSUBPS u, p, p

#define ADAM_Y ADAM_BODY(Y0, Y1, Y2, Y3, Y4, Y5, Y8, Y9, Y10, Y11, Y12, Y13, Y15)
#define ADAM_Z ADAM_BODY(Z0, Z1, Z2, Z3, Z4, Z5, Z8, Z9, Z10, Z11, Z12, Z13, Z15)

// func adamAVX2(p, g, m, v []float32, b1, c1, b2, c2, step, s, eps float32)
TEXT ·adamAVX2(SB), NOSPLIT, $0-124
	MOVQ p_base+0(FP), DI
	MOVQ p_len+8(FP), CX
	MOVQ g_base+24(FP), SI
	MOVQ m_base+48(FP), DX
	MOVQ v_base+72(FP), R8
	VBROADCASTSS b1+96(FP), Y8
	VBROADCASTSS c1+100(FP), Y9
	VBROADCASTSS b2+104(FP), Y10
	VBROADCASTSS c2+108(FP), Y11
	VBROADCASTSS step+112(FP), Y12
	VBROADCASTSS s+116(FP), Y13
	VBROADCASTSS eps+120(FP), Y15

loop8:
	CMPQ CX, $8
	JL   tail
	VMOVUPS (SI), Y0
	VMOVUPS (DX), Y1
	VMOVUPS (R8), Y2
	VMOVUPS (DI), Y3
	ADAM_Y
	VMOVUPS Y1, (DX)
	VMOVUPS Y2, (R8)
	VMOVUPS Y3, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, R8
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  loop8

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_Y14
	VMASKMOVPS (SI), Y14, Y0
	VMASKMOVPS (DX), Y14, Y1
	VMASKMOVPS (R8), Y14, Y2
	VMASKMOVPS (DI), Y14, Y3
	ADAM_Y
	VMASKMOVPS Y1, Y14, (DX)
	VMASKMOVPS Y2, Y14, (R8)
	VMASKMOVPS Y3, Y14, (DI)

done:
	VZEROUPPER
	RET

// func adamAVX512(p, g, m, v []float32, b1, c1, b2, c2, step, s, eps float32)
TEXT ·adamAVX512(SB), NOSPLIT, $0-124
	MOVQ p_base+0(FP), DI
	MOVQ p_len+8(FP), CX
	MOVQ g_base+24(FP), SI
	MOVQ m_base+48(FP), DX
	MOVQ v_base+72(FP), R8
	VBROADCASTSS b1+96(FP), Z8
	VBROADCASTSS c1+100(FP), Z9
	VBROADCASTSS b2+104(FP), Z10
	VBROADCASTSS c2+108(FP), Z11
	VBROADCASTSS step+112(FP), Z12
	VBROADCASTSS s+116(FP), Z13
	VBROADCASTSS eps+120(FP), Z15

loop16:
	CMPQ CX, $16
	JL   tail
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VMOVUPS (R8), Z2
	VMOVUPS (DI), Z3
	ADAM_Z
	VMOVUPS Z1, (DX)
	VMOVUPS Z2, (R8)
	VMOVUPS Z3, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, R8
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K1, Z1
	VMOVUPS.Z (R8), K1, Z2
	VMOVUPS.Z (DI), K1, Z3
	ADAM_Z
	VMOVUPS Z1, K1, (DX)
	VMOVUPS Z2, K1, (R8)
	VMOVUPS Z3, K1, (DI)

done:
	VZEROUPPER
	RET
