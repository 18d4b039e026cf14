package study

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/tensor"
)

// TwoNet is the two-network experiment at one N (claim A.2): samples of the
// S1 and S2 models driven by the same noise, and cosine similarities. The
// per-sample slices cover every sample; the ...Conv methods restrict them to
// the samples whose chains converged (a diverged chain's "sample" is an
// image scaled up without bound, not a draw from the model).
//
// A gahb-twonet job's metric "twonet" is a TwoNet without its images, which
// go to its file samples.json (twoNetImages).
type TwoNet struct {
	N          int
	S1, S2     []float32 `json:"-"` // samples, back to back
	NN1        []float32 `json:"-"` // nearest S1 training image of each S1 sample
	Pair       []float64 // cos(S1 sample i, S2 sample i), raw images
	NearS1     []float64 // cos(S1 sample, nearest S1 training image), raw
	NearS2     []float64
	PairMR     []float64 // the same, mean-removed images (centered cosine)
	NearS1MR   []float64
	Steps1     []int
	Steps2     []int
	Converged1 int
	Converged2 int
	// Per sample: reached σ∞ (Conv), stopped as diverged (Div).
	Conv1, Conv2 []bool
	Div1, Div2   []bool
	Diverged1    int
	Diverged2    int
	// Floor1, Floor2: each model's residual floor, the σ_t Algorithm 1
	// reads at its clean training images (sample.ResidualFloor over the
	// first floorImages): where it exceeds σ∞ the chains cannot converge.
	Floor1, Floor2 float64
	// Trace1, Trace2: σ_t of every chain at every step (in samples.json).
	Trace1, Trace2 [][]float64 `json:"-"`
}

// BothConverged lists the pairs whose S1 and S2 chains both converged.
func (t *TwoNet) BothConverged() []int {
	var idx []int
	for i := range t.Conv1 {
		if t.Conv1[i] && t.Conv2[i] {
			idx = append(idx, i)
		}
	}
	return idx
}

// PairConv is cos(S1, S2) over the pairs that both converged; PairMRConv
// its centered version.
func (t *TwoNet) PairConv() []float64   { return pick(t.Pair, t.BothConverged()) }
func (t *TwoNet) PairMRConv() []float64 { return pick(t.PairMR, t.BothConverged()) }

// NearS1Conv, NearS2Conv and NearS1MRConv are the nearest-training-image
// cosines over the model's converged samples.
func (t *TwoNet) NearS1Conv() []float64   { return pick(t.NearS1, flagged(t.Conv1)) }
func (t *TwoNet) NearS2Conv() []float64   { return pick(t.NearS2, flagged(t.Conv2)) }
func (t *TwoNet) NearS1MRConv() []float64 { return pick(t.NearS1MR, flagged(t.Conv1)) }

func flagged(f []bool) []int {
	var idx []int
	for i, b := range f {
		if b {
			idx = append(idx, i)
		}
	}
	return idx
}

func pick(v []float64, idx []int) []float64 {
	out := make([]float64, 0, len(idx))
	for _, i := range idx {
		out = append(out, v[i])
	}
	return out
}

// cosine of two vectors; centered subtracts each vector's own mean first.
func cosine(a, b []float32, centered bool) float64 {
	var ma, mb float64
	if centered {
		for i := range a {
			ma += float64(a[i])
			mb += float64(b[i])
		}
		ma /= float64(len(a))
		mb /= float64(len(b))
	}
	var ab, aa, bb float64
	for i := range a {
		x, y := float64(a[i])-ma, float64(b[i])-mb
		ab += x * y
		aa += x * x
		bb += y * y
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

// nearest returns the training image of largest cosine with x (over the
// whole training set of the model) and that cosine.
func nearest(x []float32, set *data.Set, centered bool) (int, float64) {
	best, bi := math.Inf(-1), 0
	for i := 0; i < set.N; i++ {
		if c := cosine(x, set.Image(i), centered); c > best {
			best, bi = c, i
		}
	}
	return bi, best
}

// kindTwoNet is the two-network experiment at one N: its dependencies are
// the gahb-train jobs of the S1 and S2 models, in that order.
const kindTwoNet = "gahb-twonet"

// twoNetConfig is a gahb-twonet job's config.
type twoNetConfig struct {
	S1, S2  ModelSpec
	Sampler sample.Options // Seed set, Mean not: it is the pool's mean
	Samples int
	Size    int
}

// twoNetImages is a gahb-twonet job's samples.json: the images and the σ_t
// traces the figures show.
type twoNetImages struct {
	S1, S2, NN1    []float32
	Trace1, Trace2 [][]float64
}

// floorImages is the number of training images a model's residual floor
// is measured on (all of them when it has fewer).
const floorImages = 256

const twoNetImagesFile = "samples.json"

// Version 2: σ_t traces and residual floors.
func init() { plan.Register(kindTwoNet, "2", runTwoNet) }

func runTwoNet(ctx context.Context, env *plan.Env) error {
	var c twoNetConfig
	if err := env.Config(&c); err != nil {
		return err
	}
	ds, err := openData(c.S1.Train)
	if err != nil {
		return err
	}
	opt := c.Sampler
	// Both models start from the same mean: that of the whole pool, so
	// the initial images are identical for S1 and S2.
	opt.Mean = ds.Train.Stats().Mean
	res := &TwoNet{N: c.S1.N}
	var sets [2]*data.Set
	for k, s := range []ModelSpec{c.S1, c.S2} {
		var sm *sample.Result
		var floor float64
		if sets[k], sm, floor, err = sampleModel(ctx, env, k, s, c, opt); err != nil {
			return err
		}
		if k == 0 {
			res.S1, res.Steps1, res.Conv1, res.Div1 = sm.Samples.Data(), sm.Steps, sm.Converged, sm.Diverged
			res.Converged1, res.Diverged1, res.Floor1, res.Trace1 = sm.NumConverged(), sm.NumDiverged(), floor, sm.Trace
		} else {
			res.S2, res.Steps2, res.Conv2, res.Div2 = sm.Samples.Data(), sm.Steps, sm.Converged, sm.Diverged
			res.Converged2, res.Diverged2, res.Floor2, res.Trace2 = sm.NumConverged(), sm.NumDiverged(), floor, sm.Trace
		}
	}
	res.cosines(sets, c.Size*c.Size)
	if err := env.WriteFile(twoNetImagesFile, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(twoNetImages{res.S1, res.S2, res.NN1, res.Trace1, res.Trace2})
	}); err != nil {
		return err
	}
	env.SetMetric("twonet", res)
	return nil
}

// sampleModel draws the samples of the model of s (dependency k) and
// returns its training set and residual floor too.
func sampleModel(ctx context.Context, env *plan.Env, k int, s ModelSpec, c twoNetConfig, opt sample.Options) (*data.Set, *sample.Result, float64, error) {
	net, err := depNet(env, k)
	if err != nil {
		return nil, nil, 0, err
	}
	set, err := trainSet(s)
	if err != nil {
		return nil, nil, 0, err
	}
	env.Logf("sampling %d images from %s", c.Samples, s.Label())
	den := denoise.Blind(net)
	sm, err := sample.Run(ctx, den, c.Samples, c.Size, c.Size, opt)
	if err != nil {
		return nil, nil, 0, err
	}
	first, err := set.Slice(0, min(set.N, floorImages))
	if err != nil {
		return nil, nil, 0, err
	}
	floor, err := sample.ResidualFloor(ctx, den, first.Tensor(), opt.Batch)
	if err != nil {
		return nil, nil, 0, err
	}
	env.Logf("  %d converged, %d diverged; residual floor on clean training images %.4g (σ∞ %g)", sm.NumConverged(), sm.NumDiverged(), floor, opt.SigmaInf)
	return set, sm, floor, nil
}

// cosines fills the pair and nearest-neighbour cosines of every sample
// (diverged ones included: the ...Conv methods filter them).
func (t *TwoNet) cosines(sets [2]*data.Set, d int) {
	for i := range len(t.S1) / d {
		a, b := t.S1[i*d:(i+1)*d], t.S2[i*d:(i+1)*d]
		t.Pair = append(t.Pair, cosine(a, b, false))
		t.PairMR = append(t.PairMR, cosine(a, b, true))
		j, c1 := nearest(a, sets[0], false)
		t.NN1 = append(t.NN1, sets[0].Image(j)...)
		t.NearS1 = append(t.NearS1, c1)
		_, c2 := nearest(b, sets[1], false)
		t.NearS2 = append(t.NearS2, c2)
		_, c1m := nearest(a, sets[0], true)
		t.NearS1MR = append(t.NearS1MR, c1m)
	}
}

// Median of a sample (NaN if empty).
func Median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// twoNetHeader names the cosine table's columns: the original ones (every
// sample, diverged chains included) first, unchanged, then the divergence
// counts and the statistics restricted to converged chains.
var twoNetHeader = []string{"N", "median cos(S1,S2)", "median cos(S1, NN in S1)", "median cos(S2, NN in S2)",
	"median centered cos(S1,S2)", "median centered cos(S1,NN)", "converged S1", "converged S2",
	"diverged S1", "diverged S2", "pairs both converged", "median cos(S1,S2) both converged",
	"median centered cos(S1,S2) both converged", "median cos(S1, NN in S1) converged",
	"median cos(S2, NN in S2) converged", "median centered cos(S1,NN) converged",
	"residual floor S1", "residual floor S2"}

// row is t's line of the cosine table.
func (t *TwoNet) row() []any {
	n := len(t.Pair)
	frac := func(k int) string { return fmt.Sprintf("%d/%d", k, n) }
	return []any{t.N, Median(t.Pair), Median(t.NearS1), Median(t.NearS2), Median(t.PairMR), Median(t.NearS1MR),
		frac(t.Converged1), frac(t.Converged2), frac(t.Diverged1), frac(t.Diverged2), frac(len(t.BothConverged())),
		Median(t.PairConv()), Median(t.PairMRConv()), Median(t.NearS1Conv()), Median(t.NearS2Conv()), Median(t.NearS1MRConv()),
		t.Floor1, t.Floor2}
}

// sigmaFigure is the file of t's σ_t plot.
func (t *TwoNet) sigmaFigure() string { return fmt.Sprintf("figures/sigma_N%d.png", t.N) }

// writeSigmaPlot draws every chain's σ_t against the step, S1 solid and S2
// dashed, with both residual floors and σ∞.
func (t *TwoNet) writeSigmaPlot(out string, sigmaInf float64) error {
	p := report.SigmaTracePlot(fmt.Sprintf("N=%d: σ_t of Algorithm 1 per chain", t.N), sigmaInf,
		report.Chains{Name: "S1", Traces: t.Trace1, Diverged: t.Div1, Floor: t.Floor1},
		report.Chains{Name: "S2", Traces: t.Trace2, Diverged: t.Div2, Floor: t.Floor2, Dashed: true})
	return p.Save(out + "/" + t.sigmaFigure())
}

// WriteTwoNets saves sample grids, histograms and the medians table. The
// histograms show converged samples only (pairs: both chains converged).
func WriteTwoNets(out string, res []*TwoNet, size int, sigmaInf float64) (*report.Table, error) {
	t := &report.Table{Header: twoNetHeader}
	var pairs, nears [][]float64
	var names []string
	for _, r := range res {
		t.Add(r.row()...)
		pairs, nears = append(pairs, r.PairConv()), append(nears, append(r.NearS1Conv(), r.NearS2Conv()...))
		names = append(names, fmt.Sprintf("N=%d", r.N))
		if err := r.writeGrid(out, size); err != nil {
			return nil, err
		}
		if len(r.Trace1) > 0 {
			if err := r.writeSigmaPlot(out, sigmaInf); err != nil {
				return nil, err
			}
		}
	}
	lo := math.Min(histLow(pairs), histLow(nears))
	if err := report.Histogram("cosine similarity of S1 and S2 samples (same noise, both converged)", "cosine (raw images)", names, pairs, lo, 1, 25).Save(out + "/figures/cos_pair.png"); err != nil {
		return nil, err
	}
	if err := report.Histogram("cosine similarity of converged samples to their nearest training image", "cosine (raw images)", names, nears, lo, 1, 25).Save(out + "/figures/cos_nearest.png"); err != nil {
		return nil, err
	}
	return t, t.WriteCSV(out + "/tables/cosine.csv")
}

// gridCols is the number of sample pairs shown per N.
const gridCols = 8

// writeGrid draws row 1 S1 samples, row 2 S2 samples, row 3 the nearest
// S1 training images, for the first gridCols pairs.
func (t *TwoNet) writeGrid(out string, size int) error {
	d := size * size
	show := min(len(t.Pair), gridCols)
	grid := make([]float32, 0, 3*show*d)
	grid = append(grid, t.S1[:show*d]...)
	grid = append(grid, t.S2[:show*d]...)
	grid = append(grid, t.NN1[:show*d]...)
	gt, err := tensor.FromSlice(grid, 3*show, 1, size, size)
	if err != nil {
		return err
	}
	return report.ImageGrid(fmt.Sprintf("%s/figures/samples_N%d.png", out, t.N), gt, show, 0, 1, false)
}

// divergedShown lists the grid columns (1-based) whose S1 or S2 chain
// diverged, for the figure caption.
func (t *TwoNet) divergedShown() string {
	var cols []string
	for i := range min(len(t.Pair), gridCols) {
		if t.Div1[i] || t.Div2[i] {
			cols = append(cols, fmt.Sprint(i+1))
		}
	}
	if len(cols) == 0 {
		return ""
	}
	return " Diverged chains (saturated images) in column(s) " + strings.Join(cols, ", ") + "."
}

// histLow is the histograms' lower end: 0.5, or lower (by tenths) to keep
// every value in range.
func histLow(v [][]float64) float64 {
	lo := 0.5
	for _, s := range v {
		for _, x := range s {
			lo = math.Min(lo, math.Floor(10*x)/10)
		}
	}
	return math.Max(lo, -1)
}
