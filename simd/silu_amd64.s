//go:build amd64 && gc && !purego

#include "textflag.h"
#include "kernels_amd64.h"

// AVX2 SiLU and its derivative (declared in silu_amd64.go): the operations
// of siluGeneric, siluDerivGeneric and expNeg (silu.go) in the same order,
// each rounded on its own (VMULPS, VADDPS, VDIVPS; no FMA), so the results
// match the Go code bit for bit. VROUNDPS $1 is math.Floor; a lane below
// −87 has its exponential cleared after the fact, as expNeg returns 0 there.
// ABI0. Registers: SI x, DI dst, CX elements left, AX/BX tail mask (Y14);
// Y0 x, Y1 −|x|, Y2 e^−|x|, Y3-Y6 temporaries, and Y7-Y13 the same for the
// second vector of the 16-element loops. Constants are 8-lane tables.

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

// EXPNEGP sets e2 = e^x1 for x1 <= 0 (0 where x1 < -87); clobbers t3-t6.
#define EXPNEGP(x1, e2, t3, t4, t5, t6) \
	VMULPS siluLog2e<>(SB), x1, t3 \
	VADDPS siluHalf<>(SB), t3, t3  \
	VROUNDPS $1, t3, t3            \
	VMULPS siluLn2Hi<>(SB), t3, t4 \
	VSUBPS t4, x1, t4              \
	VMULPS siluLn2Lo<>(SB), t3, t5 \
	VSUBPS t5, t4, t4              \
	VMULPS siluP0<>(SB), t4, t5    \
	VADDPS siluP1<>(SB), t5, t5    \
	VMULPS t4, t5, t5              \
	VADDPS siluP2<>(SB), t5, t5    \
	VMULPS t4, t5, t5              \
	VADDPS siluP3<>(SB), t5, t5    \
	VMULPS t4, t5, t5              \
	VADDPS siluP4<>(SB), t5, t5    \
	VMULPS t4, t5, t5              \
	VADDPS siluHalf<>(SB), t5, t5  \
	VMULPS t4, t4, t6              \
	VMULPS t6, t5, t5              \
	VADDPS t4, t5, t5              \
	VADDPS siluOne<>(SB), t5, t5   \
	VCVTTPS2DQ t3, t6              \
	VPADDD silu127<>(SB), t6, t6   \
	VPSLLD $23, t6, t6             \
	VMULPS t6, t5, e2              \
	VCMPPS $1, siluM87<>(SB), x1, t6 \
	VANDNPS e2, t6, e2

// SILUP sets t3 = silu(x0): (x >= 0 ? x : clamp(x)·e) / (1 + e); x1, e2 and
// t4-t6 are scratch.
#define SILUP(x0, x1, e2, t3, t4, t5, t6) \
	VORPS siluSign<>(SB), x0, x1   \
	EXPNEGP(x1, e2, t3, t4, t5, t6) \
	VMAXPS siluM88<>(SB), x0, t3   \
	VMINPS siluP88<>(SB), t3, t3   \
	VMULPS e2, t3, t3              \
	VXORPS t5, t5, t5              \
	VCMPPS $13, t5, x0, t4         \
	VBLENDVPS t4, x0, t3, t3       \
	VADDPS siluOne<>(SB), e2, t5   \
	VDIVPS t5, t3, t3

// SILU_DERIVP sets t3 = s·(1 + clamp(x)·(1−s)), s = sigmoid(x0).
#define SILU_DERIVP(x0, x1, e2, t3, t4, t5, t6) \
	VORPS siluSign<>(SB), x0, x1   \
	EXPNEGP(x1, e2, t3, t4, t5, t6) \
	VADDPS siluOne<>(SB), e2, t3   \
	VMOVUPS siluOne<>(SB), t4      \
	VDIVPS t3, t4, t4              \
	VMULPS t4, e2, t5              \
	VXORPS t3, t3, t3              \
	VCMPPS $13, t3, x0, t6         \
	VBLENDVPS t6, t4, t5, t3       \
	VBLENDVPS t6, t5, t4, t4       \
	VMAXPS siluM88<>(SB), x0, t5   \
	VMINPS siluP88<>(SB), t5, t5   \
	VMULPS t4, t5, t5              \
	VADDPS siluOne<>(SB), t5, t5   \
	VMULPS t5, t3, t3

// SILU and SILU_DERIV take Y0 to Y3; SILUB and SILU_DERIVB, a second
// independent set for two vectors an iteration (one alone is bound by its
// exponential's chain of about 30 dependent operations), Y7 to Y10.
#define SILU SILUP(Y0, Y1, Y2, Y3, Y4, Y5, Y6)
#define SILUB SILUP(Y7, Y8, Y9, Y10, Y11, Y12, Y13)
#define SILU_DERIV SILU_DERIVP(Y0, Y1, Y2, Y3, Y4, Y5, Y6)
#define SILU_DERIVB SILU_DERIVP(Y7, Y8, Y9, Y10, Y11, Y12, Y13)

// func siluAVX2(dst, x []float32)
TEXT ·siluAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX

loop16:
	CMPQ CX, $16
	JL   loop8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y7
	SILU
	SILUB
	VMOVUPS Y3, (DI)
	VMOVUPS Y10, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

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

dloop16:
	CMPQ CX, $16
	JL   dloop8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y7
	SILU_DERIV
	SILU_DERIVB
	VMOVUPS Y3, (DI)
	VMOVUPS Y10, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  dloop16

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

bloop16:
	CMPQ CX, $16
	JL   bloop8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y7
	SILU_DERIV
	SILU_DERIVB
	VMULPS (DX), Y3, Y3
	VMULPS 32(DX), Y10, Y10
	VMOVUPS Y3, (DI)
	VMOVUPS Y10, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  bloop16

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


// AVX-512 SiLU, its derivative and backward (declared in silu_amd64.go):
// the AVX2 kernels' operations (above) on 16 lanes, in the same
// order and each rounded on its own, so the bits are the Go code's. The
// constants live in registers (broadcast from the tables above);
// VRNDSCALEPS $1 is VROUNDPS $1 (floor), and the blends become masked
// moves. The AVX2 loop's exponential is a chain of about 30 dependent
// operations per vector, so its throughput was bounded by how many loop
// iterations the core keeps in flight, not by the arithmetic: 16 lanes per
// instruction keep twice the elements in flight.
//
// Registers: SI x, DX g, DI dst, CX elements left, K1 tail mask; Z0 x,
// Z1 −|x|, Z2 e^−|x|, Z3-Z6 temporaries, K2/K3 lane masks; constants:
// Z16 sign bit, Z17 log2e, Z18 ½, Z19 ln2 high, Z20 ln2 low, Z21 −87,
// Z22 1, Z23-Z27 the polynomial, Z28 −88, Z29 88, Z30 127 (integer).

#define SILU512_CONSTANTS \
	VBROADCASTSS siluSign<>(SB), Z16  \
	VBROADCASTSS siluLog2e<>(SB), Z17 \
	VBROADCASTSS siluHalf<>(SB), Z18  \
	VBROADCASTSS siluLn2Hi<>(SB), Z19 \
	VBROADCASTSS siluLn2Lo<>(SB), Z20 \
	VBROADCASTSS siluM87<>(SB), Z21   \
	VBROADCASTSS siluOne<>(SB), Z22   \
	VBROADCASTSS siluP0<>(SB), Z23    \
	VBROADCASTSS siluP1<>(SB), Z24    \
	VBROADCASTSS siluP2<>(SB), Z25    \
	VBROADCASTSS siluP3<>(SB), Z26    \
	VBROADCASTSS siluP4<>(SB), Z27    \
	VBROADCASTSS siluM88<>(SB), Z28   \
	VBROADCASTSS siluP88<>(SB), Z29   \
	VPBROADCASTD silu127<>(SB), Z30

// EXPNEG512 sets Z2 = e^Z1 for Z1 <= 0 (0 where Z1 < -87); clobbers Z3-Z6, K2.
#define EXPNEG512P(x1, e2, t3, t4, t5, t6, k2) \
	VMULPS      Z17, x1, t3 \
	VADDPS      Z18, t3, t3 \
	VRNDSCALEPS $1, t3, t3  \
	VMULPS      Z19, t3, t4 \
	VSUBPS      t4, x1, t4  \
	VMULPS      Z20, t3, t5 \
	VSUBPS      t5, t4, t4  \
	VMULPS      Z23, t4, t5 \
	VADDPS      Z24, t5, t5 \
	VMULPS      t4, t5, t5  \
	VADDPS      Z25, t5, t5 \
	VMULPS      t4, t5, t5  \
	VADDPS      Z26, t5, t5 \
	VMULPS      t4, t5, t5  \
	VADDPS      Z27, t5, t5 \
	VMULPS      t4, t5, t5  \
	VADDPS      Z18, t5, t5 \
	VMULPS      t4, t4, t6  \
	VMULPS      t6, t5, t5  \
	VADDPS      t4, t5, t5  \
	VADDPS      Z22, t5, t5 \
	VCVTTPS2DQ  t3, t6      \
	VPADDD      Z30, t6, t6 \
	VPSLLD      $23, t6, t6 \
	VMULPS      t6, t5, e2  \
	VCMPPS      $5, Z21, x1, k2 \
	VMOVAPS.Z   e2, k2, e2

#define EXPNEG512 EXPNEG512P(Z1, Z2, Z3, Z4, Z5, Z6, K2)

// SILU512 sets Z3 = silu(Z0): (x >= 0 ? x : clamp(x)·e) / (1 + e).
#define SILU512P(x0, x1, e2, t3, t4, t5, t6, k2, k3) \
	VPORD     Z16, x0, x1  \
	EXPNEG512P(x1, e2, t3, t4, t5, t6, k2) \
	VMAXPS    Z28, x0, t3  \
	VMINPS    Z29, t3, t3  \
	VMULPS    e2, t3, t3   \
	VPXORD    t5, t5, t5   \
	VCMPPS    $13, t5, x0, k3 \
	VMOVAPS   x0, k3, t3   \
	VADDPS    Z22, e2, t5  \
	VDIVPS    t5, t3, t3

