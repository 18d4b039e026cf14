//go:build amd64 && gc && !purego

#include "textflag.h"

// Winograd F(2×2,3×3) transforms for AVX-512: the input transform from an
// unpadded image and the output transform (declared in winograd_amd64.go; the
// contract is winograd.go). ABI0.
//
// Both kernels take 16 tiles of one channel per step (one zmm lane per tile)
// and loop over all channels in one call: channels outside, blocks of 16
// tiles inside. Every lane does exactly the additions of
// winogradInputImageGeneric / winogradOutputGeneric in the same order (no
// FMA), so the results are the same bits. Masked-off lanes are neither read
// (no fault, no access beyond the geometry) nor written.

// Two-table VPERMT2PS / VPERMI2PS indices: 0..15 pick from the first table,
// 16..31 from the second.

// wgEven: lanes 0,2,..,30 of the 32 floats (a, b) — column s of each tile.
DATA wgEven<>+0(SB)/4, $0
DATA wgEven<>+4(SB)/4, $2
DATA wgEven<>+8(SB)/4, $4
DATA wgEven<>+12(SB)/4, $6
DATA wgEven<>+16(SB)/4, $8
DATA wgEven<>+20(SB)/4, $10
DATA wgEven<>+24(SB)/4, $12
DATA wgEven<>+28(SB)/4, $14
DATA wgEven<>+32(SB)/4, $16
DATA wgEven<>+36(SB)/4, $18
DATA wgEven<>+40(SB)/4, $20
DATA wgEven<>+44(SB)/4, $22
DATA wgEven<>+48(SB)/4, $24
DATA wgEven<>+52(SB)/4, $26
DATA wgEven<>+56(SB)/4, $28
DATA wgEven<>+60(SB)/4, $30
GLOBL wgEven<>(SB), RODATA|NOPTR, $64

// wgOdd: lanes 1,3,..,31 — column s+1 of each tile.
DATA wgOdd<>+0(SB)/4, $1
DATA wgOdd<>+4(SB)/4, $3
DATA wgOdd<>+8(SB)/4, $5
DATA wgOdd<>+12(SB)/4, $7
DATA wgOdd<>+16(SB)/4, $9
DATA wgOdd<>+20(SB)/4, $11
DATA wgOdd<>+24(SB)/4, $13
DATA wgOdd<>+28(SB)/4, $15
DATA wgOdd<>+32(SB)/4, $17
DATA wgOdd<>+36(SB)/4, $19
DATA wgOdd<>+40(SB)/4, $21
DATA wgOdd<>+44(SB)/4, $23
DATA wgOdd<>+48(SB)/4, $25
DATA wgOdd<>+52(SB)/4, $27
DATA wgOdd<>+56(SB)/4, $29
DATA wgOdd<>+60(SB)/4, $31
GLOBL wgOdd<>(SB), RODATA|NOPTR, $64

// wgZipLo: a0 b0 a1 b1 .. a7 b7 — interleaves the two outputs of tiles 0..7.
DATA wgZipLo<>+0(SB)/4, $0
DATA wgZipLo<>+4(SB)/4, $16
DATA wgZipLo<>+8(SB)/4, $1
DATA wgZipLo<>+12(SB)/4, $17
DATA wgZipLo<>+16(SB)/4, $2
DATA wgZipLo<>+20(SB)/4, $18
DATA wgZipLo<>+24(SB)/4, $3
DATA wgZipLo<>+28(SB)/4, $19
DATA wgZipLo<>+32(SB)/4, $4
DATA wgZipLo<>+36(SB)/4, $20
DATA wgZipLo<>+40(SB)/4, $5
DATA wgZipLo<>+44(SB)/4, $21
DATA wgZipLo<>+48(SB)/4, $6
DATA wgZipLo<>+52(SB)/4, $22
DATA wgZipLo<>+56(SB)/4, $7
DATA wgZipLo<>+60(SB)/4, $23
GLOBL wgZipLo<>(SB), RODATA|NOPTR, $64


