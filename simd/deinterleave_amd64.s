//go:build amd64 && gc && !purego

#include "textflag.h"

// deinterleaveRowsAVX512: see deinterleave_amd64.go. Z30 and Z31 pick the
// even and odd floats of the 32 in (Z0, Z1).
DATA dlEven<>+0(SB)/4, $0
DATA dlEven<>+4(SB)/4, $2
DATA dlEven<>+8(SB)/4, $4
DATA dlEven<>+12(SB)/4, $6
DATA dlEven<>+16(SB)/4, $8
DATA dlEven<>+20(SB)/4, $10
DATA dlEven<>+24(SB)/4, $12
DATA dlEven<>+28(SB)/4, $14
DATA dlEven<>+32(SB)/4, $16
DATA dlEven<>+36(SB)/4, $18
DATA dlEven<>+40(SB)/4, $20
DATA dlEven<>+44(SB)/4, $22
DATA dlEven<>+48(SB)/4, $24
DATA dlEven<>+52(SB)/4, $26
DATA dlEven<>+56(SB)/4, $28
DATA dlEven<>+60(SB)/4, $30
GLOBL dlEven<>(SB), RODATA|NOPTR, $64

// func deinterleaveRowsAVX512(even, odd, src *float32, rows, blocks, evenStride, oddStride, srcStride int, loadLo, loadHi, evenMask, oddMask uint16)
TEXT ·deinterleaveRowsAVX512(SB), NOSPLIT, $0-72
	MOVQ    even+0(FP), DI
	MOVQ    odd+8(FP), R8
	MOVQ    src+16(FP), SI
	MOVQ    rows+24(FP), CX
	MOVQ    evenStride+40(FP), R9
	MOVQ    oddStride+48(FP), R10
	MOVQ    srcStride+56(FP), R11
	SHLQ    $2, R9
	SHLQ    $2, R10
	SHLQ    $2, R11
	KMOVW   loadLo+64(FP), K1
	KMOVW   loadHi+66(FP), K2
	KMOVW   evenMask+68(FP), K3
	KMOVW   oddMask+70(FP), K4
	VMOVDQU32 dlEven<>(SB), Z30
	MOVL    $1, AX
	VPBROADCASTD AX, Z29
	VPADDD  Z29, Z30, Z31 // odd indices

row:
	MOVQ SI, R12
	MOVQ DI, R13
	MOVQ R8, R14
	MOVQ blocks+32(FP), DX
	TESTQ DX, DX
	JZ   last

block:
	VMOVUPS (R12), Z0
	VMOVUPS 64(R12), Z1
	VMOVAPS Z0, Z2
	VPERMT2PS Z1, Z30, Z2
	VPERMT2PS Z1, Z31, Z0
	VMOVUPS Z2, (R13)
	VMOVUPS Z0, (R14)
	ADDQ $128, R12
	ADDQ $64, R13
	ADDQ $64, R14
	DECQ DX
	JNZ  block

last:
	VMOVUPS.Z (R12), K1, Z0
	VMOVUPS.Z 64(R12), K2, Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z30, Z2
	VPERMT2PS Z1, Z31, Z0
	VMOVUPS   Z2, K3, (R13)
	VMOVUPS   Z0, K4, (R14)

	ADDQ R11, SI
	ADDQ R9, DI
	ADDQ R10, R8
	DECQ CX
	JNZ  row
	VZEROUPPER
	RET
