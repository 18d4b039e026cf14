// Macros and data shared by the elementwise assembly files (included with
// #include "kernels_amd64.h"). The table is file-local (<>), so every file that
// includes this gets its own copy; that is fine for 64 bytes.

// tailMask: 8 int32 all-ones then 8 zeros. The 8 int32 at byte offset
// 4*(8-n) have their first n lanes set: the AVX2 mask for an n-element tail.
DATA tailMask<>+0(SB)/4, $0xffffffff
DATA tailMask<>+4(SB)/4, $0xffffffff
DATA tailMask<>+8(SB)/4, $0xffffffff
DATA tailMask<>+12(SB)/4, $0xffffffff
DATA tailMask<>+16(SB)/4, $0xffffffff
DATA tailMask<>+20(SB)/4, $0xffffffff
DATA tailMask<>+24(SB)/4, $0xffffffff
DATA tailMask<>+28(SB)/4, $0xffffffff
DATA tailMask<>+32(SB)/4, $0
DATA tailMask<>+36(SB)/4, $0
DATA tailMask<>+40(SB)/4, $0
DATA tailMask<>+44(SB)/4, $0
DATA tailMask<>+48(SB)/4, $0
DATA tailMask<>+52(SB)/4, $0
DATA tailMask<>+56(SB)/4, $0
DATA tailMask<>+60(SB)/4, $0
GLOBL tailMask<>(SB), RODATA|NOPTR, $64

// TAIL_MASK_Y14 loads into Y14 the mask whose first CX (1..7) lanes are set.
#define TAIL_MASK_Y14 \
	LEAQ tailMask<>(SB), AX \
	MOVQ $8, BX             \
	SUBQ CX, BX             \
	VMOVDQU (AX)(BX*4), Y14

// HSUM_Y0 adds the 8 lanes of Y0 into X0's lowest lane (clobbers X1).
#define HSUM_Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS X1, X0, X0       \
	VMOVHLPS X0, X0, X1     \
	VADDPS X1, X0, X0       \
	VMOVSHDUP X0, X1        \
	VADDSS X1, X0, X0

// TAIL_MASK_K1 sets K1 to the first CX (1..15) lanes.
#define TAIL_MASK_K1 \
	MOVL $1, AX   \
	SHLL CX, AX   \
	DECL AX       \
	KMOVW AX, K1

// HSUM_Z0 adds the 16 lanes of Z0 into X0's lowest lane (clobbers Z1).
#define HSUM_Z0 \
	VEXTRACTF64X4 $1, Z0, Y1 \
	VADDPS Y1, Y0, Y0        \
	VEXTRACTF128 $1, Y0, X1  \
	VADDPS X1, X0, X0        \
	VMOVHLPS X0, X0, X1      \
	VADDPS X1, X0, X0        \
	VMOVSHDUP X0, X1         \
	VADDSS X1, X0, X0

