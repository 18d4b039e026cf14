package gradcheck

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the failures Check reports.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

// product is f(a, b) = (a0·b0, sin a1 + b0², Σa·b) at a fixed point, with its
// derivatives written out by hand; scaleVJP spoils the VJP.
func product(scaleVJP float32) Func {
	a, b := []float32{0.3, -1.2}, []float32{0.7, 2.0}
	ref := func(x [][]float64) []float64 {
		a, b := x[0], x[1]
		return []float64{a[0] * b[0], math.Sin(a[1]) + b[0]*b[0], a[0]*b[0] + a[1]*b[1]}
	}
	// jac[o] = ∂f_o/∂(a0, a1, b0, b1).
	jac := func() [][]float32 {
		c := float32(math.Cos(float64(a[1])))
		return [][]float32{{b[0], 0, a[0], 0}, {0, c, 2 * b[0], 0}, {b[0], b[1], a[0], a[1]}}
	}()
	value := ref([][]float64{To64(a), To64(b)})
	return Func{Name: "product", X: [][]float32{a, b},
		Value: []float32{float32(value[0]), float32(value[1]), float32(value[2])},
		Ref:   ref,
		JVP: func(inputs []int, tangents [][]float32, k int) ([]float32, error) {
			out := make([]float32, 3*k)
			for p, i := range inputs {
				for j := range k {
					for o := range 3 {
						for q := range 2 {
							out[3*j+o] += jac[o][2*i+q] * tangents[p][2*j+q]
						}
					}
				}
			}
			return out, nil
		},
		VJP: func(u []float32, k int) ([][]float32, error) {
			g := [][]float32{make([]float32, 2*k), make([]float32, 2*k)}
			for i := range 2 {
				for j := range k {
					for q := range 2 {
						for o := range 3 {
							g[i][2*j+q] += scaleVJP * jac[o][2*i+q] * u[3*j+o]
						}
					}
				}
			}
			return g, nil
		},
	}
}

func TestCheckPassesCorrectDerivatives(t *testing.T) {
	r := &recorder{TB: t}
	Check(r, product(1))
	if len(r.failures) > 0 {
		t.Fatalf("correct derivatives reported: %v", r.failures)
	}
}

func TestCheckCatchesWrongVJP(t *testing.T) {
	r := &recorder{TB: t}
	Check(r, product(1.01))
	joined := strings.Join(r.failures, "\n")
	if !strings.Contains(joined, "VJP input") || !strings.Contains(joined, "<Jv,u>") {
		t.Fatalf("a VJP 1%% too large was not reported by both the finite-difference and the adjoint check: %q", joined)
	}
}

// The gradient of a scalar output is compared with the Jacobian's row.
func TestCheckComparesScalarGradient(t *testing.T) {
	x := []float32{0.5, -0.25, 2}
	ref := func(x [][]float64) []float64 { return []float64{x[0][0] * x[0][1] * x[0][2]} }
	grad := func(scale float32) func() ([][]float32, error) {
		return func() ([][]float32, error) {
			return [][]float32{{scale * x[1] * x[2], x[0] * x[2], x[0] * x[1]}}, nil
		}
	}
	f := Func{Name: "triple", X: [][]float32{x}, Value: []float32{x[0] * x[1] * x[2]}, Ref: ref,
		JVP: func(_ []int, v [][]float32, k int) ([]float32, error) {
			out := make([]float32, k)
			for j := range k {
				out[j] = x[1]*x[2]*v[0][3*j] + x[0]*x[2]*v[0][3*j+1] + x[0]*x[1]*v[0][3*j+2]
			}
			return out, nil
		},
		VJP: func(u []float32, k int) ([][]float32, error) {
			g := make([]float32, 3*k)
			for j := range k {
				g[3*j], g[3*j+1], g[3*j+2] = x[1]*x[2]*u[j], x[0]*x[2]*u[j], x[0]*x[1]*u[j]
			}
			return [][]float32{g}, nil
		},
	}
	for _, c := range []struct {
		scale float32
		fails bool
	}{{1, false}, {1.01, true}} {
		f.Grad = grad(c.scale)
		r := &recorder{TB: t}
		Check(r, f)
		if got := len(r.failures) > 0; got != c.fails {
			t.Errorf("gradient scaled by %v: failures %q, want failing %v", c.scale, r.failures, c.fails)
		}
	}
}
