//go:build amd64 && gc && !purego

#include "textflag.h"

// Winograd F(4×4,3×3) input and output transforms for AVX-512 (declared in
// winograd43_amd64.go; the contract is winograd43.go). ABI0.
//
// Both kernels take one block of up to 16 tiles (one zmm lane per tile) and
// loop over the channels; the Go side loops over the blocks and passes their
// masks, so there is one code path: a full block has all-ones masks. Every
// lane does the operations of input6 / output6 in the order written there
// (products by 5 rounded before the subtraction, no FMA), so the results are
// the bits of winogradInput43Generic / winogradOutput43Generic. Masked-off
// lanes are neither read (no fault, no access outside the geometry) nor
// written.

// Two-table VPERMT2PS / VPERMI2PS indices: 0..15 pick from the first table,
// 16..31 from the second (0..7 and 8..15 for the qword forms).

// w4Even: lanes 0, 2, .., 30 of the 32 floats (a, b).
DATA w4Even<>+0(SB)/4, $0
DATA w4Even<>+4(SB)/4, $2
DATA w4Even<>+8(SB)/4, $4
DATA w4Even<>+12(SB)/4, $6
DATA w4Even<>+16(SB)/4, $8
DATA w4Even<>+20(SB)/4, $10
DATA w4Even<>+24(SB)/4, $12
DATA w4Even<>+28(SB)/4, $14
DATA w4Even<>+32(SB)/4, $16
DATA w4Even<>+36(SB)/4, $18
DATA w4Even<>+40(SB)/4, $20
DATA w4Even<>+44(SB)/4, $22
DATA w4Even<>+48(SB)/4, $24
DATA w4Even<>+52(SB)/4, $26
DATA w4Even<>+56(SB)/4, $28
DATA w4Even<>+60(SB)/4, $30
GLOBL w4Even<>(SB), RODATA|NOPTR, $64

// w4Odd: lanes 1, 3, .., 31.
DATA w4Odd<>+0(SB)/4, $1
DATA w4Odd<>+4(SB)/4, $3
DATA w4Odd<>+8(SB)/4, $5
DATA w4Odd<>+12(SB)/4, $7
DATA w4Odd<>+16(SB)/4, $9
DATA w4Odd<>+20(SB)/4, $11
DATA w4Odd<>+24(SB)/4, $13
DATA w4Odd<>+28(SB)/4, $15
DATA w4Odd<>+32(SB)/4, $17
DATA w4Odd<>+36(SB)/4, $19
DATA w4Odd<>+40(SB)/4, $21
DATA w4Odd<>+44(SB)/4, $23
DATA w4Odd<>+48(SB)/4, $25
DATA w4Odd<>+52(SB)/4, $27
DATA w4Odd<>+56(SB)/4, $29
DATA w4Odd<>+60(SB)/4, $31
GLOBL w4Odd<>(SB), RODATA|NOPTR, $64

// w4Zip32Lo: a0 b0 a1 b1 .. a7 b7 (floats).
DATA w4Zip32Lo<>+0(SB)/4, $0
DATA w4Zip32Lo<>+4(SB)/4, $16
DATA w4Zip32Lo<>+8(SB)/4, $1
DATA w4Zip32Lo<>+12(SB)/4, $17
DATA w4Zip32Lo<>+16(SB)/4, $2
DATA w4Zip32Lo<>+20(SB)/4, $18
DATA w4Zip32Lo<>+24(SB)/4, $3
DATA w4Zip32Lo<>+28(SB)/4, $19
DATA w4Zip32Lo<>+32(SB)/4, $4
DATA w4Zip32Lo<>+36(SB)/4, $20
DATA w4Zip32Lo<>+40(SB)/4, $5
DATA w4Zip32Lo<>+44(SB)/4, $21
DATA w4Zip32Lo<>+48(SB)/4, $6
DATA w4Zip32Lo<>+52(SB)/4, $22
DATA w4Zip32Lo<>+56(SB)/4, $7
DATA w4Zip32Lo<>+60(SB)/4, $23
GLOBL w4Zip32Lo<>(SB), RODATA|NOPTR, $64

// w4Zip64Lo: qwords a0 b0 .. a3 b3.
DATA w4Zip64Lo<>+0(SB)/8, $0
DATA w4Zip64Lo<>+8(SB)/8, $8
DATA w4Zip64Lo<>+16(SB)/8, $1
DATA w4Zip64Lo<>+24(SB)/8, $9
DATA w4Zip64Lo<>+32(SB)/8, $2
DATA w4Zip64Lo<>+40(SB)/8, $10
DATA w4Zip64Lo<>+48(SB)/8, $3
DATA w4Zip64Lo<>+56(SB)/8, $11
GLOBL w4Zip64Lo<>(SB), RODATA|NOPTR, $64