// ---------------------------------------------------------------------------
// Input transform from an unpadded image (WinogradInputImage2x3).
//
// For image row r of a block, the 16 tiles need the 34 floats at column
// 2j0−1 (R15): the pair (0(R15), 64(R15)) de-interleaves into columns s = 0
// (even lanes) and 1 (odd lanes), the pair (8(R15), 72(R15)) two floats
// further on into columns 2 and 3. d[r][s] lands in Z(4r+s).
//
// Every load is masked (K4..K7 for the loads at 0, 64, 8, 72 bytes, K3 for the
// stores, taken from the Go-computed table per block): the column left of the
// image and the columns right of it are masked-off lanes, which read as +0 —
// the zero padding — and touch no memory; so are the lanes of tiles past the
// last one. Patch rows outside the image (bit r of DX clear) are not loaded
// at all: their registers are zeroed out of line.
//
// Registers: SI src of channel c at (row 2i−1, column 2j0−1), DI dst of
// channel c, R8 chStride, R9 w (the row stride), R10 xiStride, R11 cStride,
// R12 3·xiStride (all in bytes), DX row bits, BX blocks left, CX mask table
// entry of the block, R13 / R14 src / dst of the block, R15 image row, AX
// transformed plane 4r; Z30 wgEven, Z31 wgOdd; the channel count is in the
// frame (no register left).

// WG_DEINT turns the loaded pair (lo, hi) into evens in ev and odds in lo.
#define WG_DEINT(lo, hi, ev) \
	VMOVAPS   Z30, ev     \
	VPERMI2PS hi, lo, ev  \
	VPERMT2PS hi, Z31, lo

// WG_IN_COL is the column step Bᵀd for column s, in place except t1:
// t0 = d0-d2 (in d0), t1 = d1+d2 (in t1), t2 = d2-d1 (in d2), t3 = d1-d3 (in d3).
#define WG_IN_COL(d0, d1, d2, d3, t1) \
	VSUBPS d2, d0, d0 \
	VADDPS d2, d1, t1 \
	VSUBPS d1, d2, d2 \
	VSUBPS d3, d1, d3

// WG_IN_ROWSTEP is the row step (Bᵀd)B of one row t0..t3 into Z24..Z27.
#define WG_IN_ROWSTEP(t0, t1, t2, t3) \
	VSUBPS t2, t0, Z24 \
	VADDPS t2, t1, Z25 \
	VSUBPS t1, t2, Z26 \
	VSUBPS t3, t1, Z27

// WG_IN_STORE stores the tiles of K3 of Z24..Z27 to planes 4r..4r+3 and
// moves AX to plane 4r+4.
#define WG_IN_STORE \
	VMOVUPS Z24, K3, (AX)        \
	VMOVUPS Z25, K3, (AX)(R10*1) \
	VMOVUPS Z26, K3, (AX)(R10*2) \
	VMOVUPS Z27, K3, (AX)(R12*1) \
	LEAQ    (AX)(R10*4), AX

// After WG_IN_COL the transformed rows live in: row 0 Z0-Z3, row 1 Z16-Z19,
// row 2 Z8-Z11, row 3 Z12-Z15.
#define WG_IN_COMPUTE \
	WG_IN_COL(Z0, Z4, Z8, Z12, Z16) \
	WG_IN_COL(Z1, Z5, Z9, Z13, Z17) \
	WG_IN_COL(Z2, Z6, Z10, Z14, Z18) \
	WG_IN_COL(Z3, Z7, Z11, Z15, Z19)

