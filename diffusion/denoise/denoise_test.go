package denoise

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// affineNoise is a hand-written conditioned "network" with ε̂ in closed
// form: ε̂(x, t) = g(t)·A·x + b(t)·1 per image, g(t) = 1 + t/1000, b(t) =
// t/2000, A a fixed d×d matrix. It records the steps it was given.
type affineNoise struct {
	A     []float64
	shape []int // one image [C,H,W]
	steps []int
}

func (a *affineNoise) d() int { return a.shape[0] * a.shape[1] * a.shape[2] }
func gain(t int) float64      { return 1 + float64(t)/1000 }
func offset(t int) float64    { return float64(t) / 2000 }
func (a *affineNoise) apply(x []float64, t int) []float64 {
	d := a.d()
	out := make([]float64, d)
	for i := range d {
		var s float64
		for j := range d {
			s += a.A[i*d+j] * x[j]
		}
		out[i] = gain(t)*s + offset(t)
	}
	return out
}

func (a *affineNoise) PredictNoise(ctx context.Context, x *tensor.Tensor, t []int) (*tensor.Tensor, error) {
	d := a.d()
	a.steps = append(a.steps, t...)
	out := tensor.New(x.Shape()...)
	for i := range x.Dim(0) {
		xi := make([]float64, d)
		for j := range d {
			xi[j] = float64(x.Data()[i*d+j])
		}
		for j, v := range a.apply(xi, t[i]) {
			out.Data()[i*d+j] = float32(v)
		}
	}
	return out, nil
}

func (a *affineNoise) LinearizeNoise(ctx context.Context, x *tensor.Tensor, t int) (Linearization, error) {
	a.steps = append(a.steps, t)
	eps, err := a.PredictNoise(ctx, x, []int{t})
	if err != nil {
		return nil, err
	}
	d := a.d()
	g := make([]float64, d*d)
	for i := range g {
		g[i] = gain(t) * a.A[i]
	}
	return &matrixLin{m: g, n: d, out: eps}, nil
}

// matrixLin is a dense float64 matrix as a Linearization.
type matrixLin struct {
	m   []float64
	n   int
	out *tensor.Tensor
}

func (m *matrixLin) Output() *tensor.Tensor { return m.out }
func (m *matrixLin) Dim() int               { return m.n }
func (m *matrixLin) JVP(dst, src []float32, k int) error {
	return m.mul(dst, src, k, false)
}
func (m *matrixLin) VJP(dst, src []float32, k int) error {
	return m.mul(dst, src, k, true)
}
func (m *matrixLin) mul(dst, src []float32, k int, trans bool) error {
	n := m.n
	for c := range k {
		for i := range n {
			var s float64
			for j := range n {
				a := m.m[i*n+j]
				if trans {
					a = m.m[j*n+i]
				}
				s += a * float64(src[c*n+j])
			}
			dst[c*n+i] = float32(s)
		}
	}
	return nil
}

func newAffine(seed uint64) *affineNoise {
	a := &affineNoise{shape: []int{2, 3, 3}}
	d := a.d()
	a.A = make([]float64, d*d)
	rng := tensor.NewRNG(seed)
	for i := range a.A {
		a.A[i] = rng.Normal() / math.Sqrt(float64(d))
	}
	return a
}

func nearestByScan(s *schedule.Discrete, sigma float64) int {
	best := 0
	for k, v := range s.Sigma {
		if math.Abs(v-sigma) < math.Abs(s.Sigma[best]-sigma) {
			best = k
		}
	}
	return best
}

// VP against its closed form x̂ = y − σ(g(t)·A·y/√(1+σ²) + b(t)), t the
// step nearest σ by a linear scan, over a batch with different σ.
func TestVPMatchesClosedForm(t *testing.T) {
	net := newAffine(1)
	sched := schedule.DDPM()
	v := VP(net, sched)
	if v.Range() != Signed {
		t.Fatalf("VP range %v, want [-1,1]", v.Range())
	}
	sigmas := []float64{0, 0.05, 0.3423, 1, 3.3, 61}
	b, d := len(sigmas), net.d()
	y := tensor.New(b, 2, 3, 3)
	tensor.NewRNG(2).FillUniform(y.Data(), -1, 1)
	yCopy := append([]float32(nil), y.Data()...)
	out, err := v.Denoise(context.Background(), y, sigmas)
	if err != nil {
		t.Fatal(err)
	}
	for i, sg := range sigmas {
		want := nearestByScan(sched, sg)
		if net.steps[i] != want {
			t.Fatalf("σ = %v: the network was told t = %d, nearest is %d", sg, net.steps[i], want)
		}
		c := 1 / math.Sqrt(1+sg*sg)
		xt := make([]float64, d)
		for j := range d {
			xt[j] = c * float64(yCopy[i*d+j])
		}
		eps := net.apply(xt, want)
		for j := range d {
			ref := float64(yCopy[i*d+j]) - sg*eps[j]
			// The literal formula (x_t − √(1−ᾱ)ε̂)/√ᾱ at ᾱ = 1/(1+σ²).
			ab := 1 / (1 + sg*sg)
			lit := (xt[j] - math.Sqrt(1-ab)*eps[j]) / math.Sqrt(ab)
			if math.Abs(ref-lit) > 1e-9*math.Max(1, math.Abs(ref)) {
				t.Fatalf("closed forms disagree: %v vs %v", ref, lit)
			}
			if got := float64(out.Data()[i*d+j]); math.Abs(got-ref) > 1e-5*math.Max(1, math.Abs(ref)) {
				t.Fatalf("σ = %v pixel %d: x̂ = %v, closed form %v", sg, j, got, ref)
			}
		}
	}
	for i := range yCopy {
		if y.Data()[i] != yCopy[i] {
			t.Fatal("Denoise modified its input")
		}
	}
}

