//go:build amd64 && gc && !purego

#include "textflag.h"

// func copyRowsAVX2(dst, src *float32, rows, n, dstStride, srcStride int)
TEXT ·copyRowsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ n+24(FP), DX
	MOVQ dstStride+32(FP), R8
	MOVQ srcStride+40(FP), R9
	SHLQ $2, R8
	SHLQ $2, R9

row:
	MOVQ DI, R10
	MOVQ SI, R11
	MOVQ DX, R12

	// 16 floats per step while at least 16 remain
	CMPQ R12, $16
	JLT  tail8

loop16:
	VMOVUPS (R11), Y0
	VMOVUPS 32(R11), Y1
	VMOVUPS Y0, (R10)
	VMOVUPS Y1, 32(R10)
	ADDQ    $64, R10
	ADDQ    $64, R11
	SUBQ    $16, R12
	CMPQ    R12, $16
	JGE     loop16

tail8:
	CMPQ R12, $8
	JLT  tail
	VMOVUPS (R11), Y0
	VMOVUPS Y0, (R10)
	ADDQ    $32, R10
	ADDQ    $32, R11
	SUBQ    $8, R12

	// The last 1..7 floats: a row of at least 8 copies its last 8 floats
	// again (overlapping what is done) instead of a scalar loop, which cost
	// most of the time on the 7..28-float rows of small images.
tail:
	TESTQ R12, R12
	JZ    next
	CMPQ  DX, $8
	JLT   short
	VMOVUPS -32(R11)(R12*4), Y0
	VMOVUPS Y0, -32(R10)(R12*4)
	JMP     next

	// A row of 4..7 floats: its first 4 and its last 4 (overlapping).
short:
	CMPQ    R12, $4
	JLT     loop1
	VMOVUPS (R11), X0
	VMOVUPS -16(R11)(R12*4), X1
	VMOVUPS X0, (R10)
	VMOVUPS X1, -16(R10)(R12*4)
	JMP     next

loop1:
	MOVL (R11), AX
	MOVL AX, (R10)
	ADDQ $4, R10
	ADDQ $4, R11
	DECQ R12
	JNZ  loop1

next:
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ CX
	JNZ  row
	VZEROUPPER
	RET