// WG_IN_TRANSFORM transforms the loaded rows d[r][s] = Z(4r+s) and stores
// the 16 planes from dst on (AX is clobbered).
#define WG_IN_TRANSFORM(dst) \
	WG_IN_COMPUTE                     \
	MOVQ dst, AX                      \
	WG_IN_ROWSTEP(Z0, Z1, Z2, Z3)     \
	WG_IN_STORE                       \
	WG_IN_ROWSTEP(Z16, Z17, Z18, Z19) \
	WG_IN_STORE                       \
	WG_IN_ROWSTEP(Z8, Z9, Z10, Z11)   \
	WG_IN_STORE                       \
	WG_IN_ROWSTEP(Z12, Z13, Z14, Z15) \
	WG_IN_STORE

// WG_IMG_ROW loads one image row of the block into d0..d3 (t, t2 scratch)
// and prefetches the same row two channels on (see WG_PAIR_ROW).
#define WG_IMG_ROW(d0, d1, d2, d3, t, t2) \
	VMOVUPS.Z (R15), K4, d1   \
	VMOVUPS.Z 64(R15), K5, t  \
	VMOVUPS.Z 8(R15), K6, d3  \
	VMOVUPS.Z 72(R15), K7, t2 \
	PREFETCHT0 (R15)(R8*2)    \
	PREFETCHT0 64(R15)(R8*2)  \
	PREFETCHT0 132(R15)(R8*2) \
	WG_DEINT(d1, t, d0)       \
	WG_DEINT(d3, t2, d2)

#define WG_ZERO_ROW(d0, d1, d2, d3) \
	VPXORD d0, d0, d0 \
	VPXORD d1, d1, d1 \
	VPXORD d2, d2, d2 \
	VPXORD d3, d3, d3

// func winogradInputImageAVX512(x *float32, off, chStride, w, nc, nblocks, rows int, masks *[3][8]uint16, dst *float32, xiStride, cStride int)
TEXT ·winogradInputImageAVX512(SB), NOSPLIT, $8-88
	VMOVUPS wgEven<>(SB), Z30
	VMOVUPS wgOdd<>(SB), Z31
	MOVQ    x+0(FP), SI
	MOVQ    off+8(FP), AX
	LEAQ    (SI)(AX*4), SI // may point outside the image: only masked-in lanes of in-image rows are read
	MOVQ    chStride+16(FP), R8
	MOVQ    w+24(FP), R9
	MOVQ    nc+32(FP), AX
	MOVQ    AX, chans-8(SP)
	MOVQ    rows+48(FP), DX
	MOVQ    dst+64(FP), DI
	MOVQ    xiStride+72(FP), R10
	MOVQ    cStride+80(FP), R11
	SHLQ    $2, R8
	SHLQ    $2, R9
	SHLQ    $2, R10
	SHLQ    $2, R11
	LEAQ    (R10)(R10*2), R12

img_channel:
	MOVQ SI, R13
	MOVQ DI, R14
	MOVQ nblocks+40(FP), BX
	MOVQ masks+56(FP), CX // entry 0: the first block

img_block:
	KMOVW 0(CX), K4
	KMOVW 2(CX), K5
	KMOVW 4(CX), K6
	KMOVW 6(CX), K7
	KMOVW 8(CX), K3
	MOVQ  R13, R15
	TESTQ $1, DX
	JZ    img_zero0
	WG_IMG_ROW(Z0, Z1, Z2, Z3, Z16, Z17)

img_row1:
	ADDQ  R9, R15
	TESTQ $2, DX
	JZ    img_zero1
	WG_IMG_ROW(Z4, Z5, Z6, Z7, Z18, Z19)

img_row2:
	ADDQ  R9, R15
	TESTQ $4, DX
	JZ    img_zero2
	WG_IMG_ROW(Z8, Z9, Z10, Z11, Z20, Z21)

img_row3:
	ADDQ  R9, R15
	TESTQ $8, DX
	JZ    img_zero3
	WG_IMG_ROW(Z12, Z13, Z14, Z15, Z22, Z23)

