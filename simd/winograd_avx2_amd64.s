//go:build amd64 && gc && !purego

#include "textflag.h"

// Winograd F(2×2,3×3) transforms for AVX2: the input transform from an
// unpadded image and the output transform (declared in winograd_avx2_amd64.go;
// the contract is winograd.go). ABI0.
//
// Both kernels take 8 tiles of one channel per step (one ymm lane per tile),
// channels outside, blocks inside, and do exactly the additions of
// winogradInputImageGeneric / winogradOutputGeneric in the same order (no
// FMA), so the results are the same bits as the generic loops and the AVX-512
// kernels.
//
// Loads are VMASKMOVPS with a lane mask: a masked-off lane reads +0 and
// touches no memory, which supplies the zero padding around the image. Stores
// are plain: a masked store is microcoded on AMD before Zen 4 (about 20
// cycles against one). So a run of n ≥ 8 tiles ends with the block of its
// last 8 tiles, which overlaps the block before and stores the same bits
// again there, and a run of n < 8 tiles is stored to the frame and its tiles
// copied out with 32-, 16-, 8- and 4-byte moves.

// ---------------------------------------------------------------------------
// Input transform (WinogradInputImage2x3).
//
// For patch row r of a block, the 8 tiles need the 18 floats from column
// 2j0−1+16b (R15): the loads at 0 and 32 bytes de-interleave into columns
// s = 0 (even positions) and 1 (odd), those at 8 and 40 into 2 and 3.
//
// Registers: SI src of channel c at (row 2i−1, column 2j0−1), DI dst of
// channel c, R8 chStride, R10 xiStride, R11 cStride, R12 3·xiStride (bytes),
// DX the wg2Input table, CX the mask entry of the block, BX blocks left,
// R13 / R14 src / dst of the block, R15 the patch row, AX its mask row, then
// the planes being stored. d1 lives in Y0..Y3, d2 in Y4..Y7, the row of Bᵀd
// being transformed in Y8..Y11; Y13..Y15 are scratch.

// WG2_LOAD_ROW loads patch row r (offset rowOff at +off, mask selector at
// +sel of the table) as columns s = 0..3 into d0..d3.
#define WG2_LOAD_ROW(off, sel, d0, d1, d2, d3) \
	MOVQ       off(DX), R15          \
	ADDQ       R13, R15              \
	PREFETCHT0 (R15)(R8*2)           \
	PREFETCHT0 68(R15)(R8*2)         \
	MOVQ       sel(DX), AX           \
	ADDQ       CX, AX                \
	VMOVUPS    0(AX), Y14            \
	VMASKMOVPS 0(R15), Y14, Y13      \
	VMOVUPS    32(AX), Y14           \
	VMASKMOVPS 32(R15), Y14, Y15     \
	VSHUFPS    $0x88, Y15, Y13, d0   \
	VSHUFPS    $0xDD, Y15, Y13, d1   \
	VPERMPD    $0xD8, d0, d0         \
	VPERMPD    $0xD8, d1, d1         \
	VMOVUPS    64(AX), Y14           \
	VMASKMOVPS 8(R15), Y14, Y13      \
	VMOVUPS    96(AX), Y14           \
	VMASKMOVPS 40(R15), Y14, Y15     \
	VSHUFPS    $0x88, Y15, Y13, d2   \
	VSHUFPS    $0xDD, Y15, Y13, d3   \
	VPERMPD    $0xD8, d2, d2         \
	VPERMPD    $0xD8, d3, d3

// WG2_IN_ROWSTEP stores (Bᵀd)B of the row t0..t3 in Y8..Y11 to the four
// planes from AX (plane stride R10).
#define WG2_IN_ROWSTEP \
	VSUBPS  Y10, Y8, Y13        \
	VMOVUPS Y13, (AX)           \
	VADDPS  Y10, Y9, Y13        \
	VMOVUPS Y13, (AX)(R10*1)    \
	VSUBPS  Y9, Y10, Y13        \
	VMOVUPS Y13, (AX)(R10*2)    \
	VSUBPS  Y11, Y9, Y13        \
	VMOVUPS Y13, (AX)(R12*1)