// VP's Jacobian is I − σ·g(t)·A/√(1+σ²): JVP and VJP of a block against
// that matrix, and its output equals Denoise's.
func TestVPLinearizationMatchesClosedForm(t *testing.T) {
	net := newAffine(3)
	sched := schedule.DDPM()
	v := VP(net, sched)
	const sigma = 0.7
	d := net.d()
	y := tensor.New(1, 2, 3, 3)
	tensor.NewRNG(4).FillUniform(y.Data(), -1, 1)
	lin, err := Linearize(context.Background(), v, y, sigma)
	if err != nil {
		t.Fatal(err)
	}
	full, err := v.Denoise(context.Background(), y, []float64{sigma})
	if err != nil {
		t.Fatal(err)
	}
	for j := range d {
		if lin.Output().Data()[j] != full.Data()[j] {
			t.Fatalf("linearization output %v, Denoise %v", lin.Output().Data()[j], full.Data()[j])
		}
	}
	tt := nearestByScan(sched, sigma)
	k := sigma * gain(tt) / math.Sqrt(1+sigma*sigma)
	J := make([]float64, d*d)
	for i := range d {
		for j := range d {
			J[i*d+j] = -k * net.A[i*d+j]
		}
		J[i*d+i]++
	}
	const blk = 3
	src := make([]float32, blk*d)
	tensor.NewRNG(5).FillNormal(src, 0, 1)
	jv, jtv := make([]float32, blk*d), make([]float32, blk*d)
	if err := lin.JVP(jv, src, blk); err != nil {
		t.Fatal(err)
	}
	if err := lin.VJP(jtv, src, blk); err != nil {
		t.Fatal(err)
	}
	for c := range blk {
		for i := range d {
			var a, b float64
			for j := range d {
				a += J[i*d+j] * float64(src[c*d+j])
				b += J[j*d+i] * float64(src[c*d+j])
			}
			if math.Abs(float64(jv[c*d+i])-a) > 1e-5 || math.Abs(float64(jtv[c*d+i])-b) > 1e-5 {
				t.Fatalf("vector %d row %d: JVP %v (want %v), VJP %v (want %v)", c, i, jv[c*d+i], a, jtv[c*d+i], b)
			}
		}
	}
	if err := lin.JVP(jv[:d], src, blk); err == nil {
		t.Error("a short destination was accepted")
	}
}

// A conditioned network without LinearizeNoise gives a VP denoiser
// without a Jacobian, and says so.
func TestVPWithoutJacobian(t *testing.T) {
	plain := struct{ Conditioned }{newAffine(1)}
	v := VP(plain, schedule.DDPM())
	_, err := Linearize(context.Background(), v, tensor.New(1, 2, 3, 3), 0.1)
	if err == nil || !strings.Contains(err.Error(), "no Jacobian") {
		t.Fatalf("err = %v", err)
	}
}