img_compute:
	WG_IN_TRANSFORM(R14)
	ADDQ $128, R13 // 16 tiles = 32 image floats
	ADDQ $64, R14  // 16 tiles = 16 plane floats
	DECQ BX
	JZ   img_next

	// Next block: entry 1 (a middle block), or entry 2 if it is the last.
	MOVQ masks+56(FP), CX
	ADDQ $16, CX
	CMPQ BX, $1
	JNE  img_block
	ADDQ $16, CX
	JMP  img_block

img_next:
	ADDQ R8, SI
	ADDQ R11, DI
	DECQ chans-8(SP)
	JNZ  img_channel
	VZEROUPPER
	RET

	// Patch rows above or below the image: zeros, no loads.
img_zero0:
	WG_ZERO_ROW(Z0, Z1, Z2, Z3)
	JMP img_row1

img_zero1:
	WG_ZERO_ROW(Z4, Z5, Z6, Z7)
	JMP img_row2

img_zero2:
	WG_ZERO_ROW(Z8, Z9, Z10, Z11)
	JMP img_row3

img_zero3:
	WG_ZERO_ROW(Z12, Z13, Z14, Z15)
	JMP img_compute

// ---------------------------------------------------------------------------
// Output transform.
//
// Full blocks of 16 tiles, then one masked block for the n mod 16 remaining
// tiles. m[ξ] of 16 tiles is the vector at plane ξ, Z(ξ). The two output rows a
// (Z24/Z25 for a = 0, Z26/Z27 for a = 1, outputs b = 0/1) are interleaved
// into 32 consecutive floats each.
//
// Registers: SI src of channel c, DI dst of channel c, R10 xiStride, R11
// cStride, R12 3·xiStride, R8 chStride, R9 rowStride (all in bytes), CX
// channels left, DX full blocks per channel, BX blocks left, R13 / R14
// src / dst of the block, AX plane 4r; Z30 wgZipLo, Z31 wgZipHi.

// WG_MASKS sets the output kernel's tail load mask K3 = (1<<m)−1 for
// m = DX mod 16 tiles, one float per tile of the transformed planes
// (clobbers BX, CX).
#define WG_MASKS \
	MOVQ DX, CX        \
	ANDQ $15, CX       \
	MOVL $1, BX        \
	SHLL CX, BX        \
	DECL BX            \
	KMOVW BX, K3

#define WG_OUT_LOAD \
	VMOVUPS (AX), Z0         \
	VMOVUPS (AX)(R10*1), Z1  \
	VMOVUPS (AX)(R10*2), Z2  \
	VMOVUPS (AX)(R12*1), Z3  \
	LEAQ    (AX)(R10*4), AX  \
	VMOVUPS (AX), Z4         \
	VMOVUPS (AX)(R10*1), Z5  \
	VMOVUPS (AX)(R10*2), Z6  \
	VMOVUPS (AX)(R12*1), Z7  \
	LEAQ    (AX)(R10*4), AX  \
	VMOVUPS (AX), Z8         \
	VMOVUPS (AX)(R10*1), Z9  \
	VMOVUPS (AX)(R10*2), Z10 \
	VMOVUPS (AX)(R12*1), Z11 \
	LEAQ    (AX)(R10*4), AX  \
	VMOVUPS (AX), Z12        \
	VMOVUPS (AX)(R10*1), Z13 \
	VMOVUPS (AX)(R10*2), Z14 \
	VMOVUPS (AX)(R12*1), Z15