// w4Zip64Hi: qwords a4 b4 .. a7 b7.
DATA w4Zip64Hi<>+0(SB)/8, $4
DATA w4Zip64Hi<>+8(SB)/8, $12
DATA w4Zip64Hi<>+16(SB)/8, $5
DATA w4Zip64Hi<>+24(SB)/8, $13
DATA w4Zip64Hi<>+32(SB)/8, $6
DATA w4Zip64Hi<>+40(SB)/8, $14
DATA w4Zip64Hi<>+48(SB)/8, $7
DATA w4Zip64Hi<>+56(SB)/8, $15
GLOBL w4Zip64Hi<>(SB), RODATA|NOPTR, $64

DATA w4Two<>+0(SB)/4, $0x40000000  // 2.0
GLOBL w4Two<>(SB), RODATA|NOPTR, $4
DATA w4Four<>+0(SB)/4, $0x40800000 // 4.0
GLOBL w4Four<>(SB), RODATA|NOPTR, $4
DATA w4Five<>+0(SB)/4, $0x40a00000 // 5.0
GLOBL w4Five<>(SB), RODATA|NOPTR, $4
DATA w4Eight<>+0(SB)/4, $0x41000000 // 8.0
GLOBL w4Eight<>(SB), RODATA|NOPTR, $4

// ---------------------------------------------------------------------------
// Input transform.
//
// Tile t of the block (image column c0 = 4j−1 of its first tile) needs the
// columns c0+4t+s, s = 0..5, of 6 image rows. One row of the block is the 66
// floats c0 .. c0+65: four zmm loads (floats 0..63, masks K1..K4) split by two
// levels of two-table permutes into the four phases s = 0..3 (lane t = float
// 4t+s): the first level keeps the even or odd floats of each pair of loads
// (phases 0 and 2, or 1 and 3, of 8 tiles), the second the even and odd
// floats of those. Columns s = 4 and 5 are phases 0 and 1 one tile on,
// completed by float 64 or 65 (masks K5, K7) in lane 15 by VALIGND.
//
// The 36 values of a tile do not fit the register file, so a channel goes in
// two halves: the even columns s = 0, 2, 4 (rows loaded, columns transformed,
// the 18 results t[r'][s] spilled to the stack frame), then the odd columns
// s = 1, 3, 5 (loaded again, transformed, kept in registers), and the row
// transforms read the even half back. Rows outside the image load a row
// inside it (Go clamps the offsets) and the second-level permutes zero them
// with the row mask K6; K6 is the store mask during the row transforms.
//
// Registers: SI x + channel offset + 4·c0, DI dst of the channel, R9 the
// wg43In, DX chStride, R10 xiStride, R11 cStride, R12 3·xiStride, R13
// 5·xiStride (all in bytes), CX channels left, R8 row offset, BX the 64-byte
// aligned spill area, AX plane 6r' of the row transforms; Z27 2.0, Z28 5.0,
// Z29 4.0, Z30 w4Even, Z31 w4Odd, Z20..Z24 load scratch.

// W4_LOAD loads row r (wg43In offsets roff, rmask) of the block into Z20..Z23
// (floats 0..63) and float 64+e into lane 0 of Z24 (e = 0 with K5, e = 1 with
// K7: pass eoff = 256+4e and the mask), and the row mask into K6.
#define W4_LOAD(roff, rmask, eoff, ke) \
	MOVQ      roff(R9), R8              \
	KMOVW     rmask(R9), K6             \
	VMOVUPS.Z (SI)(R8*1), K1, Z20       \
	VMOVUPS.Z 64(SI)(R8*1), K2, Z21     \
	VMOVUPS.Z 128(SI)(R8*1), K3, Z22    \
	VMOVUPS.Z 192(SI)(R8*1), K4, Z23    \
	VMOVUPS.Z eoff(SI)(R8*1), ke, Z24

// W4_ROW_EVEN leaves columns s = 0, 2, 4 of row r in d0, d2, d4, and
// prefetches the row's 66 floats two channels on (see W4_LOAD2P).
#define W4_ROW_EVEN(roff, rmask, d0, d2, d4) \
	W4_LOAD(roff, rmask, 256, K5)     \
	LEAQ       (R8)(DX*2), R8         \
	PREFETCHT0 (SI)(R8*1)             \
	PREFETCHT0 64(SI)(R8*1)           \
	PREFETCHT0 128(SI)(R8*1)          \
	PREFETCHT0 192(SI)(R8*1)          \
	PREFETCHT0 260(SI)(R8*1)          \
	W4_EVEN(d0, d2, d4)

// W4_EVEN splits the loaded Z20..Z24 into columns s = 0, 2, 4.
#define W4_EVEN(d0, d2, d4) \
	VPERMT2PS   Z21, Z30, Z20         \ // phases 0, 2 of tiles 0..7
	VPERMT2PS   Z23, Z30, Z22         \ // of tiles 8..15
	VMOVAPS     Z30, d0               \
	VPERMI2PS.Z Z22, Z20, K6, d0      \
	VMOVAPS     Z31, d2               \
	VPERMI2PS.Z Z22, Z20, K6, d2      \
	VALIGND.Z   $1, d0, Z24, K6, d4

// W4_ROW_ODD leaves columns s = 1, 3, 5 of row r in d1, d3, d5.
#define W4_ROW_ODD(roff, rmask, d1, d3, d5) \
	W4_LOAD(roff, rmask, 260, K7)     \
	W4_ODD(d1, d3, d5)

// W4_ODD splits the loaded Z20..Z24 into columns s = 1, 3, 5.
#define W4_ODD(d1, d3, d5) \
	VPERMT2PS   Z21, Z31, Z20         \ // phases 1, 3 of tiles 0..7
	VPERMT2PS   Z23, Z31, Z22         \ // of tiles 8..15
	VMOVAPS     Z30, d1               \
	VPERMI2PS.Z Z22, Z20, K6, d1      \
	VMOVAPS     Z31, d3               \
	VPERMI2PS.Z Z22, Z20, K6, d3      \
	VALIGND.Z   $1, d1, Z24, K6, d5

// W4_INPUT6 is input6: v0 → d0, v1 → o1, v2 → o2, v3 → d1, v4 → d2, v5 → d5;
// d3, d4 and tmp are clobbered. Every line is one float32 operation of input6
// (VSUBPS b, a, r is r = a − b).
#define W4_INPUT6(d0, d1, d2, d3, d4, d5, o1, o2, tmp) \
	VMULPS Z28, d2, tmp  \ // 5·d2
	VMULPS Z29, d0, d0   \ // 4·d0
	VSUBPS tmp, d0, d0   \
	VADDPS d4, d0, d0    \ // v0 = (4·d0 − 5·d2) + d4
	VMULPS Z28, d3, tmp  \ // 5·d3
	VMULPS Z29, d1, o1   \ // 4·d1
	VSUBPS tmp, o1, o1   \
	VADDPS d5, o1, d5    \ // v5 = (4·d1 − 5·d3) + d5
	VADDPS d2, d1, tmp   \
	VMULPS Z29, tmp, tmp \ // 4·(d1+d2)
	VADDPS d4, d3, o1    \
	VSUBPS tmp, o1, o1   \ // v1 = (d3+d4) − 4·(d1+d2)
	VSUBPS d2, d1, tmp   \
	VMULPS Z29, tmp, tmp \ // 4·(d1−d2)
	VSUBPS d3, d4, o2    \
	VADDPS tmp, o2, o2   \ // v2 = (d4−d3) + 4·(d1−d2)
	VSUBPS d2, d4, d4    \ // d4−d2
	VSUBPS d1, d3, d3    \
	VMULPS Z27, d3, d3   \ // 2·(d3−d1)
	VADDPS d3, d4, d1    \ // v3
	VSUBPS d3, d4, d2      // v4

// W4_COLS transforms the three columns in d[r][k] = Z(3r+k) (rows r = 0..5)
// and leaves t[r'][k] in
//
//	r' = 0: Z0 Z1 Z2     r' = 3: Z3 Z4 Z5
//	r' = 1: Z18 Z20 Z23  r' = 4: Z6 Z7 Z8
//	r' = 2: Z19 Z21 Z24  r' = 5: Z15 Z16 Z17
//
// (Z9..Z14, Z22, Z25, Z26 free).
#define W4_COLS \
	W4_INPUT6(Z0, Z3, Z6, Z9, Z12, Z15, Z18, Z19, Z25) \
	W4_INPUT6(Z1, Z4, Z7, Z10, Z13, Z16, Z20, Z21, Z22) \
	W4_INPUT6(Z2, Z5, Z8, Z11, Z14, Z17, Z23, Z24, Z26)

// W4_SPILL stores t[r'][k] of W4_COLS at (3r'+k)·64(BX).
#define W4_SPILL \
	VMOVAPS Z0, 0(BX)     \
	VMOVAPS Z1, 64(BX)    \
	VMOVAPS Z2, 128(BX)   \
	VMOVAPS Z18, 192(BX)  \
	VMOVAPS Z20, 256(BX)  \
	VMOVAPS Z23, 320(BX)  \
	VMOVAPS Z19, 384(BX)  \
	VMOVAPS Z21, 448(BX)  \
	VMOVAPS Z24, 512(BX)  \
	VMOVAPS Z3, 576(BX)   \
	VMOVAPS Z4, 640(BX)   \
	VMOVAPS Z5, 704(BX)   \
	VMOVAPS Z6, 768(BX)   \
	VMOVAPS Z7, 832(BX)   \
	VMOVAPS Z8, 896(BX)   \
	VMOVAPS Z15, 960(BX)  \
	VMOVAPS Z16, 1024(BX) \
	VMOVAPS Z17, 1088(BX)

// W4_ROWT_CALC transforms row r' (the operands of W4_ROWT) into Z9, Z12,
// Z13, u1, Z10, u5 (planes 6r'..6r'+5).
#define W4_ROWT_CALC(off, u1, u3, u5) \
	VMOVAPS off(BX), Z9                                  \
	VMOVAPS off+64(BX), Z10                              \
	VMOVAPS off+128(BX), Z11                             \
	W4_INPUT6(Z9, u1, Z10, u3, Z11, u5, Z12, Z13, Z14)

// W4_ROWT is the row transform of row r': t[r'][0, 2, 4] from the spill area
// at off, t[r'][1, 3, 5] in u1, u3, u5; stores planes 6r'..6r'+5 (mask K6)
// and moves AX to plane 6r'+6.
#define W4_ROWT(off, u1, u3, u5) \
	W4_ROWT_CALC(off, u1, u3, u5)                        \
	VMOVUPS Z9, K6, (AX)                                 \
	VMOVUPS Z12, K6, (AX)(R10*1)                         \
	VMOVUPS Z13, K6, (AX)(R10*2)                         \
	VMOVUPS u1, K6, (AX)(R12*1)                          \
	VMOVUPS Z10, K6, (AX)(R10*4)                         \
	VMOVUPS u5, K6, (AX)(R13*1)                          \
	LEAQ    (AX)(R12*2), AX

// W4_ROWS runs the row transform ROWT (W4_ROWT or W4_ROWT2) on the six rows
// r' of W4_COLS' results, the even half from the spill area.
#define W4_ROWS(ROWT) \
	ROWT(0, Z0, Z1, Z2)         \
	ROWT(192, Z18, Z20, Z23)    \
	ROWT(384, Z19, Z21, Z24)    \
	ROWT(576, Z3, Z4, Z5)       \
	ROWT(768, Z6, Z7, Z8)       \
	ROWT(960, Z15, Z16, Z17)

// W4_IN_ARGS loads the input kernels' arguments (shared signature) into
// their registers, in bytes where they are strides. SI may point before
// x[0]: float 0 is then masked off.
#define W4_IN_ARGS \
	MOVQ  x+0(FP), SI \
	MOVQ  col+8(FP), AX \
	LEAQ  (SI)(AX*4), SI \
	MOVQ  chStride+16(FP), DX \
	MOVQ  nc+24(FP), CX \
	MOVQ  dst+32(FP), DI \
	MOVQ  xiStride+40(FP), R10 \
	MOVQ  cStride+48(FP), R11 \
	MOVQ  a+56(FP), R9 \
	SHLQ  $2, DX \
	SHLQ  $2, R10 \
	SHLQ  $2, R11 \
	LEAQ  (R10)(R10*2), R12 \
	LEAQ  (R10)(R10*4), R13

// W4_IN_CONSTS sets up the spill area and the constant registers.
#define W4_IN_CONSTS \
	LEAQ  63(SP), BX \
	ANDQ  $-64, BX \
	VBROADCASTSS w4Two<>(SB), Z27 \
	VBROADCASTSS w4Five<>(SB), Z28 \
	VBROADCASTSS w4Four<>(SB), Z29 \
	VMOVUPS w4Even<>(SB), Z30 \
	VMOVUPS w4Odd<>(SB), Z31

// func winograd43InputAVX512(x *float32, col, chStride, nc int, dst *float32, xiStride, cStride int, a *wg43In)
TEXT ·winograd43InputAVX512(SB), 0, $1216-64
	W4_IN_ARGS
	KMOVQ 96(R9), K1
	KSHIFTRQ $16, K1, K2
	KSHIFTRQ $32, K1, K3
	KSHIFTRQ $48, K1, K4
	KMOVW 104(R9), K5
	KSHIFTRW $1, K5, K7
	W4_IN_CONSTS

