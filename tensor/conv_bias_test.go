package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/simd"
)

// TestConv2dBias requires Conv2dBias to equal Conv2d followed by adding the
// bias plane by plane, bit for bit, on every path: Winograd F(2×2) and
// F(4×4) (forced and automatic), the extended grid of odd sides, the direct
// kernel, the stride-2 phase GEMM and 1×1 convolutions, at every level.
func TestConv2dBias(t *testing.T) {
	cases := append(append([]convCase(nil), winogradCases...),
		convCase{2, 32, 7, 7, 24, 3, 3, 1, 1},  // odd sides: the extended grid
		convCase{3, 3, 9, 9, 5, 3, 3, 1, 1},    // direct
		convCase{2, 16, 12, 10, 8, 3, 3, 2, 1}, // stride 2
		convCase{2, 24, 5, 6, 16, 1, 1, 1, 0})  // 1×1
	convEachLevel(t, func(t *testing.T) {
		for _, mode := range []int{winogradAuto, winogradForce23, winogradForce43, winogradNever} {
			for n, c := range cases {
				r := rand.New(rand.NewPCG(uint64(n), 41))
				x := mustTensor(t, convRand(r, c.b*c.ci*c.h*c.w), c.b, c.ci, c.h, c.w)
				w := mustTensor(t, convRand(r, c.co*c.ci*c.kh*c.kw), c.co, c.ci, c.kh, c.kw)
				b := mustTensor(t, convRand(r, c.co), c.co)
				var got, want *Tensor
				withWinograd(mode, func() {
					var err error
					if got, err = Conv2dBias(x, w, b, c.s, c.p); err != nil {
						t.Fatal(err)
					}
					if want, err = Conv2d(x, w, c.s, c.p); err != nil {
						t.Fatal(err)
					}
				})
				hw := want.Dim(2) * want.Dim(3)
				for p := 0; p < c.b*c.co; p++ {
					seg := want.Data()[p*hw : (p+1)*hw]
					simd.AddConst(seg, b.Data()[p%c.co], seg)
				}
				name := fmt.Sprintf("mode %d %v", mode, c)
				for i, v := range got.Data() {
					if math.Float32bits(v) != math.Float32bits(want.Data()[i]) {
						t.Fatalf("%s: element %d = %g, want %g bit for bit", name, i, v, want.Data()[i])
					}
				}
			}
		}
	})
	x, w := New(1, 2, 4, 4), New(3, 2, 3, 3)
	for _, b := range []*Tensor{New(2), New(3, 1), nil} {
		if _, err := Conv2dBias(x, w, b, 1, 1); err == nil || !strings.Contains(err.Error(), "bias has shape") {
			t.Fatalf("bias %v: error %v, want one naming the bias shape", b, err)
		}
	}
}