#define WG_OUT_LOAD_TAIL \
	VMOVUPS.Z (AX), K3, Z0         \
	VMOVUPS.Z (AX)(R10*1), K3, Z1  \
	VMOVUPS.Z (AX)(R10*2), K3, Z2  \
	VMOVUPS.Z (AX)(R12*1), K3, Z3  \
	LEAQ      (AX)(R10*4), AX      \
	VMOVUPS.Z (AX), K3, Z4         \
	VMOVUPS.Z (AX)(R10*1), K3, Z5  \
	VMOVUPS.Z (AX)(R10*2), K3, Z6  \
	VMOVUPS.Z (AX)(R12*1), K3, Z7  \
	LEAQ      (AX)(R10*4), AX      \
	VMOVUPS.Z (AX), K3, Z8         \
	VMOVUPS.Z (AX)(R10*1), K3, Z9  \
	VMOVUPS.Z (AX)(R10*2), K3, Z10 \
	VMOVUPS.Z (AX)(R12*1), K3, Z11 \
	LEAQ      (AX)(R10*4), AX      \
	VMOVUPS.Z (AX), K3, Z12        \
	VMOVUPS.Z (AX)(R10*1), K3, Z13 \
	VMOVUPS.Z (AX)(R10*2), K3, Z14 \
	VMOVUPS.Z (AX)(R12*1), K3, Z15

// WG_OUT_COL is the column step Aᵀm for column s:
// t0 = (m0+m4)+m8 into u0, t1 = (m4-m8)-m12 into u1.
#define WG_OUT_COL(m0, m4, m8, m12, u0, u1) \
	VADDPS m4, m0, u0  \
	VADDPS m8, u0, u0  \
	VSUBPS m8, m4, u1  \
	VSUBPS m12, u1, u1

// WG_OUT_ROW is the row step for row a: y0 = (t0+t1)+t2, y1 = (t1-t2)-t3.
#define WG_OUT_ROW(t0, t1, t2, t3, y0, y1) \
	VADDPS t1, t0, y0 \
	VADDPS t2, y0, y0 \
	VSUBPS t2, t1, y1 \
	VSUBPS t3, y1, y1

// WG_OUT_COMPUTE leaves output row 0 in Z24 (b=0) / Z25 (b=1) and row 1 in
// Z26 / Z27, then interleaves them: row 0 in Z28 (tiles 0..7) / Z24 (8..15),
// row 1 in Z29 / Z26.
#define WG_OUT_COMPUTE \
	WG_OUT_COL(Z0, Z4, Z8, Z12, Z16, Z20)   \
	WG_OUT_COL(Z1, Z5, Z9, Z13, Z17, Z21)   \
	WG_OUT_COL(Z2, Z6, Z10, Z14, Z18, Z22)  \
	WG_OUT_COL(Z3, Z7, Z11, Z15, Z19, Z23)  \
	WG_OUT_ROW(Z16, Z17, Z18, Z19, Z24, Z25) \
	WG_OUT_ROW(Z20, Z21, Z22, Z23, Z26, Z27) \
	VMOVAPS   Z30, Z28                      \
	VPERMI2PS Z25, Z24, Z28                 \
	VPERMT2PS Z25, Z31, Z24                 \
	VMOVAPS   Z30, Z29                      \
	VPERMI2PS Z27, Z26, Z29                 \
	VPERMT2PS Z27, Z31, Z26

// WG_OUT_ADD_BIAS adds the bias at AX to the two interleaved output rows.
#define WG_OUT_ADD_BIAS \
	VADDPS.BCST (AX), Z28, Z28 \
	VADDPS.BCST (AX), Z24, Z24 \
	VADDPS.BCST (AX), Z29, Z29 \
	VADDPS.BCST (AX), Z26, Z26

