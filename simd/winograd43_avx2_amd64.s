//go:build amd64 && gc && !purego

#include "textflag.h"

// Winograd F(4×4,3×3) input and output transforms for AVX2 (declared in
// winograd43_avx2_amd64.go; the contract is winograd43.go). ABI0.
//
// Both kernels take 8 tiles of one channel per step (one ymm lane per tile),
// channels outside, blocks inside, and do the operations of input6 /
// output6 in the order written there (products by 5 rounded before the
// subtraction, no FMA), so the results are the bits of the generic loops and
// of the AVX-512 kernels. The 36 values of a tile do not fit the 16
// registers, so each step goes through a stage in the frame: the patch rows'
// columns, then the column transforms, then the row transforms into the
// planes (or the output rows).
//
// Loads are VMASKMOVPS (a masked-off lane reads +0 and touches no memory:
// the zero padding); stores are plain, a masked store being microcoded on
// AMD before Zen 4. A run of n ≥ 8 tiles ends with the block of its last 8
// tiles, which overlaps the block before and stores the same bits again; a
// run of n < 8 tiles is stored to the stage and copied out.

DATA w8Two<>+0(SB)/4, $0x40000000 // 2.0
GLOBL w8Two<>(SB), RODATA|NOPTR, $4
DATA w8Four<>+0(SB)/4, $0x40800000 // 4.0
GLOBL w8Four<>(SB), RODATA|NOPTR, $4
DATA w8Five<>+0(SB)/4, $0x40a00000 // 5.0
GLOBL w8Five<>(SB), RODATA|NOPTR, $4
DATA w8Eight<>+0(SB)/4, $0x41000000 // 8.0
GLOBL w8Eight<>(SB), RODATA|NOPTR, $4
DATA w8NegZero<>+0(SB)/4, $0x80000000 // −0: x + (−0) is x, bit for bit
GLOBL w8NegZero<>(SB), RODATA|NOPTR, $4

// ---------------------------------------------------------------------------
// Input transform (WinogradInputImage4x3).
//
// Tile t of a block needs window positions 4t+s, s = 0..5, of 6 patch rows,
// position p being image column 4j−1+p for the block's first tile j. A row
// is five loads of 8 floats, L0..L4 = chunks of 4 positions c0|c1 .. c8|c9;
// lane-half permutes regroup them as [c0|c4] [c1|c5] [c2|c6] [c3|c7] [c4|c8],
// and 4×4 transposes inside the lane halves give columns s = 0..3 (from the
// first four) and s = 4, 5 (from the last four), tile t in lane t.
//
// Stage (32-byte aligned at BX): d[r][s] at (6r+s)·32, t[r'][s] (columns
// transformed) at 1152 + (6r'+s)·32; a short run's planes at ξ·32.
//
// Registers: SI src of channel c at (row 4i−1, column 4j0−1), DI dst of
// channel c, R8 chStride, R10 xiStride, R11 cStride, R12 3·xiStride, R13
// 5·xiStride (bytes), DX the wg4Input table, CX the mask entry of the block,
// BX the stage, R14 / R15 src / dst of the block, R9 the patch row, AX its
// mask row, then the planes being stored; Y13 2.0, Y14 5.0, Y15 4.0.

// W8_LOAD_ROW de-interleaves patch row r (rowOff at +roff, mask selector at
// +rsel of the table) into d[r][0..5] at dso(BX).
#define W8_LOAD_ROW(roff, rsel, dso) \
	MOVQ       roff(DX), R9          \
	ADDQ       R14, R9               \
	MOVQ       rsel(DX), AX          \
	ADDQ       CX, AX                \
	PREFETCHT0 (R9)(R8*2)            \
	PREFETCHT0 64(R9)(R8*2)          \
	PREFETCHT0 132(R9)(R8*2)         \
	VMOVUPS    0(AX), Y5             \
	VMASKMOVPS 0(R9), Y5, Y0         \
	VMOVUPS    32(AX), Y5            \
	VMASKMOVPS 32(R9), Y5, Y1        \
	VMOVUPS    64(AX), Y5            \
	VMASKMOVPS 64(R9), Y5, Y2        \
	VMOVUPS    96(AX), Y5            \
	VMASKMOVPS 96(R9), Y5, Y3        \
	VMOVUPS    128(AX), Y5           \
	VMASKMOVPS 128(R9), Y5, Y4       \
	VPERM2F128 $0x20, Y2, Y0, Y5     \
	VPERM2F128 $0x31, Y2, Y0, Y6     \
	VPERM2F128 $0x20, Y3, Y1, Y7     \
	VPERM2F128 $0x31, Y3, Y1, Y8     \
	VPERM2F128 $0x20, Y4, Y2, Y9     \
	VUNPCKLPS  Y6, Y5, Y0            \
	VUNPCKHPS  Y6, Y5, Y1            \
	VUNPCKLPS  Y8, Y7, Y2            \
	VUNPCKHPS  Y8, Y7, Y3            \
	VUNPCKLPD  Y2, Y0, Y4            \
	VMOVAPS    Y4, dso(BX)           \
	VUNPCKHPD  Y2, Y0, Y4            \
	VMOVAPS    Y4, dso+32(BX)        \
	VUNPCKLPD  Y3, Y1, Y4            \
	VMOVAPS    Y4, dso+64(BX)        \
	VUNPCKHPD  Y3, Y1, Y4            \
	VMOVAPS    Y4, dso+96(BX)        \
	VUNPCKLPS  Y7, Y6, Y0            \
	VUNPCKLPS  Y9, Y8, Y2            \
	VUNPCKLPD  Y2, Y0, Y4            \
	VMOVAPS    Y4, dso+128(BX)       \
	VUNPCKHPD  Y2, Y0, Y4            \
	VMOVAPS    Y4, dso+160(BX)

// W8_INPUT6 is input6: v0 → d0, v1 → o1, v2 → o2, v3 → d1, v4 → d2, v5 → d5;
// d3, d4 and tmp are clobbered. Every line is one float32 operation of input6
// (VSUBPS b, a, r is r = a − b).
#define W8_INPUT6(d0, d1, d2, d3, d4, d5, o1, o2, tmp) \
	VMULPS Y14, d2, tmp  \
	VMULPS Y15, d0, d0   \
	VSUBPS tmp, d0, d0   \
	VADDPS d4, d0, d0    \
	VMULPS Y14, d3, tmp  \
	VMULPS Y15, d1, o1   \
	VSUBPS tmp, o1, o1   \
	VADDPS d5, o1, d5    \
	VADDPS d2, d1, tmp   \
	VMULPS Y15, tmp, tmp \
	VADDPS d4, d3, o1    \
	VSUBPS tmp, o1, o1   \
	VSUBPS d2, d1, tmp   \
	VMULPS Y15, tmp, tmp \
	VSUBPS d3, d4, o2    \
	VADDPS tmp, o2, o2   \
	VSUBPS d2, d4, d4    \
	VSUBPS d1, d3, d3    \
	VMULPS Y13, d3, d3   \
	VADDPS d3, d4, d1    \
	VSUBPS d3, d4, d2

// W8_IN_COL transforms column s (so = 32s) of the stage's d into t.
#define W8_IN_COL(so) \
	VMOVAPS so(BX), Y0       \
	VMOVAPS so+192(BX), Y1   \
	VMOVAPS so+384(BX), Y2   \
	VMOVAPS so+576(BX), Y3   \
	VMOVAPS so+768(BX), Y4   \
	VMOVAPS so+960(BX), Y5   \
	W8_INPUT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8) \
	VMOVAPS Y0, so+1152(BX)  \
	VMOVAPS Y6, so+1344(BX)  \
	VMOVAPS Y7, so+1536(BX)  \
	VMOVAPS Y1, so+1728(BX)  \
	VMOVAPS Y2, so+1920(BX)  \
	VMOVAPS Y5, so+2112(BX)

// W8_IN_ROW transforms row r' of the stage's t (ro = 1152 + 192r') into
// planes 6r'..6r'+5 from AX (plane stride R10) and moves AX on 6 planes.
#define W8_IN_ROW(ro) \
	VMOVAPS ro(BX), Y0       \
	VMOVAPS ro+32(BX), Y1    \
	VMOVAPS ro+64(BX), Y2    \
	VMOVAPS ro+96(BX), Y3    \
	VMOVAPS ro+128(BX), Y4   \
	VMOVAPS ro+160(BX), Y5   \
	W8_INPUT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8) \
	VMOVUPS Y0, (AX)         \
	VMOVUPS Y6, (AX)(R10*1)  \
	VMOVUPS Y7, (AX)(R10*2)  \
	VMOVUPS Y1, (AX)(R12*1)  \
	VMOVUPS Y2, (AX)(R10*4)  \
	VMOVUPS Y5, (AX)(R13*1)  \
	LEAQ    (AX)(R12*2), AX

// W8_IN_STAGE loads the block at R14 and transforms its columns.
#define W8_IN_STAGE \
	W8_LOAD_ROW(0, 48, 0)     \
	W8_LOAD_ROW(8, 56, 192)   \
	W8_LOAD_ROW(16, 64, 384)  \
	W8_LOAD_ROW(24, 72, 576)  \
	W8_LOAD_ROW(32, 80, 768)  \
	W8_LOAD_ROW(40, 88, 960)  \
	W8_IN_COL(0)              \
	W8_IN_COL(32)             \
	W8_IN_COL(64)             \
	W8_IN_COL(96)             \
	W8_IN_COL(128)            \
	W8_IN_COL(160)

#define W8_IN_ROWS \
	W8_IN_ROW(1152) \
	W8_IN_ROW(1344) \
	W8_IN_ROW(1536) \
	W8_IN_ROW(1728) \
	W8_IN_ROW(1920) \
	W8_IN_ROW(2112)

#define W8_CONSTS \
	VBROADCASTSS w8Two<>(SB), Y13  \
	VBROADCASTSS w8Five<>(SB), Y14 \
	VBROADCASTSS w8Four<>(SB), Y15

// func winograd43InputAVX2(x *float32, off, chStride, nc, nblocks, last, tail int, p *wg4Input, dst *float32, xiStride, cStride int)
TEXT ·winograd43InputAVX2(SB), 0, $2400-88
	MOVQ x+0(FP), SI
	MOVQ off+8(FP), AX
	LEAQ (SI)(AX*4), SI // may point outside the image: only masked-in lanes are read
	MOVQ chStride+16(FP), R8
	SHLQ $2, R8
	MOVQ nc+24(FP), AX
	MOVQ AX, chans-8(SP)
	MOVQ p+56(FP), DX
	MOVQ dst+64(FP), DI
	MOVQ xiStride+72(FP), R10
	SHLQ $2, R10
	MOVQ cStride+80(FP), R11
	SHLQ $2, R11
	LEAQ (R10)(R10*2), R12
	LEAQ (R10)(R10*4), R13
	LEAQ stage-2392(SP), BX
	ADDQ $31, BX
	ANDQ $-32, BX
	W8_CONSTS

i4_channel:
	MOVQ SI, R14
	MOVQ DI, R15
	MOVQ nblocks+32(FP), AX
	MOVQ AX, blocks-16(SP)
	LEAQ 96(DX), CX // entry 0: the first block
	CMPQ tail+48(FP), $0
	JNE  i4_tail

i4_block:
	CMPQ blocks-16(SP), $1
	JNE  i4_full
	MOVQ last+40(FP), AX // the last block: tiles last .. last+7
	SHLQ $4, AX
	LEAQ (SI)(AX*1), R14
	SHRQ $2, AX
	LEAQ (DI)(AX*1), R15