// Blind calls exactly nn.Denoise and nn.Linearize: bit-identical outputs,
// JVPs and VJPs.
func TestBlindIsTheNetwork(t *testing.T) {
	net, err := nn.NewBFUNet(1, 4, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Params() {
		if p.Value.Rank() == 1 {
			p.Value.Fill(1)
		}
	}
	y := tensor.New(3, 1, 8, 8)
	tensor.NewRNG(4).FillUniform(y.Data(), 0, 1)
	want, err := nn.Denoise(net, y)
	if err != nil {
		t.Fatal(err)
	}
	want = want.Clone()
	b := Blind(net)
	got, err := b.Denoise(context.Background(), y, []float64{0.1, 0, 7})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range want.Data() {
		if got.Data()[i] != v {
			t.Fatalf("pixel %d: Blind %v, nn.Denoise %v", i, got.Data()[i], v)
		}
	}
	one, _ := tensor.FromSlice(append([]float32(nil), y.Data()[:64]...), 1, 1, 8, 8)
	ref, err := nn.Linearize(net, one, false)
	if err != nil {
		t.Fatal(err)
	}
	lin, err := Linearize(context.Background(), b, one, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if lin.Dim() != 64 {
		t.Fatalf("Dim %d", lin.Dim())
	}
	for i, v := range ref.Output().Data() {
		if lin.Output().Data()[i] != v {
			t.Fatalf("output %d differs", i)
		}
	}
	v := tensor.New(2, 1, 8, 8)
	tensor.NewRNG(6).FillNormal(v.Data(), 0, 1)
	for _, transpose := range []bool{false, true} {
		var r *tensor.Tensor
		dst := make([]float32, 128)
		if transpose {
			r, err = ref.VJP(v)
			if err == nil {
				err = lin.VJP(dst, v.Data(), 2)
			}
		} else {
			r, err = ref.JVP(v)
			if err == nil {
				err = lin.JVP(dst, v.Data(), 2)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range r.Data() {
			if dst[i] != x {
				t.Fatalf("transpose %v: entry %d: %v vs %v", transpose, i, dst[i], x)
			}
		}
	}
	// [H,W] is one image of one channel.
	if _, err := Linearize(context.Background(), b, tensor.New(8, 8), 0.1); err != nil {
		t.Fatal(err)
	}
}

// Every adapter rejects a σ per image that is missing, negative, NaN or
// infinite, a batch that is not [B,C,H,W], and a cancelled context.
func TestArgumentErrors(t *testing.T) {
	net, _ := nn.NewBFUNet(1, 2, tensor.NewRNG(1))
	id := Func{F: func(_ context.Context, y *tensor.Tensor, _ []float64) (*tensor.Tensor, error) { return y.Clone(), nil }, R: Unit}
	signedID, _ := In(Unit, Func{F: id.F, R: Signed})
	dens := map[string]Denoiser{"blind": Blind(net), "vp": VP(newAffine(1), schedule.DDPM()), "func": id, "converted": signedID}
	shapes := map[string][]int{"blind": {2, 1, 4, 4}, "vp": {2, 2, 3, 3}, "func": {2, 1, 4, 4}, "converted": {2, 1, 4, 4}}
	ctx := context.Background()
	for name, den := range dens {
		y := tensor.New(shapes[name]...)
		if _, err := den.Denoise(ctx, y, []float64{0.1, 0.2}); err != nil {
			t.Fatalf("%s: valid call: %v", name, err)
		}
		for _, c := range []struct {
			sigma []float64
			want  string
		}{
			{[]float64{0.1}, "1 noise levels for a batch of 2"},
			{[]float64{0.1, -0.5}, "σ = -0.5 of image 1"},
			{[]float64{math.NaN(), 0.1}, "σ = NaN of image 0"},
			{[]float64{0.1, math.Inf(1)}, "σ = +Inf"},
		} {
			if _, err := den.Denoise(ctx, y, c.sigma); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: σ %v: err = %v, want %q", name, c.sigma, err, c.want)
			}
		}
		flat := tensor.New(2, 16)
		if _, err := den.Denoise(ctx, flat, []float64{0.1, 0.1}); err == nil || !strings.Contains(err.Error(), "[B,C,H,W]") {
			t.Errorf("%s: images of shape [2 16]: err = %v", name, err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := den.Denoise(cancelled, y, []float64{0.1, 0.2}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: cancelled context: err = %v", name, err)
		}
		if _, err := Linearize(ctx, den, y, 0.1); err == nil {
			t.Errorf("%s: linearized at a batch of two", name)
		}
	}
	// The network's own shape check surfaces through Blind.
	if _, err := Blind(net).Denoise(ctx, tensor.New(1, 1, 5, 5), []float64{0.1}); err == nil || !strings.Contains(err.Error(), "divisible") {
		t.Errorf("5×5 through a 1-level UNet: %v", err)
	}
	// A denoiser returning the wrong shape is caught.
	bad := Func{F: func(_ context.Context, y *tensor.Tensor, _ []float64) (*tensor.Tensor, error) {
		return tensor.New(1, 1, 2, 2), nil
	}}
	if _, err := bad.Denoise(ctx, tensor.New(2, 1, 2, 2), []float64{0, 0}); err == nil || !strings.Contains(err.Error(), "returned [1 1 2 2]") {
		t.Errorf("wrong output shape: %v", err)
	}
	if _, err := Linearize(ctx, id, tensor.New(1, 1, 2, 2), 0); err == nil || !strings.Contains(err.Error(), "no Jacobian") {
		t.Errorf("Func has no Jacobian: %v", err)
	}
}
