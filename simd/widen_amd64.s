//go:build amd64 && gc && !purego

#include "textflag.h"

// Widening kernels (declared in widen_amd64.go), AVX2, used at the AVX512
// level too: VCVTPS2PD ymm is the bottleneck and its 512-bit form issues at
// half the rate on Zen 4 (see sum64_amd64.s). ABI0.

// func addWidened4AVX2(dst *float64, src *float32, n int)
// n is a positive multiple of 4. DI dst, SI src, CX values left.
TEXT ·addWidened4AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

loop16:
	CMPQ CX, $16
	JL   loop4
	VCVTPS2PD (SI), Y0
	VCVTPS2PD 16(SI), Y1
	VCVTPS2PD 32(SI), Y2
	VCVTPS2PD 48(SI), Y3
	VADDPD (DI), Y0, Y0
	VADDPD 32(DI), Y1, Y1
	VADDPD 64(DI), Y2, Y2
	VADDPD 96(DI), Y3, Y3
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	ADDQ $64, SI
	ADDQ $128, DI
	SUBQ $16, CX
	JMP  loop16

loop4:
	TESTQ CX, CX
	JZ    done
	VCVTPS2PD (SI), Y0
	VADDPD (DI), Y0, Y0
	VMOVUPD Y0, (DI)
	ADDQ $16, SI
	ADDQ $32, DI
	SUBQ $4, CX
	JMP  loop4

done:
	VZEROUPPER
	RET

// func centredPanel4AVX2(dst *float64, src *float32, ld, rows int, mean *float64, w int)
// w is a positive multiple of 4, rows positive. DI dst (advances by w
// values a row), SI the row's start in src, R8 ld in bytes, CX rows left,
// DX mean, BX w; in a row AX is the column (values), 8 then 4 at a time.
TEXT ·centredPanel4AVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ rows+24(FP), CX
	MOVQ mean+32(FP), DX
	MOVQ w+40(FP), BX

row:
	XORQ AX, AX

cols8:
	LEAQ 8(AX), R9
	CMPQ R9, BX
	JG   cols4
	VCVTPS2PD (SI)(AX*4), Y0
	VCVTPS2PD 16(SI)(AX*4), Y1
	VSUBPD (DX)(AX*8), Y0, Y0
	VSUBPD 32(DX)(AX*8), Y1, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	MOVQ R9, AX
	JMP  cols8

cols4:
	CMPQ AX, BX
	JGE  next
	VCVTPS2PD (SI)(AX*4), Y0
	VSUBPD (DX)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ $4, AX

next:
	LEAQ (DI)(BX*8), DI
	ADDQ R8, SI
	DECQ CX
	JNZ  row
	VZEROUPPER
	RET