i4_full:
	W8_IN_STAGE
	MOVQ R15, AX
	W8_IN_ROWS
	ADDQ $128, R14 // 8 tiles = 32 image floats
	ADDQ $32, R15  // 8 tiles = 8 plane floats
	DECQ blocks-16(SP)
	JZ   i4_next
	LEAQ 416(DX), CX // entry 1: a middle block
	CMPQ blocks-16(SP), $1
	JNE  i4_block
	LEAQ 736(DX), CX // entry 2: the last block
	JMP  i4_block

	// A run of tail < 8 tiles: the planes go to the stage, 32 bytes apart
	// (over the dead d), and tail floats of each are copied out.
i4_tail:
	W8_IN_STAGE
	MOVQ R10, sv10-24(SP)
	MOVQ R12, sv12-32(SP)
	MOVQ R13, sv13-40(SP)
	MOVQ $32, R10
	MOVQ $96, R12
	MOVQ $160, R13
	MOVQ BX, AX
	W8_IN_ROWS
	MOVQ sv10-24(SP), R10
	MOVQ sv12-32(SP), R12
	MOVQ sv13-40(SP), R13
	MOVQ BX, R14
	MOVQ DI, AX
	MOVQ $36, R15
	MOVQ tail+48(FP), R9
	CMPQ R9, $4
	JGE  i4_copy4
	CMPQ R9, $2
	JGE  i4_copy2

i4_copy1:
	VMOVSS (R14), X0
	VMOVSS X0, (AX)
	ADDQ   $32, R14
	ADDQ   R10, AX
	DECQ   R15
	JNZ    i4_copy1
	JMP    i4_next

	// 2 or 3 floats: 8 bytes at 0 and at 4·tail−8 (overlapping for 3).
i4_copy2:
	SHLQ $2, R9
	SUBQ $8, R9

i4_copy2_loop:
	VMOVSD (R14), X0
	VMOVSD (R14)(R9*1), X1
	VMOVSD X0, (AX)
	VMOVSD X1, (AX)(R9*1)
	ADDQ   $32, R14
	ADDQ   R10, AX
	DECQ   R15
	JNZ    i4_copy2_loop
	JMP    i4_next

	// 4..7 floats: 16 bytes at 0 and at 4·tail−16.
i4_copy4:
	SHLQ $2, R9
	SUBQ $16, R9

i4_copy4_loop:
	VMOVUPS (R14), X0
	VMOVUPS (R14)(R9*1), X1
	VMOVUPS X0, (AX)
	VMOVUPS X1, (AX)(R9*1)
	ADDQ    $32, R14
	ADDQ    R10, AX
	DECQ    R15
	JNZ     i4_copy4_loop

i4_next:
	ADDQ R8, SI
	ADDQ R11, DI
	DECQ chans-8(SP)
	JNZ  i4_channel
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// Output transform (WinogradOutput4x3, WinogradOutputBias4x3).
//
// Column s of Aᵀm comes from planes 6r+s, r = 0..5, and goes to the stage
// t[a][s] at (6a+s)·32 (BX); row a of the outputs from t[a][0..5]. Its four
// outputs per tile (lanes = tiles) are transposed into 32 consecutive floats.
// A short run's rows go to the stage at 768 + 128a and are copied out.
//
// Registers: SI src of channel c, DI dst of channel c, R8 chStride, R15
// rowStride, R10 xiStride, R11 cStride, R12 6·xiStride (bytes), CX the bias
// of channel c (0: none), DX n, BX the stage, R13 / R14 src / dst of the
// block, AX plane s of the block (R9 plane 18+s), then the output row; Y11
// the load mask (all lanes in whole blocks), Y12 the bias (−0 for none),
// Y13 2.0, Y14 8.0, Y15 4.0.

// W8_OUTPUT6 is output6 of m0..m5 in Y0..Y5: y0 → Y0, y1 → Y2, y2 → Y4,
// y3 → Y3 (Y1, Y5..Y7 clobbered).
#define W8_OUTPUT6 \
	VADDPS Y2, Y1, Y6  \
	VSUBPS Y2, Y1, Y1  \
	VADDPS Y4, Y3, Y7  \
	VSUBPS Y4, Y3, Y3  \
	VADDPS Y6, Y0, Y0  \
	VADDPS Y7, Y0, Y0  \
	VMULPS Y13, Y3, Y2 \
	VADDPS Y2, Y1, Y2  \
	VMULPS Y15, Y7, Y4 \
	VADDPS Y4, Y6, Y4  \
	VMULPS Y14, Y3, Y3 \
	VADDPS Y3, Y1, Y3  \
	VADDPS Y5, Y3, Y3

