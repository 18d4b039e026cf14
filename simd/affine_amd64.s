//go:build amd64 && gc && !purego

#include "textflag.h"
#include "kernels_amd64.h"

// AVX2 CenteredAffine (declared in affine_amd64.go): the steps of
// centeredAffineGeneric and centeredAffineXGeneric (affine.go) in the same
// order, each rounded on its own (VADDPS, VMULPS; no FMA), so the results
// match the Go code bit for bit. ABI0. Registers: SI x, DX t, DI dst, CX
// elements left, AX/BX tail mask (Y14); Y15 −m, Y13 a, Y12 b, Y11 c;
// Y0-Y3 data, Y4-Y7 a·t. 32 floats a step, then 8, then a masked tail.
// Every step loads before it stores, so dst may alias x or t.

// func centeredAffineAVX2(dst, t, x []float32, a, b, negM, c float32)
TEXT ·centeredAffineAVX2(SB), NOSPLIT, $0-88
	MOVQ dst_base+0(FP), DI
	MOVQ t_base+24(FP), DX
	MOVQ x_base+48(FP), SI
	MOVQ x_len+56(FP), CX
	VBROADCASTSS a+72(FP), Y13
	VBROADCASTSS b+76(FP), Y12
	VBROADCASTSS negM+80(FP), Y15
	VBROADCASTSS c+84(FP), Y11

centeredAffineAVX2_loop32:
	CMPQ CX, $32
	JL   centeredAffineAVX2_loop8
	VMOVUPS 0(SI), Y0
	VADDPS Y15, Y0, Y0
	VMULPS Y12, Y0, Y0
	VMULPS 0(DX), Y13, Y4
	VADDPS Y0, Y4, Y0
	VADDPS Y11, Y0, Y0
	VMOVUPS 32(SI), Y1
	VADDPS Y15, Y1, Y1
	VMULPS Y12, Y1, Y1
	VMULPS 32(DX), Y13, Y5
	VADDPS Y1, Y5, Y1
	VADDPS Y11, Y1, Y1
	VMOVUPS 64(SI), Y2
	VADDPS Y15, Y2, Y2
	VMULPS Y12, Y2, Y2
	VMULPS 64(DX), Y13, Y6
	VADDPS Y2, Y6, Y2
	VADDPS Y11, Y2, Y2
	VMOVUPS 96(SI), Y3
	VADDPS Y15, Y3, Y3
	VMULPS Y12, Y3, Y3
	VMULPS 96(DX), Y13, Y7
	VADDPS Y3, Y7, Y3
	VADDPS Y11, Y3, Y3
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DX
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  centeredAffineAVX2_loop32

centeredAffineAVX2_loop8:
	CMPQ CX, $8
	JL   centeredAffineAVX2_tail
	VMOVUPS 0(SI), Y0
	VADDPS Y15, Y0, Y0
	VMULPS Y12, Y0, Y0
	VMULPS 0(DX), Y13, Y4
	VADDPS Y0, Y4, Y0
	VADDPS Y11, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  centeredAffineAVX2_loop8

centeredAffineAVX2_tail:
	TESTQ CX, CX
	JZ    centeredAffineAVX2_done
	TAIL_MASK_Y14
	VMASKMOVPS (SI), Y14, Y0
	VADDPS Y15, Y0, Y0
	VMULPS Y12, Y0, Y0
	VMASKMOVPS (DX), Y14, Y4
	VMULPS Y4, Y13, Y4
	VADDPS Y0, Y4, Y0
	VADDPS Y11, Y0, Y0
	VMASKMOVPS Y0, Y14, (DI)

centeredAffineAVX2_done:
	VZEROUPPER
	RET

// func centeredAffineXAVX2(dst, x []float32, b, negM, c float32)
TEXT ·centeredAffineXAVX2(SB), NOSPLIT, $0-60
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	VBROADCASTSS b+48(FP), Y12
	VBROADCASTSS negM+52(FP), Y15
	VBROADCASTSS c+56(FP), Y11

centeredAffineXAVX2_loop32:
	CMPQ CX, $32
	JL   centeredAffineXAVX2_loop8
	VMOVUPS 0(SI), Y0
	VADDPS Y15, Y0, Y0
	VMULPS Y12, Y0, Y0
	VADDPS Y11, Y0, Y0
	VMOVUPS 32(SI), Y1
	VADDPS Y15, Y1, Y1
	VMULPS Y12, Y1, Y1
	VADDPS Y11, Y1, Y1
	VMOVUPS 64(SI), Y2
	VADDPS Y15, Y2, Y2
	VMULPS Y12, Y2, Y2
	VADDPS Y11, Y2, Y2
	VMOVUPS 96(SI), Y3
	VADDPS Y15, Y3, Y3
	VMULPS Y12, Y3, Y3
	VADDPS Y11, Y3, Y3
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  centeredAffineXAVX2_loop32

centeredAffineXAVX2_loop8:
	CMPQ CX, $8
	JL   centeredAffineXAVX2_tail
	VMOVUPS 0(SI), Y0
	VADDPS Y15, Y0, Y0
	VMULPS Y12, Y0, Y0
	VADDPS Y11, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  centeredAffineXAVX2_loop8

centeredAffineXAVX2_tail:
	TESTQ CX, CX
	JZ    centeredAffineXAVX2_done
	TAIL_MASK_Y14
	VMASKMOVPS (SI), Y14, Y0
	VADDPS Y15, Y0, Y0
	VMULPS Y12, Y0, Y0
	VADDPS Y11, Y0, Y0
	VMASKMOVPS Y0, Y14, (DI)

centeredAffineXAVX2_done:
	VZEROUPPER
	RET