// func winogradOutputAVX512(src *float32, xiStride, cStride, nc, n int, dst *float32, chStride, rowStride int, tailMask uint64, hiOff int, zipHi *[16]uint32, bias *float32)
//
// The tail block stores its first 8 lanes with K1 = the low 16 bits of
// tailMask, and the 8 lanes zipHi names with K2 = the next 16 bits, hiOff
// bytes on (for one run: lanes 8..15, 64 bytes, the 2m floats of (1<<2m)−1;
// for a pair of runs, WinogradOutputPair2x3: B's lanes, at B's place).
// With a bias (not nil) the channel's bias is added to the outputs before
// they are stored; the argument slot walks the channels.
TEXT ·winogradOutputAVX512(SB), NOSPLIT, $0-96
	MOVQ n+32(FP), DX
	WG_MASKS
	MOVQ  tailMask+64(FP), AX
	KMOVW AX, K1
	SHRQ  $16, AX
	KMOVW AX, K2
	VMOVUPS wgZipLo<>(SB), Z30
	MOVQ  zipHi+80(FP), AX
	VMOVUPS (AX), Z31
	MOVQ src+0(FP), SI
	MOVQ xiStride+8(FP), R10
	MOVQ cStride+16(FP), R11
	MOVQ nc+24(FP), CX
	MOVQ dst+40(FP), DI
	MOVQ chStride+48(FP), R8
	MOVQ rowStride+56(FP), R9
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R11
	LEAQ (R10)(R10*2), R12
	SHRQ $4, DX

out_channel:
	MOVQ  SI, R13
	MOVQ  DI, R14
	MOVQ  DX, BX
	TESTQ BX, BX
	JZ    out_tail

out_block:
	MOVQ    R13, AX
	WG_OUT_LOAD
	WG_OUT_COMPUTE
	MOVQ    bias+88(FP), AX
	TESTQ   AX, AX
	JZ      out_block_store
	WG_OUT_ADD_BIAS

out_block_store:
	VMOVUPS Z28, (R14)
	VMOVUPS Z24, 64(R14)
	VMOVUPS Z29, (R14)(R9*1)
	VMOVUPS Z26, 64(R14)(R9*1)
	LEAQ    (R14)(R8*2), AX // the rows two channels on: stores to lines
	PREFETCHT0 (AX)         // not in cache wait for them to be read
	PREFETCHT0 64(AX)
	PREFETCHT0 124(AX)
	PREFETCHT0 (AX)(R9*1)
	PREFETCHT0 64(AX)(R9*1)
	PREFETCHT0 124(AX)(R9*1)
	ADDQ    $64, R13  // 16 tiles = 16 plane floats
	ADDQ    $128, R14 // 16 tiles = 32 image floats
	DECQ    BX
	JNZ     out_block

out_tail:
	KORTESTW K3, K3
	JZ       out_next
	MOVQ     R13, AX
	WG_OUT_LOAD_TAIL
	WG_OUT_COMPUTE
	MOVQ     bias+88(FP), AX
	TESTQ    AX, AX
	JZ       out_tail_store
	WG_OUT_ADD_BIAS

out_tail_store:
	MOVQ     hiOff+72(FP), R15
	ADDQ     R14, R15
	VMOVUPS  Z28, K1, (R14)
	VMOVUPS  Z24, K2, (R15)
	VMOVUPS  Z29, K1, (R14)(R9*1)
	VMOVUPS  Z26, K2, (R15)(R9*1)
	LEAQ     (R14)(R8*2), AX
	PREFETCHT0 (AX)
	PREFETCHT0 60(AX)
	PREFETCHT0 (AX)(R9*1)
	PREFETCHT0 60(AX)(R9*1)
	LEAQ     (R15)(R8*2), AX
	PREFETCHT0 (AX)
	PREFETCHT0 60(AX)
	PREFETCHT0 (AX)(R9*1)
	PREFETCHT0 60(AX)(R9*1)

out_next:
	MOVQ  bias+88(FP), AX
	TESTQ AX, AX
	JZ    out_advance
	ADDQ  $4, AX
	MOVQ  AX, bias+88(FP)