// W8_OUT_COL transforms column s (so = 32s; AX at plane s of the block).
#define W8_OUT_COL(so) \
	LEAQ       (AX)(R12*2), R9        \
	ADDQ       R12, R9                \
	VMASKMOVPS (AX), Y11, Y0          \
	VMASKMOVPS (AX)(R12*1), Y11, Y1   \
	VMASKMOVPS (AX)(R12*2), Y11, Y2   \
	VMASKMOVPS (R9), Y11, Y3          \
	VMASKMOVPS (R9)(R12*1), Y11, Y4   \
	VMASKMOVPS (R9)(R12*2), Y11, Y5   \
	W8_OUTPUT6                        \
	VMOVAPS    Y0, so(BX)             \
	VMOVAPS    Y2, so+192(BX)         \
	VMOVAPS    Y4, so+384(BX)         \
	VMOVAPS    Y3, so+576(BX)         \
	ADDQ       R10, AX

// W8_OUT_ROW transforms row a (ao = 192a) into the 32 floats at AX and
// moves AX on by ROWSTEP.
#define W8_OUT_ROW(ao, ROWSTEP) \
	VMOVAPS    ao(BX), Y0        \
	VMOVAPS    ao+32(BX), Y1     \
	VMOVAPS    ao+64(BX), Y2     \
	VMOVAPS    ao+96(BX), Y3     \
	VMOVAPS    ao+128(BX), Y4    \
	VMOVAPS    ao+160(BX), Y5    \
	W8_OUTPUT6                   \
	VADDPS     Y12, Y0, Y0       \
	VADDPS     Y12, Y2, Y2       \
	VADDPS     Y12, Y4, Y4       \
	VADDPS     Y12, Y3, Y3       \
	VUNPCKLPS  Y2, Y0, Y5        \
	VUNPCKHPS  Y2, Y0, Y6        \
	VUNPCKLPS  Y3, Y4, Y7        \
	VUNPCKHPS  Y3, Y4, Y8        \
	VUNPCKLPD  Y7, Y5, Y0        \
	VUNPCKHPD  Y7, Y5, Y1        \
	VUNPCKLPD  Y8, Y6, Y2        \
	VUNPCKHPD  Y8, Y6, Y3        \
	VPERM2F128 $0x20, Y1, Y0, Y4 \
	VMOVUPS    Y4, (AX)          \
	VPERM2F128 $0x20, Y3, Y2, Y4 \
	VMOVUPS    Y4, 32(AX)        \
	VPERM2F128 $0x31, Y1, Y0, Y4 \
	VMOVUPS    Y4, 64(AX)        \
	VPERM2F128 $0x31, Y3, Y2, Y4 \
	VMOVUPS    Y4, 96(AX)        \
	ROWSTEP

#define W8_STEP_DST ADDQ R15, AX
#define W8_STEP_STAGE ADDQ $128, AX

// W8_OUT_BLOCK transforms the block at R13 into output rows from AX, ROWSTEP
// apart.
#define W8_OUT_BLOCK(ROWSTEP) \
	MOVQ R13, AX             \
	W8_OUT_COL(0)            \
	W8_OUT_COL(32)           \
	W8_OUT_COL(64)           \
	W8_OUT_COL(96)           \
	W8_OUT_COL(128)          \
	W8_OUT_COL(160)          \
	MOVQ R14, AX             \
	W8_OUT_ROW(0, ROWSTEP)   \
	W8_OUT_ROW(192, ROWSTEP) \
	W8_OUT_ROW(384, ROWSTEP) \
	W8_OUT_ROW(576, ROWSTEP)

