//go:build amd64 && gc && !purego

#include "textflag.h"
#include "kernels_amd64.h"

// Div for AVX2 and AVX-512 (declared in div_amd64.go): the Mul kernels of
// elementwise_avx*_amd64.s with VDIVPS, same layout and register use
// (SI x, DX y, DI dst, CX elements left; Y14 / K1 tail mask). VDIVPS is
// correctly rounded like Go's float32 division, so results match exactly.
// Lanes outside the tail divide 0 by 0; the NaN is never stored.

// func divAVX2(dst, x, y []float32): dst = x / y. Every block loads
// before it stores, so dst may be x or y.
TEXT ·divAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), DX
	MOVQ x_len+32(FP), CX

loop32:
	CMPQ CX, $32
	JL   loop8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VDIVPS (DX), Y0, Y0
	VDIVPS 32(DX), Y1, Y1
	VDIVPS 64(DX), Y2, Y2
	VDIVPS 96(DX), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DX
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  loop32

loop8:
	CMPQ CX, $8
	JL   tail
	VMOVUPS (SI), Y0
	VDIVPS (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  loop8

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_Y14
	VMASKMOVPS (SI), Y14, Y0
	VMASKMOVPS (DX), Y14, Y1
	VDIVPS Y1, Y0, Y0
	VMASKMOVPS Y0, Y14, (DI)

done:
	VZEROUPPER
	RET

// func divAVX512(dst, x, y []float32): dst = x / y. Every block loads
// before it stores, so dst may be x or y.
TEXT ·divAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), DX
	MOVQ x_len+32(FP), CX

loop64:
	CMPQ CX, $64
	JL   loop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VDIVPS (DX), Z0, Z0
	VDIVPS 64(DX), Z1, Z1
	VDIVPS 128(DX), Z2, Z2
	VDIVPS 192(DX), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DX
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMOVUPS (SI), Z0
	VDIVPS (DX), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K1, Z1
	VDIVPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET
