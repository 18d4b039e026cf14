package study

import (
	"fmt"
	"math"
	"slices"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/tensor"
)

// TwoNet is the two-network experiment at one N (claim A.2): samples of the
// S1 and S2 models driven by the same noise, and cosine similarities.
type TwoNet struct {
	N          int
	S1, S2     []float32 // samples, back to back
	NN1        []float32 // nearest S1 training image of each S1 sample
	Pair       []float64 // cos(S1 sample i, S2 sample i), raw images
	NearS1     []float64 // cos(S1 sample, nearest S1 training image), raw
	NearS2     []float64
	PairMR     []float64 // the same, mean-removed images (centered cosine)
	NearS1MR   []float64
	Steps1     []int
	Steps2     []int
	Converged1 int
	Converged2 int
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

// TwoNets runs the experiment for every N of the sweep.
func (r *Runner) TwoNets() ([]*TwoNet, error) {
	var out []*TwoNet
	for _, n := range r.Preset.Ns {
		s1, s2 := r.Spec(r.Preset.Data, false, "S1", n), r.Spec(r.Preset.Data, false, "S2", n)
		opt := r.Preset.Sampler
		opt.Seed = r.Preset.Seed + 101
		v, err := Cached(r, "twonet", []any{s1.Key(), s2.Key(), opt, r.Preset.Samples}, func() (*TwoNet, error) {
			return r.twoNet(s1, s2, opt)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (r *Runner) twoNet(s1, s2 ModelSpec, opt sample.Options) (*TwoNet, error) {
	p := r.Preset
	ds, err := r.Data(s1)
	if err != nil {
		return nil, err
	}
	// Both models start from the same mean: that of the whole pool, so
	// the initial images are identical for S1 and S2.
	opt.Mean = ds.Train.Stats().Mean
	res := &TwoNet{N: s1.N}
	var sets [2]*data.Set
	for k, s := range []ModelSpec{s1, s2} {
		net, err := r.Model(s)
		if err != nil {
			return nil, err
		}
		if sets[k], err = r.TrainSet(s); err != nil {
			return nil, err
		}
		fmt.Fprintf(r.Log, "sampling %d images from %s\n", p.Samples, s.Label)
		sm, err := sample.Run(sample.NetDenoiser(net), p.Samples, p.Size, p.Size, opt)
		if err != nil {
			return nil, err
		}
		conv := 0
		for _, c := range sm.Converged {
			if c {
				conv++
			}
		}
		if k == 0 {
			res.S1, res.Steps1, res.Converged1 = sm.Samples.Data(), sm.Steps, conv
		} else {
			res.S2, res.Steps2, res.Converged2 = sm.Samples.Data(), sm.Steps, conv
		}
	}
	d := p.Size * p.Size
	for i := 0; i < p.Samples; i++ {
		a, b := res.S1[i*d:(i+1)*d], res.S2[i*d:(i+1)*d]
		res.Pair = append(res.Pair, cosine(a, b, false))
		res.PairMR = append(res.PairMR, cosine(a, b, true))
		j, c1 := nearest(a, sets[0], false)
		res.NN1 = append(res.NN1, sets[0].Image(j)...)
		res.NearS1 = append(res.NearS1, c1)
		_, c2 := nearest(b, sets[1], false)
		res.NearS2 = append(res.NearS2, c2)
		_, c1m := nearest(a, sets[0], true)
		res.NearS1MR = append(res.NearS1MR, c1m)
	}
	return res, nil
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

// WriteTwoNets saves sample grids, histograms and the medians table.
func WriteTwoNets(out string, res []*TwoNet, size int) (*report.Table, error) {
	t := &report.Table{Header: []string{"N", "median cos(S1,S2)", "median cos(S1, NN in S1)", "median cos(S2, NN in S2)",
		"median centered cos(S1,S2)", "median centered cos(S1,NN)", "converged S1", "converged S2"}}
	var pairs, nears [][]float64
	var names []string
	d := size * size
	for _, r := range res {
		n := len(r.Pair)
		t.Add(r.N, Median(r.Pair), Median(r.NearS1), Median(r.NearS2), Median(r.PairMR), Median(r.NearS1MR),
			fmt.Sprintf("%d/%d", r.Converged1, n), fmt.Sprintf("%d/%d", r.Converged2, n))
		pairs, nears = append(pairs, r.Pair), append(nears, append(slices.Clone(r.NearS1), r.NearS2...))
		names = append(names, fmt.Sprintf("N=%d", r.N))
		// Grid: row 1 S1 samples, row 2 S2 samples, row 3 nearest S1 training images.
		show := min(n, 8)
		grid := make([]float32, 0, 3*show*d)
		grid = append(grid, r.S1[:show*d]...)
		grid = append(grid, r.S2[:show*d]...)
		grid = append(grid, r.NN1[:show*d]...)
		gt, err := tensor.FromSlice(grid, 3*show, 1, size, size)
		if err != nil {
			return nil, err
		}
		if err := report.ImageGrid(fmt.Sprintf("%s/figures/samples_N%d.png", out, r.N), gt, show, 0, 1, false); err != nil {
			return nil, err
		}
	}
	lo := math.Min(histLow(pairs), histLow(nears))
	if err := report.Histogram("cosine similarity of S1 and S2 samples (same noise)", "cosine (raw images)", names, pairs, lo, 1, 25).Save(out + "/figures/cos_pair.png"); err != nil {
		return nil, err
	}
	if err := report.Histogram("cosine similarity of samples to their nearest training image", "cosine (raw images)", names, nears, lo, 1, 25).Save(out + "/figures/cos_nearest.png"); err != nil {
		return nil, err
	}
	return t, t.WriteCSV(out + "/tables/cosine.csv")
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