// WG2_IN_BLOCK transforms the block at R13 into the 16 planes from R14.
// Rows of Bᵀd: t0 = d0−d2, t1 = d1+d2, t2 = d2−d1, t3 = d1−d3.
#define WG2_IN_BLOCK \
	WG2_LOAD_ROW(8, 40, Y0, Y1, Y2, Y3)   \
	WG2_LOAD_ROW(16, 48, Y4, Y5, Y6, Y7)  \
	VADDPS Y4, Y0, Y8                     \
	VADDPS Y5, Y1, Y9                     \
	VADDPS Y6, Y2, Y10                    \
	VADDPS Y7, Y3, Y11                    \
	LEAQ   (R14)(R10*4), AX               \
	WG2_IN_ROWSTEP                        \
	VSUBPS Y0, Y4, Y8                     \
	VSUBPS Y1, Y5, Y9                     \
	VSUBPS Y2, Y6, Y10                    \
	VSUBPS Y3, Y7, Y11                    \
	LEAQ   (R14)(R10*8), AX               \
	WG2_IN_ROWSTEP                        \
	WG2_LOAD_ROW(0, 32, Y8, Y9, Y10, Y11) \
	VSUBPS Y4, Y8, Y8                     \
	VSUBPS Y5, Y9, Y9                     \
	VSUBPS Y6, Y10, Y10                   \
	VSUBPS Y7, Y11, Y11                   \
	MOVQ   R14, AX                        \
	WG2_IN_ROWSTEP                        \
	WG2_LOAD_ROW(24, 56, Y8, Y9, Y10, Y11) \
	VSUBPS Y8, Y0, Y8                     \
	VSUBPS Y9, Y1, Y9                     \
	VSUBPS Y10, Y2, Y10                   \
	VSUBPS Y11, Y3, Y11                   \
	LEAQ   (R14)(R12*4), AX               \
	WG2_IN_ROWSTEP

// func winogradInputImageAVX2(x *float32, off, chStride, nc, nblocks, last, tail int, p *wg2Input, dst *float32, xiStride, cStride int)
TEXT ·winogradInputImageAVX2(SB), NOSPLIT, $552-88
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

in_channel:
	MOVQ SI, R13
	MOVQ DI, R14
	MOVQ nblocks+32(FP), BX
	LEAQ 64(DX), CX // entry 0: the first block

in_block:
	CMPQ BX, $1
	JNE  in_full
	CMPQ tail+48(FP), $0
	JNE  in_tail
	MOVQ last+40(FP), AX // the last block: tiles last .. last+7
	LEAQ (SI)(AX*8), R13
	LEAQ (DI)(AX*4), R14

in_full:
	WG2_IN_BLOCK
	ADDQ $64, R13 // 8 tiles = 16 image floats
	ADDQ $32, R14 // 8 tiles = 8 plane floats
	DECQ BX
	JZ   in_next
	LEAQ 320(DX), CX // entry 1: a middle block
	CMPQ BX, $1
	JNE  in_block
	LEAQ 576(DX), CX // entry 2: the last block
	JMP  in_block

	// A run of tail < 8 tiles: the 16 planes go to the frame, 32 bytes
	// apart, and tail floats of each are copied out.
in_tail:
	MOVQ R10, sv10-16(SP)
	MOVQ R12, sv12-24(SP)
	MOVQ R14, sv14-32(SP)
	LEAQ scratch-552(SP), R14
	MOVQ $32, R10
	MOVQ $96, R12
	WG2_IN_BLOCK
	MOVQ sv10-16(SP), R10
	MOVQ sv12-24(SP), R12
	MOVQ sv14-32(SP), AX
	LEAQ scratch-552(SP), R13
	MOVQ tail+48(FP), CX
	MOVQ $16, R15

in_copy:
	XORQ  BX, BX
	TESTQ $4, CX
	JZ    in_copy2
	VMOVUPS (R13), X0
	VMOVUPS X0, (AX)
	MOVQ  $16, BX