in_channel:
	// Even columns: d[r][k] = column 2k of row r in Z(3r+k).
	W4_ROW_EVEN(0, 48, Z0, Z1, Z2)
	W4_ROW_EVEN(8, 56, Z3, Z4, Z5)
	W4_ROW_EVEN(16, 64, Z6, Z7, Z8)
	W4_ROW_EVEN(24, 72, Z9, Z10, Z11)
	W4_ROW_EVEN(32, 80, Z12, Z13, Z14)
	W4_ROW_EVEN(40, 88, Z15, Z16, Z17)
	W4_COLS
	W4_SPILL

	// Odd columns: d[r][k] = column 2k+1.
	W4_ROW_ODD(0, 48, Z0, Z1, Z2)
	W4_ROW_ODD(8, 56, Z3, Z4, Z5)
	W4_ROW_ODD(16, 64, Z6, Z7, Z8)
	W4_ROW_ODD(24, 72, Z9, Z10, Z11)
	W4_ROW_ODD(32, 80, Z12, Z13, Z14)
	W4_ROW_ODD(40, 88, Z15, Z16, Z17)
	W4_COLS

	KMOVW 112(R9), K6
	MOVQ  DI, AX
	W4_ROWS(W4_ROWT)

	ADDQ DX, SI
	ADDQ R11, DI
	DECQ CX
	JNZ  in_channel
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// Output transform.
//
// Column s: the planes 6r+s (r = 0..5) of 16 tiles, output6 down r into
// t[a][s] = Z(4s+a). Row a: output6 of t[a][0..5] into y[a][0..3], which two
// levels of permutes interleave into the 64 floats 4t+b, stored with the tail
// masks K1..K4 (tiles with 4t+b < 4m). The second 32 floats are those of the
// 8 lanes from zipHi's first, stored hiOff bytes on: for one run of 16 tiles
// lanes 8..15 and 128 bytes; for a pair of runs (WinogradOutputPair4x3) the
// lanes of the second run, which follow the first's in the planes, stored
// at its place.
//
// Registers: SI src of the channel, DI dst of the channel, R8 chStride, R9
// rowStride, R10 xiStride, R11 cStride, R12 6·xiStride, R13 18·xiStride, R14
// 30·xiStride, DX hiOff (all in bytes), CX channels left, AX plane s, BX
// output row; K5 the load mask (m tiles); Z28 zipHi, Z29 2.0, Z30 4.0, Z31
// 8.0, Z24..Z27 scratch.

// W4_OUTPUT6 is output6: y0 → m0, y1 → m4, y2 → T1, y3 → m5; m1, m2, m3, T2
// are clobbered. One float32 operation per line, in output6's order.
#define W4_OUTPUT6(m0, m1, m2, m3, m4, m5, T1, T2) \
	VADDPS m2, m1, T1  \ // a = m1+m2
	VSUBPS m2, m1, m1  \ // b = m1−m2
	VADDPS m4, m3, T2  \ // c = m3+m4
	VSUBPS m4, m3, m3  \ // d = m3−m4
	VADDPS T1, m0, m0  \
	VADDPS T2, m0, m0  \ // y0 = (m0+a) + c
	VMULPS Z29, m3, m4 \
	VADDPS m4, m1, m4  \ // y1 = b + 2·d
	VMULPS Z30, T2, T2 \
	VADDPS T2, T1, T1  \ // y2 = a + 4·c
	VMULPS Z31, m3, m3 \
	VADDPS m3, m1, m1  \
	VADDPS m5, m1, m5    // y3 = (b + 8·d) + m5

// W4_OUT_COL transforms column s (planes at AX + 6r·xiStride) into y0..y3.
#define W4_OUT_COL(y0, y1, y2, y3) \
	VMOVUPS.Z (AX), K5, y0                       \
	VMOVUPS.Z (AX)(R12*1), K5, Z24               \
	VMOVUPS.Z (AX)(R12*2), K5, Z25               \
	VMOVUPS.Z (AX)(R13*1), K5, Z26               \
	VMOVUPS.Z (AX)(R12*4), K5, y1                \
	VMOVUPS.Z (AX)(R14*1), K5, y3                \
	W4_OUTPUT6(y0, Z24, Z25, Z26, y1, y3, y2, Z27) \
	ADDQ      R10, AX

// W4_OUT_COLS transforms the six columns of the channel's planes (from SI)
// into t[a][s] = Z(4s+a) and points BX at its first output row.
#define W4_OUT_COLS \
	MOVQ SI, AX                  \
	W4_OUT_COL(Z0, Z1, Z2, Z3)    \
	W4_OUT_COL(Z4, Z5, Z6, Z7)    \
	W4_OUT_COL(Z8, Z9, Z10, Z11)  \
	W4_OUT_COL(Z12, Z13, Z14, Z15) \
	W4_OUT_COL(Z16, Z17, Z18, Z19) \
	W4_OUT_COL(Z20, Z21, Z22, Z23) \
	MOVQ DI, BX

