// Macros shared by the float64 dot-product kernels (ddot_amd64.s,
// ddot_axpy_amd64.s).

// DDOT_TAIL_MASKS sets K1 to lanes 0-7 and K2 to lanes 8-15 of the first
// CX (1..15) elements of a 16-element block; clobbers AX.
#define DDOT_TAIL_MASKS \
	MOVL  $1, AX \
	SHLL  CX, AX \
	DECL  AX     \
	KMOVW AX, K1 \
	SHRL  $8, AX \
	KMOVW AX, K2

// DDOT_REDUCE4 sums the 16 lanes of four rows' accumulators (row r in
// Z(2r), Z(2r+1)) in Ddot's tree, l+8, l+4, l+2, l+1, and stores the four
// sums at (DI); clobbers Z8-Z11.
#define DDOT_REDUCE4 \
	VADDPD        Z1, Z0, Z0    \
	VADDPD        Z3, Z2, Z2    \
	VADDPD        Z5, Z4, Z4    \
	VADDPD        Z7, Z6, Z6    \
	VEXTRACTF64X4 $1, Z0, Y8    \
	VEXTRACTF64X4 $1, Z2, Y9    \
	VEXTRACTF64X4 $1, Z4, Y10   \
	VEXTRACTF64X4 $1, Z6, Y11   \
	VADDPD        Y8, Y0, Y0    \
	VADDPD        Y9, Y2, Y2    \
	VADDPD        Y10, Y4, Y4   \
	VADDPD        Y11, Y6, Y6   \
	VEXTRACTF128  $1, Y0, X8    \
	VEXTRACTF128  $1, Y2, X9    \
	VEXTRACTF128  $1, Y4, X10   \
	VEXTRACTF128  $1, Y6, X11   \
	VADDPD        X8, X0, X0    \
	VADDPD        X9, X2, X2    \
	VADDPD        X10, X4, X4   \
	VADDPD        X11, X6, X6   \
	VUNPCKHPD     X0, X0, X8    \
	VUNPCKHPD     X2, X2, X9    \
	VUNPCKHPD     X4, X4, X10   \
	VUNPCKHPD     X6, X6, X11   \
	VADDSD        X8, X0, X0    \
	VADDSD        X9, X2, X2    \
	VADDSD        X10, X4, X4   \
	VADDSD        X11, X6, X6   \
	VMOVSD        X0, (DI)      \
	VMOVSD        X2, 8(DI)     \
	VMOVSD        X4, 16(DI)    \
	VMOVSD        X6, 24(DI)

// DDOT_REDUCE_Y sums one row's four ymm accumulators A0-A3 (lanes 0-3, …,
// 12-15) in Ddot's tree, l+8, l+4, l+2, l+1, into XA0's low lane; clobbers
// X13.
#define DDOT_REDUCE_Y(A0, A1, A2, A3, XA0) \
	VADDPD       A2, A0, A0    \
	VADDPD       A3, A1, A1    \
	VADDPD       A1, A0, A0    \
	VEXTRACTF128 $1, A0, X13   \
	VADDPD       X13, XA0, XA0 \
	VUNPCKHPD    XA0, XA0, X13 \
	VADDSD       X13, XA0, XA0

// DDOT_ZERO_Y8 clears two rows' ymm accumulators, Y0-Y7.
#define DDOT_ZERO_Y8 \
	VXORPD Y0, Y0, Y0 \
	VXORPD Y1, Y1, Y1 \
	VXORPD Y2, Y2, Y2 \
	VXORPD Y3, Y3, Y3 \
	VXORPD Y4, Y4, Y4 \
	VXORPD Y5, Y5, Y5 \
	VXORPD Y6, Y6, Y6 \
	VXORPD Y7, Y7, Y7

// DDOT_REDUCE2 sums two rows' lanes (Y0-Y3, Y4-Y7) as DDOT_REDUCE_Y and
// stores them at (DI) and 8(DI).
#define DDOT_REDUCE2 \
	DDOT_REDUCE_Y(Y0, Y1, Y2, Y3, X0) \
	DDOT_REDUCE_Y(Y4, Y5, Y6, Y7, X4) \
	VMOVSD X0, (DI)                   \
	VMOVSD X4, 8(DI)

// ddotTail (a copy in each file that includes this header): 16 int64
// all-ones, then 16 zeros. The 16 at byte offset 8·(16−t) set lanes 0..t−1
// of a 16-element tail block; group g (lanes 4g..4g+3) is the ymm 32·g
// bytes further.
DATA ddotTail<>+0(SB)/8, $-1
DATA ddotTail<>+8(SB)/8, $-1
DATA ddotTail<>+16(SB)/8, $-1
DATA ddotTail<>+24(SB)/8, $-1
DATA ddotTail<>+32(SB)/8, $-1
DATA ddotTail<>+40(SB)/8, $-1
DATA ddotTail<>+48(SB)/8, $-1
DATA ddotTail<>+56(SB)/8, $-1
DATA ddotTail<>+64(SB)/8, $-1
DATA ddotTail<>+72(SB)/8, $-1
DATA ddotTail<>+80(SB)/8, $-1
DATA ddotTail<>+88(SB)/8, $-1
DATA ddotTail<>+96(SB)/8, $-1
DATA ddotTail<>+104(SB)/8, $-1
DATA ddotTail<>+112(SB)/8, $-1
DATA ddotTail<>+120(SB)/8, $-1
DATA ddotTail<>+128(SB)/8, $0
DATA ddotTail<>+136(SB)/8, $0
DATA ddotTail<>+144(SB)/8, $0
DATA ddotTail<>+152(SB)/8, $0
DATA ddotTail<>+160(SB)/8, $0
DATA ddotTail<>+168(SB)/8, $0
DATA ddotTail<>+176(SB)/8, $0
DATA ddotTail<>+184(SB)/8, $0
DATA ddotTail<>+192(SB)/8, $0
DATA ddotTail<>+200(SB)/8, $0
DATA ddotTail<>+208(SB)/8, $0
DATA ddotTail<>+216(SB)/8, $0
DATA ddotTail<>+224(SB)/8, $0
DATA ddotTail<>+232(SB)/8, $0
DATA ddotTail<>+240(SB)/8, $0
DATA ddotTail<>+248(SB)/8, $0
GLOBL ddotTail<>(SB), RODATA|NOPTR, $256

// DDOT_TAIL_BASE points AX at the ddotTail entry whose first T (1..15, a
// register) lanes are set; clobbers CX.
#define DDOT_TAIL_BASE(T) \
	LEAQ ddotTail<>(SB), AX \
	MOVQ $16, CX            \
	SUBQ T, CX              \
	LEAQ (AX)(CX*8), AX

// DDOT_TAIL_MASK_Y loads into M the mask of the first T (1..15) float64
// lanes' first group of four; clobbers AX, CX.
#define DDOT_TAIL_MASK_Y(T, M) \
	DDOT_TAIL_BASE(T) \
	VMOVDQU (AX), M
