package study

import (
	"context"
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/nn"
)

// naiveR2 is r² of one image pair in float64 by the formula of STUDY.md,
// written out independently of r2MSE.
func naiveR2(x, y []float32) float64 {
	d := float64(len(y))
	var m float64
	for _, v := range y {
		m += float64(v)
	}
	m /= d
	var ss, v2 float64
	for i := range y {
		ss += math.Pow(float64(x[i])-float64(y[i]), 2)
		v2 += math.Pow(float64(y[i])-m, 2)
	}
	return 1 - ss/(d*(v2/(d-1)))
}

// The comparison job's numbers are those of the sampler run model by
// model: the Wiener filter's final DDIM r² from its own trajectory (a run
// of its own from the same noise) and its single-step r² on the network's
// last x_t, both recomputed here per image.
func TestLocalityCompareMatchesSeparateRuns(t *testing.T) {
	out := t.TempDir()
	p := LocalitySmoke()
	p.Datasets[0].WGammas, p.Datasets[0].BlindBase = nil, 0
	res, err := RunLocality(context.Background(), p, out, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	lp, err := planLocality(p)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := nn.LoadAny(plan.RunDir(out, lp.train[0]))
	if err != nil {
		t.Fatal(err)
	}
	cn, err := nn.AsConditioned(m)
	if err != nil {
		t.Fatal(err)
	}
	st, err := loadStats(plan.RunDir(out, lp.stats[0]))
	if err != nil {
		t.Fatal(err)
	}
	net := sample.FromNoise(denoise.EpsNet{Net: cn})
	wiener := sample.FromVP(analytic.NewWiener(st))
	opt := sample.DDIMDefaults()
	opt.Seed = p.Seed + 101
	n, c, h, w := p.Samples, st.C, st.H, st.W
	run := func(model sample.X0Predictor) []float32 {
		r, err := sample.DDIM(context.Background(), []sample.X0Predictor{model}, n, c, h, w, opt)
		if err != nil {
			t.Fatal(err)
		}
		return r[0].Samples.Data()
	}
	netX0, wX0 := run(net), run(wiener)
	// The network's last x_t, then the Wiener filter on it.
	var lastXt []float32
	var lastAB float64
	opt.Observer = func(o sample.Observation) error {
		lastXt, lastAB = append([]float32(nil), o.Xt.Data()...), o.AlphaBar
		return nil
	}
	run(net)
	xt := sample.InitialNoise(n, c, h, w, 0)
	copy(xt.Data(), lastXt)
	single, err := analytic.NewWiener(st).PredictVP(context.Background(), xt, lastAB)
	if err != nil {
		t.Fatal(err)
	}
	d := c * h * w
	var ddim, one float64
	for j := range n {
		ddim += naiveR2(wX0[j*d:(j+1)*d], netX0[j*d:(j+1)*d]) / float64(n)
		one += naiveR2(single.Data()[j*d:(j+1)*d], netX0[j*d:(j+1)*d]) / float64(n)
	}
	cmp := res.Datasets[0].Compare
	got := cmp.DDIM["wiener"].R2
	if g := *got[len(got)-1]; math.Abs(g-ddim) > 1e-9 {
		t.Errorf("DDIM final r² %v, separate runs give %v", g, ddim)
	}
	gs := cmp.Single["wiener"].R2
	if g := *gs[len(gs)-1]; math.Abs(g-one) > 1e-9 {
		t.Errorf("single-step final r² %v, recomputed %v", g, one)
	}
}