// W4_OUT_ROW transforms row a (t[a][s] in t0..t5), interleaves and stores it
// (lanes 0..7 at BX, the 8 lanes Z28 names at BX + DX), and moves BX to the
// next output row.
#define W4_OUT_ROW(t0, t1, t2, t3, t4, t5) \
	W4_OUTPUT6(t0, t1, t2, t3, t4, t5, Z24, Z25) \ // y0 t0, y1 t4, y2 Z24, y3 t5
	W4_OUT_STORE(t0, t1, t2, t3, t4, t5)

// W4_OUT_ROWB is W4_OUT_ROW adding the channel's bias (at AX, which the
// caller loads from the argument slot) to the four outputs before they are
// interleaved and stored.
#define W4_OUT_ROWB(t0, t1, t2, t3, t4, t5) \
	W4_OUTPUT6(t0, t1, t2, t3, t4, t5, Z24, Z25) \ // y0 t0, y1 t4, y2 Z24, y3 t5
	VADDPS.BCST (AX), t0, t0             \
	VADDPS.BCST (AX), t4, t4             \
	VADDPS.BCST (AX), Z24, Z24           \
	VADDPS.BCST (AX), t5, t5             \
	W4_OUT_STORE(t0, t1, t2, t3, t4, t5)

// W4_OUT_STORE interleaves and stores row a's outputs (y0 t0, y1 t4, y2 Z24,
// y3 t5).
#define W4_OUT_STORE(t0, t1, t2, t3, t4, t5) \
	VMOVUPS   w4Zip32Lo<>(SB), Z26   \
	VPERMI2PS t4, t0, Z26            \ // y0 y1 of tiles 0..7
	VMOVAPS   Z28, Z27               \
	VPERMI2PS t4, t0, Z27            \ // of tiles 8..15 (of lanes Z28 names)
	VMOVUPS   w4Zip32Lo<>(SB), t1    \
	VPERMI2PS t5, Z24, t1            \ // y2 y3 of tiles 0..7
	VMOVAPS   Z28, t2                \
	VPERMI2PS t5, Z24, t2            \ // of tiles 8..15
	VMOVUPS   w4Zip64Lo<>(SB), t0    \
	VPERMI2PD t1, Z26, t0            \ // y0..y3 of tiles 0..3
	VMOVUPS   w4Zip64Hi<>(SB), t3    \
	VPERMI2PD t1, Z26, t3            \ // 4..7
	VMOVUPS   w4Zip64Lo<>(SB), t4    \
	VPERMI2PD t2, Z27, t4            \ // 8..11
	VMOVUPS   w4Zip64Hi<>(SB), t5    \
	VPERMI2PD t2, Z27, t5            \ // 12..15
	VMOVUPS   t0, K1, (BX)           \
	VMOVUPS   t3, K2, 64(BX)         \
	VMOVUPS   t4, K3, (BX)(DX*1)     \
	VMOVUPS   t5, K4, 64(BX)(DX*1)   \
	LEAQ      (BX)(R8*2), AX         \ // the row two channels on:
	PREFETCHT0 (AX)                   \ // stores to lines not in cache
	PREFETCHT0 64(AX)                 \ // wait for them to be read
	PREFETCHT0 124(AX)                \
	PREFETCHT0 (AX)(DX*1)             \
	PREFETCHT0 64(AX)(DX*1)           \
	PREFETCHT0 124(AX)(DX*1)          \
	ADDQ      R9, BX

// func winograd43OutputAVX512(src *float32, xiStride, cStride, nc int, dst *float32, chStride, rowStride int, lmask, smask uint64, hiOff int, zipHi *[16]uint32, bias *float32)
//
// With a bias (not nil), the channel loop that adds it runs instead; its
// argument slot walks the channels.
TEXT ·winograd43OutputAVX512(SB), NOSPLIT, $0-96
	MOVQ  src+0(FP), SI
	MOVQ  xiStride+8(FP), R10
	MOVQ  cStride+16(FP), R11
	MOVQ  nc+24(FP), CX
	MOVQ  dst+32(FP), DI
	MOVQ  chStride+40(FP), R8
	MOVQ  rowStride+48(FP), R9
	MOVQ  lmask+56(FP), AX
	KMOVW AX, K5
	KMOVQ smask+64(FP), K1
	KSHIFTRQ $16, K1, K2
	KSHIFTRQ $32, K1, K3
	KSHIFTRQ $48, K1, K4
	SHLQ  $2, R8
	SHLQ  $2, R9
	SHLQ  $2, R10
	SHLQ  $2, R11
	LEAQ  (R10)(R10*2), R12
	SHLQ  $1, R12
	LEAQ  (R12)(R12*2), R13
	LEAQ  (R12)(R12*4), R14
	VBROADCASTSS w4Two<>(SB), Z29
	VBROADCASTSS w4Four<>(SB), Z30
	VBROADCASTSS w4Eight<>(SB), Z31
	MOVQ  hiOff+72(FP), DX
	MOVQ  zipHi+80(FP), AX
	VMOVUPS (AX), Z28

	MOVQ  bias+88(FP), AX
	TESTQ AX, AX
	JNZ   outb_channel

out_channel:
	W4_OUT_COLS
	W4_OUT_ROW(Z0, Z4, Z8, Z12, Z16, Z20)
	W4_OUT_ROW(Z1, Z5, Z9, Z13, Z17, Z21)
	W4_OUT_ROW(Z2, Z6, Z10, Z14, Z18, Z22)
	W4_OUT_ROW(Z3, Z7, Z11, Z15, Z19, Z23)
	ADDQ R11, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  out_channel
	VZEROUPPER
	RET

outb_channel:
	W4_OUT_COLS
	MOVQ bias+88(FP), AX
	W4_OUT_ROWB(Z0, Z4, Z8, Z12, Z16, Z20)
	MOVQ bias+88(FP), AX
	W4_OUT_ROWB(Z1, Z5, Z9, Z13, Z17, Z21)
	MOVQ bias+88(FP), AX
	W4_OUT_ROWB(Z2, Z6, Z10, Z14, Z18, Z22)
	MOVQ bias+88(FP), AX
	W4_OUT_ROWB(Z3, Z7, Z11, Z15, Z19, Z23)
	ADDQ $4, bias+88(FP)
	ADDQ R11, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  outb_channel
	VZEROUPPER
	RET


// ---------------------------------------------------------------------------
// Pair input transform (WinogradInputPair4x3): run A of nA ≤ 7 tiles in
// lanes 0..nA−1, run B of nB ≤ 7 in lanes nA..nA+nB−1, each read from its
// own rows. Masked 512-bit stores are what the transform spends most on (on
// Zen 4 about three cycles each), so B's lanes follow A's: where B's planes
// follow A's too (tiles of one micro-panel), every plane is one store, as
// for one run; else A's and B's lanes are stored separately.
//
// A row of a run is 32 floats (its tiles use at most 4·7+2), loaded into
// Z20, Z21 (A, masks K1, K2) and Z22, Z23 (B, K3, K4); the first-level
// permute is the one-run kernel's, and the second level picks each lane's
// phase with the three index vectors of the wg43Pair (columns s, s+2 and
// s+4: phases 0, 2 and 0 of the next tile for the even columns, 1, 3, 1 for
// the odd ones), which also place B's tiles after A's.
//
// Registers as in winograd43InputAVX512; R9 the wg43Pair, R14 B's row offset
// during the loads and B's destination during separate stores.

// W4_LOAD2 loads row r of both runs (wg43Pair offsets roff, roffB, rmask);
// K6 is the row mask (A's lanes, B's lanes).
#define W4_LOAD2(roff, roffB, rmask) \
	MOVQ      roff(R9), R8              \
	MOVQ      roffB(R9), R14            \
	KMOVW     rmask(R9), K6             \
	VMOVUPS.Z (SI)(R8*1), K1, Z20       \
	VMOVUPS.Z 64(SI)(R8*1), K2, Z21     \
	VMOVUPS.Z (SI)(R14*1), K3, Z22      \
	VMOVUPS.Z 64(SI)(R14*1), K4, Z23

// W4_LOAD2P is W4_LOAD2 that also prefetches the same row of both runs two
// channels on (the 32 floats from each run's offset: three lines where the
// segment is not line-aligned). The image rows of a block of channels are
// short runs a channel-stride apart, too scattered for the hardware
// prefetchers: without it the transform waited on memory (a quarter of the
// speed it has with x in cache). Prefetches past the image do not fault.
#define W4_LOAD2P(roff, roffB, rmask) \
	W4_LOAD2(roff, roffB, rmask)        \
	LEAQ       (R8)(DX*2), R8           \
	LEAQ       (R14)(DX*2), R14         \
	PREFETCHT0 (SI)(R8*1)               \
	PREFETCHT0 64(SI)(R8*1)             \
	PREFETCHT0 124(SI)(R8*1)            \
	PREFETCHT0 (SI)(R14*1)              \
	PREFETCHT0 64(SI)(R14*1)            \
	PREFETCHT0 124(SI)(R14*1)

