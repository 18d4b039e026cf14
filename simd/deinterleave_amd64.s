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

// dlZipLo / dlZipHi: floats e0 o0 e1 o1 .. of lanes 0..7 / 8..15 of (even, odd).
DATA dlZipLo<>+0(SB)/4, $0
DATA dlZipLo<>+4(SB)/4, $16
DATA dlZipLo<>+8(SB)/4, $1
DATA dlZipLo<>+12(SB)/4, $17
DATA dlZipLo<>+16(SB)/4, $2
DATA dlZipLo<>+20(SB)/4, $18
DATA dlZipLo<>+24(SB)/4, $3
DATA dlZipLo<>+28(SB)/4, $19
DATA dlZipLo<>+32(SB)/4, $4
DATA dlZipLo<>+36(SB)/4, $20
DATA dlZipLo<>+40(SB)/4, $5
DATA dlZipLo<>+44(SB)/4, $21
DATA dlZipLo<>+48(SB)/4, $6
DATA dlZipLo<>+52(SB)/4, $22
DATA dlZipLo<>+56(SB)/4, $7
DATA dlZipLo<>+60(SB)/4, $23
GLOBL dlZipLo<>(SB), RODATA|NOPTR, $64

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

// func interleaveRowsAVX512(dst, even, odd *float32, rows, blocks, dstStride, evenStride, oddStride int, storeLo, storeHi, evenMask, oddMask uint16)
TEXT ·interleaveRowsAVX512(SB), NOSPLIT, $0-72
	MOVQ    dst+0(FP), DI
	MOVQ    even+8(FP), SI
	MOVQ    odd+16(FP), R8
	MOVQ    rows+24(FP), CX
	MOVQ    dstStride+40(FP), R9
	MOVQ    evenStride+48(FP), R10
	MOVQ    oddStride+56(FP), R11
	SHLQ    $2, R9
	SHLQ    $2, R10
	SHLQ    $2, R11
	KMOVW   storeLo+64(FP), K1
	KMOVW   storeHi+66(FP), K2
	KMOVW   evenMask+68(FP), K3
	KMOVW   oddMask+70(FP), K4
	VMOVDQU32 dlZipLo<>(SB), Z30
	MOVL    $8, AX
	VPBROADCASTD AX, Z29
	VPADDD  Z29, Z30, Z31 // the zip of lanes 8..15

irow:
	MOVQ DI, R12
	MOVQ SI, R13
	MOVQ R8, R14
	MOVQ blocks+32(FP), DX
	TESTQ DX, DX
	JZ   ilast

iblock:
	VMOVUPS (R13), Z0
	VMOVUPS (R14), Z1
	VMOVAPS Z0, Z2
	VPERMT2PS Z1, Z30, Z2
	VPERMT2PS Z1, Z31, Z0
	VMOVUPS Z2, (R12)
	VMOVUPS Z0, 64(R12)
	ADDQ $128, R12
	ADDQ $64, R13
	ADDQ $64, R14
	DECQ DX
	JNZ  iblock

ilast:
	VMOVUPS.Z (R13), K3, Z0
	VMOVUPS.Z (R14), K4, Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z30, Z2
	VPERMT2PS Z1, Z31, Z0
	VMOVUPS   Z2, K1, (R12)
	VMOVUPS   Z0, K2, 64(R12)

	ADDQ R9, DI
	ADDQ R10, SI
	ADDQ R11, R8
	DECQ CX
	JNZ  irow
	VZEROUPPER
	RET
