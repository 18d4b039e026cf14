//go:build amd64 && gc && !purego

#include "textflag.h"
#include "kernels_amd64.h"

// AVX2 SiLU and its derivative (declared in silu_amd64.go): the operations
// of siluGeneric, siluDerivGeneric and expNeg (silu.go) in the same order,
// each rounded on its own (VMULPS, VADDPS, VDIVPS; no FMA), so the results
// match the Go code bit for bit. VROUNDPS $1 is math.Floor; a lane below
// −87 has its exponential cleared after the fact, as expNeg returns 0 there.
// ABI0. Registers: SI x, DI dst, CX elements left, AX/BX tail mask (Y14);
// Y0 x, Y1 −|x|, Y2 e^−|x|, Y3-Y6 temporaries. Constants are 8-lane tables.

DATA siluSign<>+0(SB)/4, $0x80000000
DATA siluSign<>+4(SB)/4, $0x80000000
DATA siluSign<>+8(SB)/4, $0x80000000
DATA siluSign<>+12(SB)/4, $0x80000000
DATA siluSign<>+16(SB)/4, $0x80000000
DATA siluSign<>+20(SB)/4, $0x80000000
DATA siluSign<>+24(SB)/4, $0x80000000
DATA siluSign<>+28(SB)/4, $0x80000000
GLOBL siluSign<>(SB), RODATA|NOPTR, $32

DATA siluLog2e<>+0(SB)/4, $0x3fb8aa3b
DATA siluLog2e<>+4(SB)/4, $0x3fb8aa3b
DATA siluLog2e<>+8(SB)/4, $0x3fb8aa3b
DATA siluLog2e<>+12(SB)/4, $0x3fb8aa3b
DATA siluLog2e<>+16(SB)/4, $0x3fb8aa3b
DATA siluLog2e<>+20(SB)/4, $0x3fb8aa3b
DATA siluLog2e<>+24(SB)/4, $0x3fb8aa3b
DATA siluLog2e<>+28(SB)/4, $0x3fb8aa3b
GLOBL siluLog2e<>(SB), RODATA|NOPTR, $32

DATA siluHalf<>+0(SB)/4, $0x3f000000
DATA siluHalf<>+4(SB)/4, $0x3f000000
DATA siluHalf<>+8(SB)/4, $0x3f000000
DATA siluHalf<>+12(SB)/4, $0x3f000000
DATA siluHalf<>+16(SB)/4, $0x3f000000
DATA siluHalf<>+20(SB)/4, $0x3f000000
DATA siluHalf<>+24(SB)/4, $0x3f000000
DATA siluHalf<>+28(SB)/4, $0x3f000000
GLOBL siluHalf<>(SB), RODATA|NOPTR, $32

DATA siluLn2Hi<>+0(SB)/4, $0x3f318000
DATA siluLn2Hi<>+4(SB)/4, $0x3f318000
DATA siluLn2Hi<>+8(SB)/4, $0x3f318000
DATA siluLn2Hi<>+12(SB)/4, $0x3f318000
DATA siluLn2Hi<>+16(SB)/4, $0x3f318000
DATA siluLn2Hi<>+20(SB)/4, $0x3f318000
DATA siluLn2Hi<>+24(SB)/4, $0x3f318000
DATA siluLn2Hi<>+28(SB)/4, $0x3f318000
GLOBL siluLn2Hi<>(SB), RODATA|NOPTR, $32

DATA siluLn2Lo<>+0(SB)/4, $0xb95e8083
DATA siluLn2Lo<>+4(SB)/4, $0xb95e8083
DATA siluLn2Lo<>+8(SB)/4, $0xb95e8083
DATA siluLn2Lo<>+12(SB)/4, $0xb95e8083
DATA siluLn2Lo<>+16(SB)/4, $0xb95e8083
DATA siluLn2Lo<>+20(SB)/4, $0xb95e8083
DATA siluLn2Lo<>+24(SB)/4, $0xb95e8083
DATA siluLn2Lo<>+28(SB)/4, $0xb95e8083
GLOBL siluLn2Lo<>(SB), RODATA|NOPTR, $32