in_copy2:
	TESTQ $2, CX
	JZ    in_copy1
	VMOVSD (R13)(BX*1), X0
	VMOVSD X0, (AX)(BX*1)
	ADDQ  $8, BX

in_copy1:
	TESTQ $1, CX
	JZ    in_copied
	VMOVSS (R13)(BX*1), X0
	VMOVSS X0, (AX)(BX*1)

in_copied:
	ADDQ $32, R13
	ADDQ R10, AX
	DECQ R15
	JNZ  in_copy

in_next:
	ADDQ R8, SI
	ADDQ R11, DI
	DECQ chans-8(SP)
	JNZ  in_channel
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// Output transform (WinogradOutput2x3, WinogradOutputBias2x3).
//
// Blocks of 8 tiles, the last one the run's last 8 tiles; a run of n < 8
// tiles is loaded under the tail mask and stored through the frame. Plane ξ
// of 8 tiles is one ymm; the two outputs of each tile row are interleaved
// into 16 consecutive floats.
//
// Registers: SI src of channel c, DI dst of channel c, R8 chStride, R9
// rowStride, R10 xiStride, R11 cStride, R12 3·xiStride (bytes), CX the bias
// of channel c (0: none), DX n if n < 8 (else 0), BX blocks left, R13 / R14 src /
// dst of the block, AX plane s of the block; Y14 the load mask (all lanes in
// full blocks), Y15 the bias. Columns of Aᵀm go to Y0..Y3 (row 0) and Y4..Y7
// (row 1).

// WG2_OUT_COL computes column s of Aᵀm from the planes s, 4+s, 8+s, 12+s at
// AX: t0 = (m_s + m_4+s) + m_8+s, t1 = (m_4+s − m_8+s) − m_12+s.
#define WG2_OUT_COL(t0, t1) \
	VMASKMOVPS (AX), Y14, Y8         \
	VMASKMOVPS (AX)(R10*4), Y14, Y9  \
	VMASKMOVPS (AX)(R10*8), Y14, Y10 \
	VMASKMOVPS (AX)(R12*4), Y14, Y11 \
	VADDPS     Y9, Y8, t0            \
	VADDPS     Y10, t0, t0           \
	VSUBPS     Y10, Y9, t1           \
	VSUBPS     Y11, t1, t1

// WG2_OUT_BLOCK leaves output row 0 of the block's tiles in Y8 (b = 0) and
// Y9 (b = 1), row 1 in Y10 and Y11: o0 = (t0+t1)+t2, o1 = (t1−t2)−t3.
#define WG2_OUT_BLOCK \
	MOVQ   R13, AX       \
	WG2_OUT_COL(Y0, Y4)  \
	ADDQ   R10, AX       \
	WG2_OUT_COL(Y1, Y5)  \
	ADDQ   R10, AX       \
	WG2_OUT_COL(Y2, Y6)  \
	ADDQ   R10, AX       \
	WG2_OUT_COL(Y3, Y7)  \
	VADDPS Y1, Y0, Y8    \
	VADDPS Y2, Y8, Y8    \
	VSUBPS Y2, Y1, Y9    \
	VSUBPS Y3, Y9, Y9    \
	VADDPS Y5, Y4, Y10   \
	VADDPS Y6, Y10, Y10  \
	VSUBPS Y6, Y5, Y11   \
	VSUBPS Y7, Y11, Y11

#define WG2_OUT_BIAS \
	VADDPS Y15, Y8, Y8   \
	VADDPS Y15, Y9, Y9   \
	VADDPS Y15, Y10, Y10 \
	VADDPS Y15, Y11, Y11

// WG2_OUT_ZIP interleaves the outputs: row 0 of tiles 0..3 in Y8, 4..7 in
// Y9; row 1 in Y10, Y11.
#define WG2_OUT_ZIP \
	VUNPCKLPS  Y9, Y8, Y0        \
	VUNPCKHPS  Y9, Y8, Y1        \
	VPERM2F128 $0x20, Y1, Y0, Y8 \
	VPERM2F128 $0x31, Y1, Y0, Y9 \
	VUNPCKLPS  Y11, Y10, Y2      \
	VUNPCKHPS  Y11, Y10, Y3      \
	VPERM2F128 $0x20, Y3, Y2, Y10 \
	VPERM2F128 $0x31, Y3, Y2, Y11