// W4_SPLIT2 leaves columns s, s+2, s+4 of the loaded row in da, db, dc
// (first: w4Even for s = 0, w4Odd for s = 1).
#define W4_SPLIT2(first, da, db, dc) \
	VPERMT2PS   Z21, first, Z20       \ // phases s, s+2 of A's tiles
	VPERMT2PS   Z23, first, Z22       \ // of B's
	VMOVUPS     176(R9), da           \
	VPERMI2PS.Z Z22, Z20, K6, da      \
	VMOVUPS     240(R9), db           \
	VPERMI2PS.Z Z22, Z20, K6, db      \
	VMOVUPS     304(R9), dc           \
	VPERMI2PS.Z Z22, Z20, K6, dc

// W4_ROWT2 is W4_ROWT storing A's lanes (K6) at AX and B's (K7) at R14,
// which it moves along with AX.
#define W4_ROWT2(off, u1, u3, u5) \
	W4_ROWT_CALC(off, u1, u3, u5)                        \
	VMOVUPS Z9, K6, (AX)                                 \
	VMOVUPS Z9, K7, (R14)                                \
	VMOVUPS Z12, K6, (AX)(R10*1)                         \
	VMOVUPS Z12, K7, (R14)(R10*1)                        \
	VMOVUPS Z13, K6, (AX)(R10*2)                         \
	VMOVUPS Z13, K7, (R14)(R10*2)                        \
	VMOVUPS u1, K6, (AX)(R12*1)                          \
	VMOVUPS u1, K7, (R14)(R12*1)                         \
	VMOVUPS Z10, K6, (AX)(R10*4)                         \
	VMOVUPS Z10, K7, (R14)(R10*4)                        \
	VMOVUPS u5, K6, (AX)(R13*1)                          \
	VMOVUPS u5, K7, (R14)(R13*1)                         \
	LEAQ    (AX)(R12*2), AX                              \
	LEAQ    (R14)(R12*2), R14

// func winograd43InputPairAVX512(x *float32, col, chStride, nc int, dst *float32, xiStride, cStride int, a *wg43Pair)
TEXT ·winograd43InputPairAVX512(SB), 0, $1216-64
	W4_IN_ARGS
	KMOVQ 144(R9), K1
	KSHIFTRQ $16, K1, K2
	KSHIFTRQ $32, K1, K3
	KSHIFTRQ $48, K1, K4
	W4_IN_CONSTS

pair_in_channel:
	W4_LOAD2P(0, 48, 96)
	W4_SPLIT2(Z30, Z0, Z1, Z2)
	W4_LOAD2P(8, 56, 104)
	W4_SPLIT2(Z30, Z3, Z4, Z5)
	W4_LOAD2P(16, 64, 112)
	W4_SPLIT2(Z30, Z6, Z7, Z8)
	W4_LOAD2P(24, 72, 120)
	W4_SPLIT2(Z30, Z9, Z10, Z11)
	W4_LOAD2P(32, 80, 128)
	W4_SPLIT2(Z30, Z12, Z13, Z14)
	W4_LOAD2P(40, 88, 136)
	W4_SPLIT2(Z30, Z15, Z16, Z17)
	W4_COLS
	W4_SPILL

	W4_LOAD2(0, 48, 96)
	W4_SPLIT2(Z31, Z0, Z1, Z2)
	W4_LOAD2(8, 56, 104)
	W4_SPLIT2(Z31, Z3, Z4, Z5)
	W4_LOAD2(16, 64, 112)
	W4_SPLIT2(Z31, Z6, Z7, Z8)
	W4_LOAD2(24, 72, 120)
	W4_SPLIT2(Z31, Z9, Z10, Z11)
	W4_LOAD2(32, 80, 128)
	W4_SPLIT2(Z31, Z12, Z13, Z14)
	W4_LOAD2(40, 88, 136)
	W4_SPLIT2(Z31, Z15, Z16, Z17)
	W4_COLS

	KMOVW 152(R9), K6
	KMOVW 160(R9), K7
	MOVQ  DI, AX
	KORTESTW K7, K7
	JNZ   pair_in_apart
	W4_ROWS(W4_ROWT)
	JMP   pair_in_next

pair_in_apart:
	MOVQ  168(R9), R14
	ADDQ  DI, R14
	W4_ROWS(W4_ROWT2)

pair_in_next:
	ADDQ DX, SI
	ADDQ R11, DI
	DECQ CX
	JNZ  pair_in_channel
	VZEROUPPER
	RET