DATA siluM87<>+0(SB)/4, $0xc2ae0000
DATA siluM87<>+4(SB)/4, $0xc2ae0000
DATA siluM87<>+8(SB)/4, $0xc2ae0000
DATA siluM87<>+12(SB)/4, $0xc2ae0000
DATA siluM87<>+16(SB)/4, $0xc2ae0000
DATA siluM87<>+20(SB)/4, $0xc2ae0000
DATA siluM87<>+24(SB)/4, $0xc2ae0000
DATA siluM87<>+28(SB)/4, $0xc2ae0000
GLOBL siluM87<>(SB), RODATA|NOPTR, $32

DATA siluOne<>+0(SB)/4, $0x3f800000
DATA siluOne<>+4(SB)/4, $0x3f800000
DATA siluOne<>+8(SB)/4, $0x3f800000
DATA siluOne<>+12(SB)/4, $0x3f800000
DATA siluOne<>+16(SB)/4, $0x3f800000
DATA siluOne<>+20(SB)/4, $0x3f800000
DATA siluOne<>+24(SB)/4, $0x3f800000
DATA siluOne<>+28(SB)/4, $0x3f800000
GLOBL siluOne<>(SB), RODATA|NOPTR, $32

DATA siluP0<>+0(SB)/4, $0x39506967
DATA siluP0<>+4(SB)/4, $0x39506967
DATA siluP0<>+8(SB)/4, $0x39506967
DATA siluP0<>+12(SB)/4, $0x39506967
DATA siluP0<>+16(SB)/4, $0x39506967
DATA siluP0<>+20(SB)/4, $0x39506967
DATA siluP0<>+24(SB)/4, $0x39506967
DATA siluP0<>+28(SB)/4, $0x39506967
GLOBL siluP0<>(SB), RODATA|NOPTR, $32

DATA siluP1<>+0(SB)/4, $0x3ab743ce
DATA siluP1<>+4(SB)/4, $0x3ab743ce
DATA siluP1<>+8(SB)/4, $0x3ab743ce
DATA siluP1<>+12(SB)/4, $0x3ab743ce
DATA siluP1<>+16(SB)/4, $0x3ab743ce
DATA siluP1<>+20(SB)/4, $0x3ab743ce
DATA siluP1<>+24(SB)/4, $0x3ab743ce
DATA siluP1<>+28(SB)/4, $0x3ab743ce
GLOBL siluP1<>(SB), RODATA|NOPTR, $32

DATA siluP2<>+0(SB)/4, $0x3c088908
DATA siluP2<>+4(SB)/4, $0x3c088908
DATA siluP2<>+8(SB)/4, $0x3c088908
DATA siluP2<>+12(SB)/4, $0x3c088908
DATA siluP2<>+16(SB)/4, $0x3c088908
DATA siluP2<>+20(SB)/4, $0x3c088908
DATA siluP2<>+24(SB)/4, $0x3c088908
DATA siluP2<>+28(SB)/4, $0x3c088908
GLOBL siluP2<>(SB), RODATA|NOPTR, $32

DATA siluP3<>+0(SB)/4, $0x3d2aa9c1
DATA siluP3<>+4(SB)/4, $0x3d2aa9c1
DATA siluP3<>+8(SB)/4, $0x3d2aa9c1
DATA siluP3<>+12(SB)/4, $0x3d2aa9c1
DATA siluP3<>+16(SB)/4, $0x3d2aa9c1
DATA siluP3<>+20(SB)/4, $0x3d2aa9c1
DATA siluP3<>+24(SB)/4, $0x3d2aa9c1
DATA siluP3<>+28(SB)/4, $0x3d2aa9c1
GLOBL siluP3<>(SB), RODATA|NOPTR, $32

DATA siluP4<>+0(SB)/4, $0x3e2aaaaa
DATA siluP4<>+4(SB)/4, $0x3e2aaaaa
DATA siluP4<>+8(SB)/4, $0x3e2aaaaa
DATA siluP4<>+12(SB)/4, $0x3e2aaaaa
DATA siluP4<>+16(SB)/4, $0x3e2aaaaa
DATA siluP4<>+20(SB)/4, $0x3e2aaaaa
DATA siluP4<>+24(SB)/4, $0x3e2aaaaa
DATA siluP4<>+28(SB)/4, $0x3e2aaaaa
GLOBL siluP4<>(SB), RODATA|NOPTR, $32

DATA siluM88<>+0(SB)/4, $0xc2b00000
DATA siluM88<>+4(SB)/4, $0xc2b00000
DATA siluM88<>+8(SB)/4, $0xc2b00000
DATA siluM88<>+12(SB)/4, $0xc2b00000
DATA siluM88<>+16(SB)/4, $0xc2b00000
DATA siluM88<>+20(SB)/4, $0xc2b00000
DATA siluM88<>+24(SB)/4, $0xc2b00000
DATA siluM88<>+28(SB)/4, $0xc2b00000
GLOBL siluM88<>(SB), RODATA|NOPTR, $32

DATA siluP88<>+0(SB)/4, $0x42b00000
DATA siluP88<>+4(SB)/4, $0x42b00000
DATA siluP88<>+8(SB)/4, $0x42b00000
DATA siluP88<>+12(SB)/4, $0x42b00000
DATA siluP88<>+16(SB)/4, $0x42b00000
DATA siluP88<>+20(SB)/4, $0x42b00000
DATA siluP88<>+24(SB)/4, $0x42b00000
DATA siluP88<>+28(SB)/4, $0x42b00000
GLOBL siluP88<>(SB), RODATA|NOPTR, $32

DATA silu127<>+0(SB)/4, $0x0000007f
DATA silu127<>+4(SB)/4, $0x0000007f
DATA silu127<>+8(SB)/4, $0x0000007f
DATA silu127<>+12(SB)/4, $0x0000007f
DATA silu127<>+16(SB)/4, $0x0000007f
DATA silu127<>+20(SB)/4, $0x0000007f
DATA silu127<>+24(SB)/4, $0x0000007f
DATA silu127<>+28(SB)/4, $0x0000007f
GLOBL silu127<>(SB), RODATA|NOPTR, $32

// EXPNEG sets Y2 = e^Y1 for Y1 <= 0 (0 where Y1 < -87); clobbers Y3-Y6.
#define EXPNEG \
	VMULPS siluLog2e<>(SB), Y1, Y3 \
	VADDPS siluHalf<>(SB), Y3, Y3  \
	VROUNDPS $1, Y3, Y3            \
	VMULPS siluLn2Hi<>(SB), Y3, Y4 \
	VSUBPS Y4, Y1, Y4              \
	VMULPS siluLn2Lo<>(SB), Y3, Y5 \
	VSUBPS Y5, Y4, Y4              \
	VMULPS siluP0<>(SB), Y4, Y5    \
	VADDPS siluP1<>(SB), Y5, Y5    \
	VMULPS Y4, Y5, Y5              \
	VADDPS siluP2<>(SB), Y5, Y5    \
	VMULPS Y4, Y5, Y5              \
	VADDPS siluP3<>(SB), Y5, Y5    \
	VMULPS Y4, Y5, Y5              \
	VADDPS siluP4<>(SB), Y5, Y5    \
	VMULPS Y4, Y5, Y5              \
	VADDPS siluHalf<>(SB), Y5, Y5  \
	VMULPS Y4, Y4, Y6              \
	VMULPS Y6, Y5, Y5              \
	VADDPS Y4, Y5, Y5              \
	VADDPS siluOne<>(SB), Y5, Y5   \
	VCVTTPS2DQ Y3, Y6              \
	VPADDD silu127<>(SB), Y6, Y6   \
	VPSLLD $23, Y6, Y6             \
	VMULPS Y6, Y5, Y2              \
	VCMPPS $1, siluM87<>(SB), Y1, Y6 \
	VANDNPS Y2, Y6, Y2

// SILU sets Y3 = silu(Y0): (x >= 0 ? x : clamp(x)·e) / (1 + e).
#define SILU \
	VORPS siluSign<>(SB), Y0, Y1   \
	EXPNEG                         \
	VMAXPS siluM88<>(SB), Y0, Y3   \
	VMINPS siluP88<>(SB), Y3, Y3   \
	VMULPS Y2, Y3, Y3              \
	VXORPS Y5, Y5, Y5              \
	VCMPPS $13, Y5, Y0, Y4         \
	VBLENDVPS Y4, Y0, Y3, Y3       \
	VADDPS siluOne<>(SB), Y2, Y5   \
	VDIVPS Y5, Y3, Y3

// SILU_DERIV sets Y3 = s·(1 + clamp(x)·(1−s)), s = sigmoid(Y0).
#define SILU_DERIV \
	VORPS siluSign<>(SB), Y0, Y1   \
	EXPNEG                         \
	VADDPS siluOne<>(SB), Y2, Y3   \
	VMOVUPS siluOne<>(SB), Y4      \
	VDIVPS Y3, Y4, Y4              \
	VMULPS Y4, Y2, Y5              \
	VXORPS Y3, Y3, Y3              \
	VCMPPS $13, Y3, Y0, Y6         \
	VBLENDVPS Y6, Y4, Y5, Y3       \
	VBLENDVPS Y6, Y5, Y4, Y4       \
	VMAXPS siluM88<>(SB), Y0, Y5   \
	VMINPS siluP88<>(SB), Y5, Y5   \
	VMULPS Y4, Y5, Y5              \
	VADDPS siluOne<>(SB), Y5, Y5   \
	VMULPS Y5, Y3, Y3

// func siluAVX2(dst, x []float32)
TEXT ·siluAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX

loop8:
	CMPQ CX, $8
	JL   tail
	VMOVUPS (SI), Y0
	SILU
	VMOVUPS Y3, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  loop8

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_Y14
	VMASKMOVPS (SI), Y14, Y0
	SILU
	VMASKMOVPS Y3, Y14, (DI)

done:
	VZEROUPPER
	RET

// func siluDerivAVX2(dst, x []float32)
TEXT ·siluDerivAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX

dloop8:
	CMPQ CX, $8
	JL   dtail
	VMOVUPS (SI), Y0
	SILU_DERIV
	VMOVUPS Y3, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  dloop8

dtail:
	TESTQ CX, CX
	JZ    ddone
	TAIL_MASK_Y14
	VMASKMOVPS (SI), Y14, Y0
	SILU_DERIV
	VMASKMOVPS Y3, Y14, (DI)

ddone:
	VZEROUPPER
	RET

// func siluBackwardAVX2(dst, g, x []float32): dst = g·silu'(x). DX g.
TEXT ·siluBackwardAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ g_base+24(FP), DX
	MOVQ x_base+48(FP), SI
	MOVQ x_len+56(FP), CX

bloop8:
	CMPQ CX, $8
	JL   btail
	VMOVUPS (SI), Y0
	SILU_DERIV
	VMULPS (DX), Y3, Y3
	VMOVUPS Y3, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  bloop8

btail:
	TESTQ CX, CX
	JZ    bdone
	TAIL_MASK_Y14
	VMASKMOVPS (SI), Y14, Y0
	SILU_DERIV
	VMASKMOVPS (DX), Y14, Y1
	VMULPS Y1, Y3, Y3
	VMASKMOVPS Y3, Y14, (DI)

bdone:
	VZEROUPPER
	RET