// func winogradOutputAVX2(src *float32, xiStride, cStride, nc, n int, dst *float32, chStride, rowStride int, tailMask *[8]int32, bias *float32)
TEXT ·winogradOutputAVX2(SB), NOSPLIT, $136-80
	MOVQ src+0(FP), SI
	MOVQ xiStride+8(FP), R10
	SHLQ $2, R10
	LEAQ (R10)(R10*2), R12
	MOVQ cStride+16(FP), R11
	SHLQ $2, R11
	MOVQ nc+24(FP), AX
	MOVQ AX, chans-8(SP)
	XORQ DX, DX
	MOVQ n+32(FP), AX
	CMPQ AX, $8
	CMOVQLT AX, DX
	MOVQ dst+40(FP), DI
	MOVQ chStride+48(FP), R8
	SHLQ $2, R8
	MOVQ rowStride+56(FP), R9
	SHLQ $2, R9
	MOVQ bias+72(FP), CX

out_channel:
	MOVQ   SI, R13
	MOVQ   DI, R14
	TESTQ  CX, CX
	JZ     out_nobias
	VBROADCASTSS (CX), Y15

out_nobias:
	VPCMPEQD Y14, Y14, Y14
	TESTQ    DX, DX
	JNZ      out_tail
	MOVQ     n+32(FP), BX
	ADDQ     $7, BX
	SHRQ     $3, BX

out_block:
	CMPQ BX, $1
	JNE  out_full
	MOVQ n+32(FP), AX // the last block: tiles n−8 .. n−1
	LEAQ -32(SI)(AX*4), R13
	LEAQ -64(DI)(AX*8), R14

out_full:
	WG2_OUT_BLOCK
	TESTQ CX, CX
	JZ    out_store
	WG2_OUT_BIAS

out_store:
	WG2_OUT_ZIP
	VMOVUPS Y8, (R14)
	VMOVUPS Y9, 32(R14)
	VMOVUPS Y10, (R14)(R9*1)
	VMOVUPS Y11, 32(R14)(R9*1)
	ADDQ    $32, R13 // 8 tiles = 8 plane floats
	ADDQ    $64, R14 // 8 tiles = 16 output floats
	DECQ    BX
	JNZ     out_block

	JMP     out_next

out_tail:
	MOVQ  tailMask+64(FP), AX
	VMOVUPS (AX), Y14
	WG2_OUT_BLOCK
	TESTQ CX, CX
	JZ    out_tail_store
	WG2_OUT_BIAS

out_tail_store:
	WG2_OUT_ZIP
	VMOVUPS Y8, scratch-136(SP)
	VMOVUPS Y9, scratch-104(SP)
	VMOVUPS Y10, scratch-72(SP)
	VMOVUPS Y11, scratch-40(SP)
	LEAQ    scratch-136(SP), R13
	MOVQ    R14, AX
	MOVQ    $2, R15

	// 2·tail floats of each output row: 8·tail bytes as 32, 16 and 8.
out_copy:
	XORQ  BX, BX
	TESTQ $4, DX
	JZ    out_copy2
	VMOVUPS (R13), Y0
	VMOVUPS Y0, (AX)
	MOVQ  $32, BX

out_copy2:
	TESTQ $2, DX
	JZ    out_copy1
	VMOVUPS (R13)(BX*1), X0
	VMOVUPS X0, (AX)(BX*1)
	ADDQ  $16, BX

out_copy1:
	TESTQ $1, DX
	JZ    out_copied
	VMOVSD (R13)(BX*1), X0
	VMOVSD X0, (AX)(BX*1)

out_copied:
	ADDQ $64, R13
	ADDQ R9, AX
	DECQ R15
	JNZ  out_copy

out_next:
	ADDQ  R11, SI
	ADDQ  R8, DI
	TESTQ CX, CX
	JZ    out_advanced
	ADDQ  $4, CX

out_advanced:
	DECQ chans-8(SP)
	JNZ  out_channel
	VZEROUPPER
	RET
