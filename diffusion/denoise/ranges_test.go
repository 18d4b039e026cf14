package denoise

import (
	"context"
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/tensor"
)

func TestConvertRoundTrip(t *testing.T) {
	x, _ := tensor.FromSlice([]float32{0, 0.25, 0.5, 1}, 1, 1, 2, 2)
	s, sg, err := Convert(x, []float64{0.1}, Unit, Signed)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float32{-1, -0.5, 0, 1} {
		if s.Data()[i] != want {
			t.Fatalf("2x−1 of %v = %v, want %v", x.Data()[i], s.Data()[i], want)
		}
	}
	if sg[0] != 0.2 {
		t.Fatalf("σ' = %v, want 0.2", sg[0])
	}
	back, sb, _ := Convert(s, sg, Signed, Unit)
	for i := range x.Data() {
		if back.Data()[i] != x.Data()[i] {
			t.Fatalf("round trip %v → %v", x.Data()[i], back.Data()[i])
		}
	}
	if sb[0] != 0.1 {
		t.Fatalf("σ back %v", sb[0])
	}
	if _, _, err := Convert(x, nil, Unit, Range(7)); err == nil {
		t.Error("unknown range accepted")
	}
}

// A VP denoiser (Signed) used on [0,1] images: the images go in as 2y−1
// with 2σ, and the estimate comes back as (x̂'+1)/2; the Jacobian is the
// Signed one unchanged.
func TestInUnitOfSignedDenoiser(t *testing.T) {
	net := newAffine(8)
	v := VP(net, schedule.DDPM())
	u, err := In(Unit, v)
	if err != nil {
		t.Fatal(err)
	}
	if u.Range() != Unit {
		t.Fatalf("range %v", u.Range())
	}
	if same, _ := In(Signed, v); same != Denoiser(v) {
		t.Fatal("In of the denoiser's own range must return it unchanged")
	}
	ctx := context.Background()
	y := tensor.New(2, 2, 3, 3)
	tensor.NewRNG(9).FillUniform(y.Data(), 0, 1)
	sigmas := []float64{0.05, 0.4}
	got, err := u.Denoise(ctx, y, sigmas)
	if err != nil {
		t.Fatal(err)
	}
	ys, ss, _ := Convert(y, sigmas, Unit, Signed)
	ref, err := v.Denoise(ctx, ys, ss)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got.Data() {
		if want := (float64(ref.Data()[i]) + 1) / 2; math.Abs(float64(got.Data()[i])-want) > 1e-7 {
			t.Fatalf("pixel %d: %v, want (x̂'+1)/2 = %v", i, got.Data()[i], want)
		}
	}
	// Jacobian: the same JVP as the Signed linearization at 2y−1, 2σ.
	one, _ := tensor.FromSlice(append([]float32(nil), y.Data()[:18]...), 1, 2, 3, 3)
	lu, err := Linearize(ctx, u, one, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	os, _, _ := Convert(one, nil, Unit, Signed)
	ls, err := Linearize(ctx, v, os, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	src := make([]float32, 18)
	tensor.NewRNG(10).FillNormal(src, 0, 1)
	a, b := make([]float32, 18), make([]float32, 18)
	if err := lu.JVP(a, src, 1); err != nil {
		t.Fatal(err)
	}
	if err := ls.JVP(b, src, 1); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("JVP entry %d: %v in [0,1], %v in [-1,1]", i, a[i], b[i])
		}
		if want := (float64(ls.Output().Data()[i]) + 1) / 2; math.Abs(float64(lu.Output().Data()[i])-want) > 1e-7 {
			t.Fatalf("output %d: %v, want %v", i, lu.Output().Data()[i], want)
		}
	}
	// Finite differences of the converted denoiser confirm J is unchanged:
	// (x̂(y+hv) − x̂(y−hv))/2h ≈ J·v.
	const h = 1e-2
	plus, minus := one.Clone(), one.Clone()
	for i := range src {
		plus.Data()[i] += h * src[i]
		minus.Data()[i] -= h * src[i]
	}
	fp, _ := u.Denoise(ctx, plus, []float64{0.05})
	fm, _ := u.Denoise(ctx, minus, []float64{0.05})
	for i := range a {
		fd := (float64(fp.Data()[i]) - float64(fm.Data()[i])) / (2 * h)
		if math.Abs(fd-float64(a[i])) > 1e-3 {
			t.Fatalf("entry %d: finite difference %v, JVP %v", i, fd, a[i])
		}
	}
}