out_advance:
	ADDQ R11, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  out_channel
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// Pair input transform (WinogradInputPair2x3): run A of nA ≤ 7 tiles in lanes
// 0..nA−1, run B of nB ≤ 7 in lanes nA..nA+nB−1, B's planes right after A's
// (the Go side calls the one-run kernel twice otherwise), so each plane is
// one masked store as for one run (the stores are what these transforms
// spend most on). A row of a run is the 16 floats from column 2j0−1 (its
// tiles read at most 2·7+2): one load per run (masks K1, K2), and four
// two-table permutes with the wg23Pair's index vectors give columns
// s = 0..3 of both runs' tiles, lanes outside the row (patch rows outside
// the image) zeroed by the row mask K4.
//
// Registers: SI x + 4·(float 0 of A's row segment in row 0), DI dst, R9 the
// wg23Pair, R8 chStride, R10 xiStride, R11 cStride, R12 3·xiStride (bytes),
// CX channels left, AX / BX row offsets, then AX the plane pointer; K3 the
// store mask.

// WG_PAIR_ROW loads row r of both runs (wg23Pair offsets roff, roffB, rmask)
// into d0..d3 (columns s = 0..3), and prefetches the same rows two channels
// on: a block of channels reads short row segments a channel-stride apart,
// too scattered for the hardware prefetchers, and without the prefetches the
// transforms waited on memory (half the speed they have with x in cache).
// Prefetches past the image do not fault.
#define WG_PAIR_ROW(roff, roffB, rmask, d0, d1, d2, d3) \
	MOVQ        roff(R9), AX        \
	MOVQ        roffB(R9), BX       \
	KMOVW       rmask(R9), K4       \
	VMOVUPS.Z   (SI)(AX*1), K1, Z20 \
	VMOVUPS.Z   (SI)(BX*1), K2, Z21 \
	LEAQ        (AX)(R8*2), AX      \
	LEAQ        (BX)(R8*2), BX      \
	PREFETCHT0  (SI)(AX*1)          \
	PREFETCHT0  60(SI)(AX*1)        \
	PREFETCHT0  (SI)(BX*1)          \
	PREFETCHT0  60(SI)(BX*1)        \
	VMOVUPS     120(R9), d0         \
	VPERMI2PS.Z Z21, Z20, K4, d0    \
	VMOVUPS     184(R9), d1         \
	VPERMI2PS.Z Z21, Z20, K4, d1    \
	VMOVUPS     248(R9), d2         \
	VPERMI2PS.Z Z21, Z20, K4, d2    \
	VMOVUPS     312(R9), d3         \
	VPERMI2PS.Z Z21, Z20, K4, d3

// func winogradInputPairAVX512(x *float32, col, chStride, nc int, dst *float32, xiStride, cStride int, p *wg23Pair)
TEXT ·winogradInputPairAVX512(SB), NOSPLIT, $0-64
	MOVQ  x+0(FP), SI
	MOVQ  col+8(FP), AX
	LEAQ  (SI)(AX*4), SI // may point before x[0]: float 0 is then masked off
	MOVQ  chStride+16(FP), R8
	MOVQ  nc+24(FP), CX
	MOVQ  dst+32(FP), DI
	MOVQ  xiStride+40(FP), R10
	MOVQ  cStride+48(FP), R11
	MOVQ  p+56(FP), R9
	SHLQ  $2, R8
	SHLQ  $2, R10
	SHLQ  $2, R11
	LEAQ  (R10)(R10*2), R12
	KMOVW 96(R9), K1
	KMOVW 104(R9), K2
	KMOVW 112(R9), K3

pair_channel:
	WG_PAIR_ROW(0, 32, 64, Z0, Z1, Z2, Z3)
	WG_PAIR_ROW(8, 40, 72, Z4, Z5, Z6, Z7)
	WG_PAIR_ROW(16, 48, 80, Z8, Z9, Z10, Z11)
	WG_PAIR_ROW(24, 56, 88, Z12, Z13, Z14, Z15)
	WG_IN_TRANSFORM(DI)
	ADDQ R8, SI
	ADDQ R11, DI
	DECQ CX
	JNZ  pair_channel
	VZEROUPPER
	RET
