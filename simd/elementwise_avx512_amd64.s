//go:build amd64 && gc && !purego

#include "textflag.h"
#include "kernels_amd64.h"

// AVX-512 (F, VL, BW, DQ) versions of the elementwise kernels and reductions
// (declared in elementwise_amd64.go). ABI0: arguments come on the stack (FP).
//
// Register use, common to every function here:
//   SI, DX  input pointers (x, y / dy)      DI  output pointer (dst, y)
//   CX      elements left                   AX  tail-mask bits
//   Z0-Z3   data (elementwise) or the four partial sums (reductions)
//   Z4-Z7   data (reductions)               Z15 alpha or 0
//   K1      tail mask                       K2-K5 ReLUBackward's x > 0 masks
//
// Each loop does 64 floats (4 registers) per step, then 16 at a time, then the
// last 1..15 under the mask K1 = (1<<n)-1: masked loads zero the other lanes
// and never fault, masked stores leave memory there untouched.
//
// Elementwise kernels round each multiply and add separately (no FMA) so they
// match the generic Go code bit for bit; reductions use FMA and 4 partial sums
// to hide its latency.

// func dotAVX512(x, y []float32) float32
TEXT ·dotAVX512(SB), NOSPLIT, $0-52
	MOVQ x_base+0(FP), SI
	MOVQ y_base+24(FP), DX
	MOVQ x_len+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3

loop64:
	CMPQ CX, $64
	JL   loop16
	VMOVUPS (SI), Z4
	VMOVUPS 64(SI), Z5
	VMOVUPS 128(SI), Z6
	VMOVUPS 192(SI), Z7
	VFMADD231PS (DX), Z4, Z0
	VFMADD231PS 64(DX), Z5, Z1
	VFMADD231PS 128(DX), Z6, Z2
	VFMADD231PS 192(DX), Z7, Z3
	ADDQ $256, SI
	ADDQ $256, DX
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMOVUPS (SI), Z4
	VFMADD231PS (DX), Z4, Z0
	ADDQ $64, SI
	ADDQ $64, DX
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    reduce
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z4
	VMOVUPS.Z (DX), K1, Z5
	VFMADD231PS Z5, Z4, Z1

reduce:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	HSUM_Z0
	VMOVSS X0, ret+48(FP)
	VZEROUPPER
	RET

// func axpyAVX512(alpha float32, x, y []float32): y += alpha*x, with the
// product rounded before the add (VMULPS + VADDPS, not FMA).
TEXT ·axpyAVX512(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha+0(FP), Z15
	MOVQ x_base+8(FP), SI
	MOVQ y_base+32(FP), DI
	MOVQ x_len+16(FP), CX

loop64:
	CMPQ CX, $64
	JL   loop16
	VMULPS (SI), Z15, Z0
	VMULPS 64(SI), Z15, Z1
	VMULPS 128(SI), Z15, Z2
	VMULPS 192(SI), Z15, Z3
	VADDPS (DI), Z0, Z0
	VADDPS 64(DI), Z1, Z1
	VADDPS 128(DI), Z2, Z2
	VADDPS 192(DI), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMULPS (SI), Z15, Z0
	VADDPS (DI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DI), K1, Z1
	VMULPS Z0, Z15, Z0
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET

// func scaleAVX512(alpha float32, x []float32): x *= alpha in place.
TEXT ·scaleAVX512(SB), NOSPLIT, $0-32
	VBROADCASTSS alpha+0(FP), Z15
	MOVQ x_base+8(FP), DI
	MOVQ x_len+16(FP), CX

loop64:
	CMPQ CX, $64
	JL   loop16
	VMULPS (DI), Z15, Z0
	VMULPS 64(DI), Z15, Z1
	VMULPS 128(DI), Z15, Z2
	VMULPS 192(DI), Z15, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMULPS (DI), Z15, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (DI), K1, Z0
	VMULPS Z0, Z15, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET

// func addAVX512(dst, x, y []float32): dst = x + y. Every block loads
// before it stores, so dst may be x or y.
TEXT ·addAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), DX
	MOVQ x_len+32(FP), CX

loop64:
	CMPQ CX, $64
	JL   loop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VADDPS (DX), Z0, Z0
	VADDPS 64(DX), Z1, Z1
	VADDPS 128(DX), Z2, Z2
	VADDPS 192(DX), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DX
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMOVUPS (SI), Z0
	VADDPS (DX), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K1, Z1
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET

// func subAVX512(dst, x, y []float32): dst = x - y. Every block loads
// before it stores, so dst may be x or y.
TEXT ·subAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), DX
	MOVQ x_len+32(FP), CX

loop64:
	CMPQ CX, $64
	JL   loop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VSUBPS (DX), Z0, Z0
	VSUBPS 64(DX), Z1, Z1
	VSUBPS 128(DX), Z2, Z2
	VSUBPS 192(DX), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DX
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMOVUPS (SI), Z0
	VSUBPS (DX), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K1, Z1
	VSUBPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET

// func mulAVX512(dst, x, y []float32): dst = x * y. Every block loads
// before it stores, so dst may be x or y.
TEXT ·mulAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), DX
	MOVQ x_len+32(FP), CX

loop64:
	CMPQ CX, $64
	JL   loop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VMULPS (DX), Z0, Z0
	VMULPS 64(DX), Z1, Z1
	VMULPS 128(DX), Z2, Z2
	VMULPS 192(DX), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DX
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMOVUPS (SI), Z0
	VMULPS (DX), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K1, Z1
	VMULPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET

// func reluAVX512(dst, x []float32): dst = max(x, 0). VMAXPS returns its second
// source (in Go operand order the first, here Z15 = 0) when the compare is
// false, so NaN and -0 become +0 exactly as in the generic code. The data must
// be in a register: with x as the memory operand the roles would swap.
TEXT ·reluAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	VPXORD Z15, Z15, Z15

loop64:
	CMPQ CX, $64
	JL   loop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VMAXPS Z15, Z0, Z0
	VMAXPS Z15, Z1, Z1
	VMAXPS Z15, Z2, Z2
	VMAXPS Z15, Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMOVUPS (SI), Z0
	VMAXPS Z15, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z0
	VMAXPS Z15, Z0, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET

// func reluBackwardAVX512(dst, dy, x []float32): dst = dy where x > 0, else 0.
// K2-K5 = 0 < x (predicate 0x11, LT_OQ, with x as the memory operand; false
// for NaN); a zero-masking load of dy under them gives the result directly.
TEXT ·reluBackwardAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dy_base+24(FP), DX
	MOVQ x_base+48(FP), SI
	MOVQ x_len+56(FP), CX
	VPXORD Z15, Z15, Z15

loop64:
	CMPQ CX, $64
	JL   loop16
	VCMPPS $0x11, (SI), Z15, K2
	VCMPPS $0x11, 64(SI), Z15, K3
	VCMPPS $0x11, 128(SI), Z15, K4
	VCMPPS $0x11, 192(SI), Z15, K5
	VMOVUPS.Z (DX), K2, Z0
	VMOVUPS.Z 64(DX), K3, Z1
	VMOVUPS.Z 128(DX), K4, Z2
	VMOVUPS.Z 192(DX), K5, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DX
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VCMPPS $0x11, (SI), Z15, K2
	VMOVUPS.Z (DX), K2, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    done
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z1
	VCMPPS $0x11, Z1, Z15, K2
	VMOVUPS.Z (DX), K2, Z0
	VMOVUPS Z0, K1, (DI)

done:
	VZEROUPPER
	RET

// func sumAVX512(x []float32) float32
TEXT ·sumAVX512(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3

loop64:
	CMPQ CX, $64
	JL   loop16
	VADDPS (SI), Z0, Z0
	VADDPS 64(SI), Z1, Z1
	VADDPS 128(SI), Z2, Z2
	VADDPS 192(SI), Z3, Z3
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VADDPS (SI), Z0, Z0
	ADDQ $64, SI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    reduce
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z4
	VADDPS Z4, Z1, Z1

reduce:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	HSUM_Z0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func sumSquaresAVX512(x []float32) float32
TEXT ·sumSquaresAVX512(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3

loop64:
	CMPQ CX, $64
	JL   loop16
	VMOVUPS (SI), Z4
	VMOVUPS 64(SI), Z5
	VMOVUPS 128(SI), Z6
	VMOVUPS 192(SI), Z7
	VFMADD231PS Z4, Z4, Z0
	VFMADD231PS Z5, Z5, Z1
	VFMADD231PS Z6, Z6, Z2
	VFMADD231PS Z7, Z7, Z3
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  loop64

loop16:
	CMPQ CX, $16
	JL   tail
	VMOVUPS (SI), Z4
	VFMADD231PS Z4, Z4, Z0
	ADDQ $64, SI
	SUBQ $16, CX
	JMP  loop16

tail:
	TESTQ CX, CX
	JZ    reduce
	TAIL_MASK_K1
	VMOVUPS.Z (SI), K1, Z4
	VFMADD231PS Z4, Z4, Z1

reduce:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	HSUM_Z0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET
