package study

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// The job kinds of study B. Each dataset of a LocalityPreset gets one of
// each: locality-train (its tc-unet), locality-stats (its training set's
// statistics), then locality-fields and locality-compare, which read both.
const (
	kindLocTrain   = "locality-train"
	kindLocStats   = "locality-stats"
	kindLocFields  = "locality-fields"
	kindLocCompare = "locality-compare"
)

func init() {
	plan.Register(kindLocTrain, "1", runLocTrain)
	plan.RegisterCost(kindLocTrain, locTrainCost)
	plan.Register(kindLocStats, "1", runLocStats)
	plan.RegisterCost(kindLocStats, locStatsCost)
}

// runLocTrain trains the config's tc-unet with vp-eps on the whole
// training set (study A's training job machinery: resumable, the same
// metrics).
func runLocTrain(ctx context.Context, env *plan.Env) error {
	var c train.Config
	if err := env.Config(&c); err != nil {
		return err
	}
	ds, err := openData(dataOnly(c))
	if err != nil {
		return err
	}
	return trainModel(ctx, env, fmt.Sprintf("%s tc-unet", c.Data), c, ds.Train)
}

// tcStepSecondsPerUnit scales the estimate of a vp-eps tc-unet step on one
// thread: a step's work grows with batch × pixels × base² (convolutions
// dominate; deeper levels add a fraction, which the constant absorbs).
// Measured: base 16, mult 1,2,2, batch 64 of 28×28 images, 0.26 s per step
// on one thread of this machine (`harmonic train --threads 1`, 13 steps
// minus 3, load average about 1.2 from other work).
const tcStepSecondsPerUnit = 0.26 / (64 * 28 * 28 * 16 * 16)

// bfStepSecondsPerUnit is the same for study A's bias-free UNet (blind
// objective): 2 levels of base 16, batch 64 of 28×28 images, 0.056 s per
// step measured the same way (no time embedding, no GroupNorm, fewer
// convolutions per level).
const bfStepSecondsPerUnit = 0.056 / (64 * 28 * 28 * 16 * 16)

func locTrainCost(c train.Config) (float64, error) {
	unit := tcStepSecondsPerUnit
	if c.Arch == "bf-unet" {
		unit = bfStepSecondsPerUnit
	}
	return float64(c.Steps) * float64(c.Batch*c.Size*c.Size*c.Base*c.Base) * unit, nil
}

// signedTrain is the training set of a data config as [N,C,H,W] in
// [−1,1] (x = 2u − 1), the analytic models' convention.
func signedTrain(c train.Config) (*tensor.Tensor, error) {
	ds, err := openData(dataOnly(c))
	if err != nil {
		return nil, err
	}
	return signed(ds.Train.Tensor()), nil
}

func signed(u *tensor.Tensor) *tensor.Tensor {
	x := tensor.New(u.Shape()...)
	for i, v := range u.Contiguous().Data() {
		x.Data()[i] = 2*v - 1
	}
	return x
}

// The files of a locality-stats job: float64 .npy arrays (numpy reads
// them; LoadNpy64 keeps every bit) and their shape.
const (
	statsMeanFile    = "stats_mean.npy"    // μ [C,H,W]
	statsValuesFile  = "stats_values.npy"  // eigenvalues, ascending [d]
	statsVectorsFile = "stats_vectors.npy" // eigenvectors as rows [d,d]
	statsShapeFile   = "stats.json"        // {c, h, w, n}
)

type statsShape struct {
	C, H, W, N int
}

// runLocStats computes the statistics of the config's training set once
// (mean, unbiased covariance's eigendecomposition) and caches them in the
// job's directory for the jobs that read them. Metrics: n, dim,
// top_eigenvalue, trace (Σλ) and stats_seconds.
func runLocStats(ctx context.Context, env *plan.Env) error {
	var c train.Config
	if err := env.Config(&c); err != nil {
		return err
	}
	x, err := signedTrain(c)
	if err != nil {
		return err
	}
	start := time.Now()
	env.Logf("statistics of %d images of %s (%dx%dx%d)", x.Dim(0), c.Data, x.Dim(1), x.Dim(2), x.Dim(3))
	st, err := analytic.ComputeStats(x)
	if err != nil {
		return err
	}
	d := st.Dim()
	for _, f := range []struct {
		name  string
		v     []float64
		shape []int
	}{{statsMeanFile, st.Mean, []int{st.C, st.H, st.W}}, {statsValuesFile, st.Values, []int{d}}, {statsVectorsFile, st.Vectors, []int{d, d}}} {
		if err := env.WriteFile(f.name, func(w io.Writer) error { return codec.WriteNpy64(w, f.v, f.shape...) }); err != nil {
			return err
		}
	}
	if err := env.WriteFile(statsShapeFile, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(statsShape{C: st.C, H: st.H, W: st.W, N: st.N})
	}); err != nil {
		return err
	}
	var trace float64
	for _, v := range st.Values {
		trace += v
	}
	env.SetMetric("n", st.N)
	env.SetMetric("dim", d)
	env.SetMetric("top_eigenvalue", st.Values[d-1])
	env.SetMetric("trace", trace)
	env.SetMetric("stats_seconds", time.Since(start).Seconds())
	return nil
}

// locStatsCost: the covariance is N·d²/2 multiply-adds and the
// eigendecomposition about 9d³ flops, at ~5 GFLOP/s on one thread.
func locStatsCost(c train.Config) (float64, error) {
	d := float64(max(c.Channels, 1) * c.Size * c.Size)
	return (float64(c.NTrain)*d*d + 9*d*d*d) / 5e9, nil
}

// loadStats reads the statistics a locality-stats job cached in dir.
func loadStats(dir string) (*analytic.Stats, error) {
	var sh statsShape
	b, err := os.ReadFile(filepath.Join(dir, statsShapeFile))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &sh); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, statsShapeFile), err)
	}
	st := &analytic.Stats{C: sh.C, H: sh.H, W: sh.W, N: sh.N}
	d := st.Dim()
	for _, f := range []struct {
		name string
		dst  *[]float64
		n    int
	}{{statsMeanFile, &st.Mean, d}, {statsValuesFile, &st.Values, d}, {statsVectorsFile, &st.Vectors, d * d}} {
		v, _, err := codec.LoadNpy64(filepath.Join(dir, f.name))
		if err != nil {
			return nil, err
		}
		if len(v) != f.n {
			return nil, fmt.Errorf("%s: %d values, the statistics of %dx%dx%d images need %d", filepath.Join(dir, f.name), len(v), sh.C, sh.H, sh.W, f.n)
		}
		*f.dst = v
	}
	return st, nil
}

// depOf is the dependency of env of the given kind (the first one).
func depOf(env *plan.Env, kind string) (plan.Dep, error) {
	for _, d := range env.Deps {
		if d.Kind == kind {
			return d, nil
		}
	}
	return plan.Dep{}, fmt.Errorf("job %s (%s): no %s dependency", env.ID, env.Kind, kind)
}

// depEpsNet loads the tc-unet of env's locality-train dependency as an
// ε-predicting network.
func depEpsNet(env *plan.Env) (denoise.EpsNet, error) {
	d, err := depOf(env, kindLocTrain)
	if err != nil {
		return denoise.EpsNet{}, err
	}
	m, _, err := nn.LoadAny(d.Dir)
	if err != nil {
		return denoise.EpsNet{}, err
	}
	net, err := nn.AsConditioned(m)
	if err != nil {
		return denoise.EpsNet{}, err
	}
	return denoise.EpsNet{Net: net}, nil
}

// depStats loads the statistics of env's locality-stats dependency.
func depStats(env *plan.Env) (*analytic.Stats, error) {
	d, err := depOf(env, kindLocStats)
	if err != nil {
		return nil, err
	}
	return loadStats(d.Dir)
}