// func winograd43OutputAVX2(src *float32, xiStride, cStride, nc, n int, dst *float32, chStride, rowStride int, tailMask *[8]int32, bias *float32)
TEXT ·winograd43OutputAVX2(SB), 0, $1344-80
	MOVQ src+0(FP), SI
	MOVQ xiStride+8(FP), R10
	SHLQ $2, R10
	LEAQ (R10)(R10*2), R12
	SHLQ $1, R12
	MOVQ cStride+16(FP), R11
	SHLQ $2, R11
	MOVQ nc+24(FP), AX
	MOVQ AX, chans-8(SP)
	MOVQ n+32(FP), DX
	MOVQ dst+40(FP), DI
	MOVQ chStride+48(FP), R8
	SHLQ $2, R8
	MOVQ rowStride+56(FP), R15
	SHLQ $2, R15
	MOVQ bias+72(FP), CX
	LEAQ stage-1336(SP), BX
	ADDQ $31, BX
	ANDQ $-32, BX
	VBROADCASTSS w8Two<>(SB), Y13
	VBROADCASTSS w8Eight<>(SB), Y14
	VBROADCASTSS w8Four<>(SB), Y15
	VBROADCASTSS w8NegZero<>(SB), Y12

o4_channel:
	MOVQ  SI, R13
	MOVQ  DI, R14
	TESTQ CX, CX
	JZ    o4_nobias
	VBROADCASTSS (CX), Y12

o4_nobias:
	CMPQ DX, $8
	JLT  o4_tail
	VPCMPEQD Y11, Y11, Y11
	MOVQ DX, AX
	ADDQ $7, AX
	SHRQ $3, AX
	MOVQ AX, blocks-16(SP)

o4_block:
	CMPQ blocks-16(SP), $1
	JNE  o4_full
	LEAQ -32(SI)(DX*4), R13 // the last block: tiles n−8 .. n−1
	MOVQ DX, AX
	SHLQ $4, AX
	LEAQ -128(DI)(AX*1), R14

o4_full:
	W8_OUT_BLOCK(W8_STEP_DST)
	ADDQ $32, R13  // 8 tiles = 8 plane floats
	ADDQ $128, R14 // 8 tiles = 32 output floats
	DECQ blocks-16(SP)
	JNZ  o4_block
	JMP  o4_next

	// A run of n < 8 tiles: the rows go to the stage, 128 bytes apart, and
	// 16n bytes of each are copied out as 32-byte moves, the last one
	// ending at 16n (overlapping), or one 16-byte move for n = 1.
o4_tail:
	MOVQ    tailMask+64(FP), AX
	VMOVUPS (AX), Y11
	MOVQ    R14, sv14-24(SP)
	LEAQ    768(BX), R14
	W8_OUT_BLOCK(W8_STEP_STAGE)
	MOVQ    sv14-24(SP), AX
	LEAQ    768(BX), R14
	MOVQ    $4, R9
	MOVQ    DX, R13
	SHLQ    $4, R13 // 16n bytes per row

o4_copy_row:
	CMPQ DX, $1
	JNE  o4_copy_wide
	VMOVUPS (R14), X0
	VMOVUPS X0, (AX)
	JMP  o4_copied

o4_copy_wide:
	XORQ R12, R12

o4_copy_chunk:
	ADDQ $32, R12
	CMPQ R12, R13
	JGE  o4_copy_last
	VMOVUPS -32(R14)(R12*1), Y0
	VMOVUPS Y0, -32(AX)(R12*1)
	JMP  o4_copy_chunk

o4_copy_last:
	VMOVUPS -32(R14)(R13*1), Y0
	VMOVUPS Y0, -32(AX)(R13*1)

o4_copied:
	ADDQ $128, R14
	ADDQ R15, AX
	DECQ R9
	JNZ  o4_copy_row
	LEAQ (R10)(R10*2), R12 // R12 was the copy offset
	SHLQ $1, R12

o4_next:
	ADDQ  R11, SI
	ADDQ  R8, DI
	TESTQ CX, CX
	JZ    o4_advanced
	ADDQ  $4, CX

o4_advanced:
	DECQ chans-8(SP)
	JNZ  o4_channel
	VZEROUPPER
	RET
