//go:build amd64 && gc && !purego

#include "textflag.h"

// AVX-512 kernels of the streamed softmax over masked distances (declared in
// softmaxsums_amd64.go, documented in softmaxsums.go). ABI0. No fused
// multiply-add where the generic code rounds twice, so that
// SquaredResiduals and SumRowsGrouped give the generic bits.

// func squaredResidualsAVX512(dst, x *float32, n int, y, a float64)
// 16 values a step: widen to float64, t = a*x, e = y - t, e*e, narrow.
TEXT ·squaredResidualsAVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD y+24(FP), Z16
	VBROADCASTSD a+32(FP), Z17

sqloop:
	VCVTPS2PD (SI), Z0
	VCVTPS2PD 32(SI), Z1
	VMULPD Z17, Z0, Z0
	VMULPD Z17, Z1, Z1
	VSUBPD Z0, Z16, Z0
	VSUBPD Z1, Z16, Z1
	VMULPD Z0, Z0, Z0
	VMULPD Z1, Z1, Z1
	VCVTPD2PS Z0, Y0
	VCVTPD2PS Z1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JNZ  sqloop
	VZEROUPPER
	RET

// WIDEN_ADD adds the 16 float32 of Z(p) to the float64 totals lo and hi.
#define WIDEN_ADD(p, py, lo, hi) \
	VCVTPS2PD py, Z12           \
	VADDPD Z12, lo, lo          \
	VEXTRACTF32X8 $1, p, Y13    \
	VCVTPS2PD Y13, Z13          \
	VADDPD Z13, hi, hi

// STORE_TOT stores tot[off] - acc (a float64 vector) to dst[off].
#define STORE_TOT(acc, off) \
	VMOVUPD off(R12), Z12   \
	VSUBPD acc, Z12, acc    \
	VMOVUPD acc, off(DI)

// func sumRowsGroupedAVX512(acc, tot *float64, x *float32, stride int, rows *int32, nrows, chunks int)
// Per chunk of 64 columns: float64 totals Z4-Z11; per group of up to 16
// rows, float32 partials Z0-Z3 from zero, each listed row's 64 values added
// in list order, then widened into the totals.
// Registers: DI acc, R12 tot, SI x (chunk start), R8 stride in bytes,
// R9 rows, R10 nrows, R11 chunks left, BX row position, CX rows left in the group.
TEXT ·sumRowsGroupedAVX512(SB), NOSPLIT, $0-56
	MOVQ acc+0(FP), DI
	MOVQ tot+8(FP), R12
	MOVQ x+16(FP), SI
	MOVQ stride+24(FP), R8
	SHLQ $2, R8
	MOVQ rows+32(FP), R9
	MOVQ nrows+40(FP), R10
	MOVQ chunks+48(FP), R11

chunk:
	VXORPD Z4, Z4, Z4
	VXORPD Z5, Z5, Z5
	VXORPD Z6, Z6, Z6
	VXORPD Z7, Z7, Z7
	VXORPD Z8, Z8, Z8
	VXORPD Z9, Z9, Z9
	VXORPD Z10, Z10, Z10
	VXORPD Z11, Z11, Z11
	XORQ BX, BX

group:
	CMPQ BX, R10
	JGE  store
	MOVQ R10, CX
	SUBQ BX, CX
	CMPQ CX, $16
	JLE  grouprows
	MOVQ $16, CX

grouprows:
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3

row:
	MOVLQSX (R9)(BX*4), AX
	IMULQ   R8, AX
	VADDPS  (SI)(AX*1), Z0, Z0
	VADDPS  64(SI)(AX*1), Z1, Z1
	VADDPS  128(SI)(AX*1), Z2, Z2
	VADDPS  192(SI)(AX*1), Z3, Z3
	INCQ    BX
	DECQ    CX
	JNZ     row

	WIDEN_ADD(Z0, Y0, Z4, Z5)
	WIDEN_ADD(Z1, Y1, Z6, Z7)
	WIDEN_ADD(Z2, Y2, Z8, Z9)
	WIDEN_ADD(Z3, Y3, Z10, Z11)
	JMP group

store:
	TESTQ R12, R12
	JZ    plain
	STORE_TOT(Z4, 0)
	STORE_TOT(Z5, 64)
	STORE_TOT(Z6, 128)
	STORE_TOT(Z7, 192)
	STORE_TOT(Z8, 256)
	STORE_TOT(Z9, 320)
	STORE_TOT(Z10, 384)
	STORE_TOT(Z11, 448)
	ADDQ $512, R12
	JMP  next

plain:
	VMOVUPD Z4, (DI)
	VMOVUPD Z5, 64(DI)
	VMOVUPD Z6, 128(DI)
	VMOVUPD Z7, 192(DI)
	VMOVUPD Z8, 256(DI)
	VMOVUPD Z9, 320(DI)
	VMOVUPD Z10, 384(DI)
	VMOVUPD Z11, 448(DI)

next:
	ADDQ $512, DI
	ADDQ $256, SI
	DECQ R11
	JNZ  chunk
	VZEROUPPER
	RET

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
