//go:build amd64 && gc && !purego

#include "textflag.h"
#include "kernels_amd64.h"

// ScaleTo, Axpby and AddConst for AVX2 and AVX-512 (declared in
// axpby_amd64.go). ABI0.
// Layout as in elementwise_avx2_amd64.s: 4 vectors per step, then one, then a
// masked tail (Y14 or K1). Products are rounded before the add (no FMA).
//
// Registers: SI x, DI dst / y, CX elements left, Y15/Z15 alpha or c, Y13/Z13 beta,
// Y0-Y3 / Z0-Z3 data, Y4-Y7 / Z4-Z7 beta*y.

// func scaleToAVX2(dst []float32, alpha float32, x []float32)
TEXT ·scaleToAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	VBROADCASTSS alpha+24(FP), Y15
	MOVQ x_base+32(FP), SI
	MOVQ x_len+40(FP), CX

loop32:
	CMPQ CX, $32
	JL   loop8
	VMULPS (SI), Y15, Y0
	VMULPS 32(SI), Y15, Y1
	VMULPS 64(SI), Y15, Y2
	VMULPS 96(SI), Y15, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  loop32

loop8:
	CMPQ CX, $8
	JL   tail
	VMULPS (SI), Y15, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  loop8

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_Y14
	VMASKMOVPS (SI), Y14, Y0
	VMULPS Y0, Y15, Y0
	VMASKMOVPS Y0, Y14, (DI)

done:
	VZEROUPPER
	RET

// func axpbyAVX2(alpha float32, x []float32, beta float32, y []float32)
TEXT ·axpbyAVX2(SB), NOSPLIT, $0-64
	VBROADCASTSS alpha+0(FP), Y15
	MOVQ x_base+8(FP), SI
	MOVQ x_len+16(FP), CX
	VBROADCASTSS beta+32(FP), Y13
	MOVQ y_base+40(FP), DI

loop32:
	CMPQ CX, $32
	JL   loop8
	VMULPS (SI), Y15, Y0
	VMULPS 32(SI), Y15, Y1
	VMULPS 64(SI), Y15, Y2
	VMULPS 96(SI), Y15, Y3
	VMULPS (DI), Y13, Y4
	VMULPS 32(DI), Y13, Y5
	VMULPS 64(DI), Y13, Y6
	VMULPS 96(DI), Y13, Y7
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y6, Y2, Y2
	VADDPS Y7, Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  loop32

loop8:
	CMPQ CX, $8
	JL   tail
	VMULPS (SI), Y15, Y0
	VMULPS (DI), Y13, Y4
	VADDPS Y4, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  loop8

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_Y14
	VMASKMOVPS (SI), Y14, Y0
	VMASKMOVPS (DI), Y14, Y4
	VMULPS Y0, Y15, Y0
	VMULPS Y4, Y13, Y4
	VADDPS Y4, Y0, Y0
	VMASKMOVPS Y0, Y14, (DI)

done:
	VZEROUPPER
	RET

// func scaleToAVX512(dst []float32, alpha float32, x []float32)
TEXT ·scaleToAVX512(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	VBROADCASTSS alpha+24(FP), Z15
	MOVQ x_base+32(FP), SI
	MOVQ x_len+40(FP), CX

loop64:
	CMPQ CX, $64
	JL   loop16
	VMULPS (SI), Z15, Z0
	VMULPS 64(SI), Z15, Z1
	VMULPS 128(SI), Z15, Z2
	VMULPS 192(SI), Z15, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMULPS (SI), Z15, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z0
	VMULPS Z0, Z15, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET

// func axpbyAVX512(alpha float32, x []float32, beta float32, y []float32)
TEXT ·axpbyAVX512(SB), NOSPLIT, $0-64
	VBROADCASTSS alpha+0(FP), Z15
	MOVQ x_base+8(FP), SI
	MOVQ x_len+16(FP), CX
	VBROADCASTSS beta+32(FP), Z13
	MOVQ y_base+40(FP), DI

loop64:
	CMPQ CX, $64
	JL   loop16
	VMULPS (SI), Z15, Z0
	VMULPS 64(SI), Z15, Z1
	VMULPS 128(SI), Z15, Z2
	VMULPS 192(SI), Z15, Z3
	VMULPS (DI), Z13, Z4
	VMULPS 64(DI), Z13, Z5
	VMULPS 128(DI), Z13, Z6
	VMULPS 192(DI), Z13, Z7
	VADDPS Z4, Z0, Z0
	VADDPS Z5, Z1, Z1
	VADDPS Z6, Z2, Z2
	VADDPS Z7, Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMULPS (SI), Z15, Z0
	VMULPS (DI), Z13, Z4
	VADDPS Z4, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DI), K1, Z4
	VMULPS Z0, Z15, Z0
	VMULPS Z4, Z13, Z4
	VADDPS Z4, Z0, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET

// func addConstAVX2(dst []float32, c float32, x []float32): dst = x + c
TEXT ·addConstAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	VBROADCASTSS c+24(FP), Y15
	MOVQ x_base+32(FP), SI
	MOVQ x_len+40(FP), CX

loop32:
	CMPQ CX, $32
	JL   loop8
	VADDPS (SI), Y15, Y0
	VADDPS 32(SI), Y15, Y1
	VADDPS 64(SI), Y15, Y2
	VADDPS 96(SI), Y15, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  loop32

loop8:
	CMPQ CX, $8
	JL   tail
	VADDPS (SI), Y15, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  loop8

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_Y14
	VMASKMOVPS (SI), Y14, Y0
	VADDPS Y0, Y15, Y0
	VMASKMOVPS Y0, Y14, (DI)

done:
	VZEROUPPER
	RET

// func addConstAVX512(dst []float32, c float32, x []float32): dst = x + c
TEXT ·addConstAVX512(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	VBROADCASTSS c+24(FP), Z15
	MOVQ x_base+32(FP), SI
	MOVQ x_len+40(FP), CX

loop64:
	CMPQ CX, $64
	JL   loop16
	VADDPS (SI), Z15, Z0
	VADDPS 64(SI), Z15, Z1
	VADDPS 128(SI), Z15, Z2
	VADDPS 192(SI), Z15, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VADDPS (SI), Z15, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z0
	VADDPS Z0, Z15, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET
