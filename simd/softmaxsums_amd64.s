//go:build amd64 && gc && !purego

#include "textflag.h"

// AVX-512 kernels of the streamed softmax over masked distances (declared in
// softmaxsums_amd64.go, documented in softmaxsums.go). ABI0.

// func minFloat64AVX512(x *float64, n int) float64
// VMINPD data, acc keeps acc when data is NaN or equal, as the generic loop.
TEXT ·minFloat64AVX512(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ $0x7ff0000000000000, AX
	VPBROADCASTQ AX, Z0
	VMOVAPD Z0, Z1

minloop:
	VMOVUPD (SI), Z2
	VMOVUPD 64(SI), Z3
	VMINPD  Z0, Z2, Z0
	VMINPD  Z1, Z3, Z1
	ADDQ    $128, SI
	SUBQ    $16, CX
	JNZ     minloop
	VMINPD  Z0, Z1, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMINPD  Y0, Y1, Y0
	VEXTRACTF128 $1, Y0, X1
	VMINPD  X0, X1, X0
	VUNPCKHPD X0, X0, X1
	VMINSD  X0, X1, X0
	VZEROUPPER
	MOVSD X0, ret+16(FP)
	RET

// BCAST broadcasts the float64 with bits c into z (clobbers AX).
#define BCAST(c, z) \
	MOVQ $c, AX     \
	VPBROADCASTQ AX, z

// func expSumsAVX512(dist *float64, x *float32, n int, a, negm, negcut float64) (s, u float64)
// 8 distances a step: l = negm - d*a; lanes with l >= negcut (mask K1) add
// e^l to s (Z0) and e^l*x to u (Z1). l is clamped to negcut before the
// exponential so that dropped lanes compute no denormals. e^l: k =
// round(l*log2e), r = l - k*ln2hi - k*ln2lo, Horner's degree-8 Taylor
// polynomial, VSCALEFPD by 2^k. A step whose lanes are all dropped skips
// the exponential.
TEXT ·expSumsAVX512(SB), NOSPLIT, $0-64
	MOVQ dist+0(FP), SI
	MOVQ x+8(FP), DI
	MOVQ n+16(FP), CX
	VBROADCASTSD a+24(FP), Z16
	VBROADCASTSD negm+32(FP), Z17
	VBROADCASTSD negcut+40(FP), Z18
	BCAST(0x3ff71547652b82fe, Z19) // log2e
	BCAST(0x3fe62e42fee00000, Z20) // ln2hi
	BCAST(0x3dea39ef35793c76, Z21) // ln2lo
	BCAST(0x3efa01a01a01a01a, Z22) // 1/40320
	BCAST(0x3f2a01a01a01a01a, Z23) // 1/5040
	BCAST(0x3f56c16c16c16c17, Z24) // 1/720
	BCAST(0x3f81111111111111, Z25) // 1/120
	BCAST(0x3fa5555555555555, Z26) // 1/24
	BCAST(0x3fc5555555555555, Z27) // 1/6
	BCAST(0x3fe0000000000000, Z28) // 1/2
	BCAST(0x3ff0000000000000, Z29) // 1
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1

exploop:
	VMOVUPD (SI), Z2
	VFNMADD213PD Z17, Z16, Z2 // l = negm - d*a
	VCMPPD $0x1d, Z18, Z2, K1 // l >= negcut
	KORTESTB K1, K1
	JZ   expnext
	VMAXPD Z18, Z2, Z2
	VMULPD Z19, Z2, Z3
	VRNDSCALEPD $0, Z3, Z3    // k
	VFNMADD231PD Z20, Z3, Z2  // r = l - k*ln2hi
	VFNMADD231PD Z21, Z3, Z2  // r -= k*ln2lo
	VMOVAPD Z22, Z4
	VFMADD213PD Z23, Z2, Z4
	VFMADD213PD Z24, Z2, Z4
	VFMADD213PD Z25, Z2, Z4
	VFMADD213PD Z26, Z2, Z4
	VFMADD213PD Z27, Z2, Z4
	VFMADD213PD Z28, Z2, Z4
	VFMADD213PD Z29, Z2, Z4
	VFMADD213PD Z29, Z2, Z4
	VSCALEFPD Z3, Z4, Z4      // e = p * 2^k
	VCVTPS2PD (DI), Z5
	VADDPD Z4, Z0, K1, Z0
	VFMADD231PD Z5, Z4, K1, Z1

expnext:
	ADDQ $64, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  exploop

	VEXTRACTF64X4 $1, Z0, Y2
	VADDPD Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X2
	VADDPD X2, X0, X0
	VUNPCKHPD X0, X0, X2
	VADDSD X2, X0, X0
	VEXTRACTF64X4 $1, Z1, Y3
	VADDPD Y3, Y1, Y1
	VEXTRACTF128 $1, Y1, X3
	VADDPD X3, X1, X1
	VUNPCKHPD X1, X1, X3
	VADDSD X3, X1, X1
	VZEROUPPER
	MOVSD X0, s+48(FP)
	MOVSD X1, u+56(FP)
	RET
