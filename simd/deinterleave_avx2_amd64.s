//go:build amd64 && gc && !purego

#include "textflag.h"

// AVX2 DeinterleaveRows and InterleaveRows for rows of an even number n ≥ 8
// of interleaved floats (deinterleave_amd64.go handles the rest). A row is
// blocks of 16 floats (8 even, 8 odd); when 16 does not divide n the last
// block is the row's last 16 floats, which overlaps the one before and
// stores the same values again (n − 16 is even, so the halves stay even and
// odd). Rows of 8 ≤ n < 16 take two such blocks of 8 floats in xmm
// registers. Pure moves: the bits are the generic loops'.

// func deinterleaveRowsAVX2(even, odd, src *float32, rows, n, evenStride, oddStride, srcStride int)
TEXT ·deinterleaveRowsAVX2(SB), NOSPLIT, $0-64
	MOVQ even+0(FP), DI
	MOVQ odd+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ rows+24(FP), CX
	MOVQ n+32(FP), DX
	MOVQ evenStride+40(FP), R9
	MOVQ oddStride+48(FP), R10
	MOVQ srcStride+56(FP), R11
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R11
	CMPQ DX, $16
	JLT  d_short

d_row:
	XORQ AX, AX // offset in floats of the block in the row
d_block:
	MOVQ    DX, BX
	SUBQ    $16, BX
	CMPQ    AX, BX
	CMOVQGT BX, AX // the last block: the row's last 16 floats
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y1
	VSHUFPS $0x88, Y1, Y0, Y2 // a0 a2 b0 b2 | a4 a6 b4 b6
	VSHUFPS $0xDD, Y1, Y0, Y3 // a1 a3 b1 b3 | a5 a7 b5 b7
	VPERMPD $0xD8, Y2, Y2     // a0 a2 a4 a6 b0 b2 b4 b6
	VPERMPD $0xD8, Y3, Y3
	VMOVUPS Y2, (DI)(AX*2)
	VMOVUPS Y3, (R8)(AX*2)
	ADDQ    $16, AX
	CMPQ    AX, DX
	JLT     d_block
	ADDQ    R11, SI
	ADDQ    R9, DI
	ADDQ    R10, R8
	DECQ    CX
	JNZ     d_row
	VZEROUPPER
	RET

d_short: // 8 ≤ n < 16: floats 0..7 and n−8..n−1
	LEAQ -32(SI)(DX*4), BX
	VMOVUPS (SI), X0
	VMOVUPS 16(SI), X1
	VMOVUPS (BX), X4
	VMOVUPS 16(BX), X5
	VSHUFPS $0x88, X1, X0, X2
	VSHUFPS $0xDD, X1, X0, X3
	VSHUFPS $0x88, X5, X4, X6
	VSHUFPS $0xDD, X5, X4, X7
	LEAQ -16(DI)(DX*2), BX
	VMOVUPS X2, (DI)
	VMOVUPS X6, (BX)
	LEAQ -16(R8)(DX*2), BX
	VMOVUPS X3, (R8)
	VMOVUPS X7, (BX)
	ADDQ R11, SI
	ADDQ R9, DI
	ADDQ R10, R8
	DECQ CX
	JNZ  d_short
	VZEROUPPER
	RET

// func interleaveRowsAVX2(dst, even, odd *float32, rows, n, dstStride, evenStride, oddStride int)
TEXT ·interleaveRowsAVX2(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ even+8(FP), SI
	MOVQ odd+16(FP), R8
	MOVQ rows+24(FP), CX
	MOVQ n+32(FP), DX
	MOVQ dstStride+40(FP), R11
	MOVQ evenStride+48(FP), R9
	MOVQ oddStride+56(FP), R10
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R11
	CMPQ DX, $16
	JLT  i_short

i_row:
	XORQ AX, AX
i_block:
	MOVQ       DX, BX
	SUBQ       $16, BX
	CMPQ       AX, BX
	CMOVQGT    BX, AX
	VMOVUPS    (SI)(AX*2), Y0 // e0..e7
	VMOVUPS    (R8)(AX*2), Y1 // o0..o7
	VUNPCKLPS  Y1, Y0, Y2     // e0 o0 e1 o1 | e4 o4 e5 o5
	VUNPCKHPS  Y1, Y0, Y3     // e2 o2 e3 o3 | e6 o6 e7 o7
	VPERM2F128 $0x20, Y3, Y2, Y4
	VPERM2F128 $0x31, Y3, Y2, Y5
	VMOVUPS    Y4, (DI)(AX*4)
	VMOVUPS    Y5, 32(DI)(AX*4)
	ADDQ       $16, AX
	CMPQ       AX, DX
	JLT        i_block
	ADDQ       R11, DI
	ADDQ       R9, SI
	ADDQ       R10, R8
	DECQ       CX
	JNZ        i_row
	VZEROUPPER
	RET

i_short:
	VMOVUPS   (SI), X0
	VMOVUPS   (R8), X1
	LEAQ      -16(SI)(DX*2), BX
	VMOVUPS   (BX), X4
	LEAQ      -16(R8)(DX*2), BX
	VMOVUPS   (BX), X5
	VUNPCKLPS X1, X0, X2
	VUNPCKHPS X1, X0, X3
	VUNPCKLPS X5, X4, X6
	VUNPCKHPS X5, X4, X7
	LEAQ      -32(DI)(DX*4), BX
	VMOVUPS   X2, (DI)
	VMOVUPS   X3, 16(DI)
	VMOVUPS   X6, (BX)
	VMOVUPS   X7, 16(BX)
	ADDQ      R11, DI
	ADDQ      R9, SI
	ADDQ      R10, R8
	DECQ      CX
	JNZ       i_short
	VZEROUPPER
	RET