// SILU512 takes Z0 to Z3; SILU512B, a second independent set for two
// vectors an iteration (one alone is bound by its chain's latency), Z7 to Z10.
#define SILU512 SILU512P(Z0, Z1, Z2, Z3, Z4, Z5, Z6, K2, K3)
#define SILU512B SILU512P(Z7, Z8, Z9, Z10, Z11, Z12, Z13, K4, K5)

// SILU_DERIV512 sets Z3 = s·(1 + clamp(x)·(1−s)), s = sigmoid(Z0).
#define SILU_DERIV512P(x0, x1, e2, t3, t4, t5, t6, k2, k3) \
	VPORD     Z16, x0, x1  \
	EXPNEG512P(x1, e2, t3, t4, t5, t6, k2) \
	VADDPS    Z22, e2, t3  \
	VDIVPS    t3, Z22, t4  \
	VMULPS    t4, e2, t5   \
	VPXORD    t3, t3, t3   \
	VCMPPS    $13, t3, x0, k3 \
	VMOVAPS   t5, t3       \
	VMOVAPS   t4, k3, t3   \
	VMOVAPS   t5, k3, t4   \
	VMAXPS    Z28, x0, t5  \
	VMINPS    Z29, t5, t5  \
	VMULPS    t4, t5, t5   \
	VADDPS    Z22, t5, t5  \
	VMULPS    t5, t3, t3

#define SILU_DERIV512 SILU_DERIV512P(Z0, Z1, Z2, Z3, Z4, Z5, Z6, K2, K3)
#define SILU_DERIV512B SILU_DERIV512P(Z7, Z8, Z9, Z10, Z11, Z12, Z13, K4, K5)

// SILU512_TAIL_MASK sets K1 to the first CX (1..15) lanes; clobbers AX.
#define SILU512_TAIL_MASK \
	MOVL  $1, AX  \
	SHLL  CX, AX  \
	DECL  AX      \
	KMOVW AX, K1

// func siluAVX512(dst, x []float32)
TEXT ·siluAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	SILU512_CONSTANTS

zloop32:
	CMPQ    CX, $32
	JL      zloop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z7
	SILU512
	SILU512B
	VMOVUPS Z3, (DI)
	VMOVUPS Z10, 64(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     zloop32

zloop16:
	CMPQ    CX, $16
	JL      ztail
	VMOVUPS (SI), Z0
	SILU512
	VMOVUPS Z3, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     zloop16

ztail:
	TESTQ     CX, CX
	JZ        zdone
	SILU512_TAIL_MASK
	VMOVUPS.Z (SI), K1, Z0
	SILU512
	VMOVUPS   Z3, K1, (DI)

zdone:
	VZEROUPPER
	RET

// func siluDerivAVX512(dst, x []float32)
TEXT ·siluDerivAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	SILU512_CONSTANTS

zdloop32:
	CMPQ    CX, $32
	JL      zdloop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z7
	SILU_DERIV512
	SILU_DERIV512B
	VMOVUPS Z3, (DI)
	VMOVUPS Z10, 64(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     zdloop32

zdloop16:
	CMPQ    CX, $16
	JL      zdtail
	VMOVUPS (SI), Z0
	SILU_DERIV512
	VMOVUPS Z3, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     zdloop16

zdtail:
	TESTQ     CX, CX
	JZ        zddone
	SILU512_TAIL_MASK
	VMOVUPS.Z (SI), K1, Z0
	SILU_DERIV512
	VMOVUPS   Z3, K1, (DI)

zddone:
	VZEROUPPER
	RET

// func siluBackwardAVX512(dst, g, x []float32): dst = g·silu'(x).
TEXT ·siluBackwardAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ g_base+24(FP), DX
	MOVQ x_base+48(FP), SI
	MOVQ x_len+56(FP), CX
	SILU512_CONSTANTS

zbloop32:
	CMPQ    CX, $32
	JL      zbloop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z7
	SILU_DERIV512
	SILU_DERIV512B
	VMULPS  (DX), Z3, Z3
	VMULPS  64(DX), Z10, Z10
	VMOVUPS Z3, (DI)
	VMOVUPS Z10, 64(DI)
	ADDQ    $128, SI
	ADDQ    $128, DX
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     zbloop32

zbloop16:
	CMPQ    CX, $16
	JL      zbtail
	VMOVUPS (SI), Z0
	SILU_DERIV512
	VMULPS  (DX), Z3, Z3
	VMOVUPS Z3, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     zbloop16

zbtail:
	TESTQ     CX, CX
	JZ        zbdone
	SILU512_TAIL_MASK
	VMOVUPS.Z (SI), K1, Z0
	SILU_DERIV512
	VMOVUPS.Z (DX), K1, Z1
	VMULPS    Z1, Z3, Z3
	VMOVUPS   Z3, K1, (DI)

zbdone:
	VZEROUPPER
	RET
