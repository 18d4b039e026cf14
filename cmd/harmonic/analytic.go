package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

var _ = register(command{
	name:    "analytic",
	summary: "training-set denoisers of study B (predict --method wiener|optimal|locality|els|scfdm|nearest ...)",
	run:     runAnalytic,
})

const analyticUsage = `usage:
  harmonic analytic predict --method wiener|optimal|locality|els|scfdm|nearest --train TRAIN --input xt.npy
                            --alphabar A [--tau T] [--patch K] [--smoothing S --noise-draws J --noise-seed Z]
                            --output x0hat.npy
TRAIN is a float32 .npy [N,C,H,W] in [0,1] (as harmonic data export writes it) or any data spec
(` + data.Kinds + `) with --n/--size/--channels/--seed; it is mapped to [-1,1].
xt.npy is float32 [B,C,H,W], VP-noised in [-1,1]: x_t = sqrt(A) x0 + sqrt(1-A) eps; the output is the
estimate of x0 in [-1,1], [B,C,H,W] (the conventions of analytic_reference.py predict).
els: Kamb & Ganguli's equivariant local score machine with odd patch size K (0: their calibrated MNIST
UNet schedule at A). scfdm: the optimal denoiser averaged over J copies of x_t + S·eps (S default 1.0 for
one channel, 0.1 for colour, J 10, as the released configs).`

func runAnalytic(args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, analyticUsage)
		return usageError{errors.New("missing subcommand")}
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Println(analyticUsage)
		return flag.ErrHelp
	case "predict":
		return runAnalyticPredict(args[1:], os.Stdout)
	}
	return usageError{fmt.Errorf("unknown subcommand %q\n%s", args[0], analyticUsage)}
}

// predictFlags are analytic predict's options.
type predictFlags struct {
	method, train, input, output string
	alphabar, tau, smoothing     float64
	patch, noiseDraws            int
	noiseSeed                    uint64
	n, size, channels            int
	seed                         uint64
}

func runAnalyticPredict(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("analytic predict", flag.ContinueOnError)
	var f predictFlags
	fs.StringVar(&f.method, "method", "", "wiener, optimal, locality, els, scfdm or nearest (required)")
	fs.StringVar(&f.train, "train", "", "training images: a .npy [N,C,H,W] in [0,1] or a data spec (required)")
	fs.StringVar(&f.input, "input", "", "noisy images x_t, .npy [B,C,H,W] in [-1,1] (required)")
	fs.StringVar(&f.output, "output", "", "where to write x̂0, .npy [B,C,H,W] in [-1,1] (required; written atomically)")
	fs.Float64Var(&f.alphabar, "alphabar", math.NaN(), "ᾱ of x_t, in (0, 1] (required)")
	fs.Float64Var(&f.tau, "tau", -1, "locality threshold τ ≥ 0 (default: 0.005 one channel, 0.05 colour ≤ 32×32, 0.02 larger colour)")
	fs.IntVar(&f.patch, "patch", 0, "els: patch size K (odd, at most the image side; 0: Kamb & Ganguli's MNIST UNet schedule at ᾱ)")
	fs.Float64Var(&f.smoothing, "smoothing", -1, "scfdm: std S >= 0 of the perturbations of x_t (default 1.0 one channel, 0.1 colour)")
	fs.IntVar(&f.noiseDraws, "noise-draws", analytic.SCFDMNumNoise, "scfdm: perturbed copies J averaged")
	fs.Uint64Var(&f.noiseSeed, "noise-seed", 0, "scfdm: seed of the perturbations")
	fs.IntVar(&f.n, "n", 60000, "training images from a data spec (ignored for a .npy)")
	fs.IntVar(&f.size, "size", 0, "image side for a data spec (0: the source's default)")
	fs.IntVar(&f.channels, "channels", 1, "channels for a data spec: 1 or 3")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of a synthetic data spec")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments %v", fs.Args())}
	}
	tauSet := false
	fs.Visit(func(fl *flag.Flag) { tauSet = tauSet || fl.Name == "tau" })
	if err := checkPredictFlags(f, tauSet); err != nil {
		return err
	}
	if err := checkMethodFlags(fs, f.method); err != nil {
		return err
	}
	xt, err := codec.LoadNpy(f.input)
	if err != nil {
		return err
	}
	train, err := loadTrainSigned(f)
	if err != nil {
		return err
	}
	if xt.Rank() != 4 || xt.Dim(1) != train.Dim(1) || xt.Dim(2) != train.Dim(2) || xt.Dim(3) != train.Dim(3) {
		return fmt.Errorf("--input %s has shape %v but the training images are %v: want [B,%d,%d,%d]",
			f.input, xt.Shape(), train.Shape(), train.Dim(1), train.Dim(2), train.Dim(3))
	}
	if f.patch > min(train.Dim(2), train.Dim(3)) {
		return fmt.Errorf("--patch %d is larger than the %dx%d images", f.patch, train.Dim(2), train.Dim(3))
	}
	if !tauSet {
		f.tau = defaultTau(train.Dim(1), train.Dim(2), train.Dim(3))
	}
	model, err := buildPredictor(f, train)
	if err != nil {
		return err
	}
	x0, err := model.PredictVP(context.Background(), xt, f.alphabar)
	if err != nil {
		return err
	}
	if err := codec.SaveNpy(f.output, x0); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s x̂0 %v at alphabar %g from %d training images to %s\n", f.method, x0.Shape(), f.alphabar, train.Dim(0), f.output)
	return nil
}

// checkPredictFlags rejects bad flags before anything is loaded.
func checkPredictFlags(f predictFlags, tauSet bool) error {
	switch f.method {
	case "wiener", "optimal", "locality", "nearest", "els", "scfdm":
	case "":
		return usageError{errors.New("--method is required (wiener, optimal, locality, els, scfdm, nearest)")}
	default:
		return usageError{fmt.Errorf("--method %q: want wiener, optimal, locality, els, scfdm or nearest", f.method)}
	}
	switch {
	case f.train == "":
		return usageError{errors.New("--train is required")}
	case f.input == "":
		return usageError{errors.New("--input is required")}
	case f.output == "":
		return usageError{errors.New("--output is required")}
	case !strings.EqualFold(filepath.Ext(f.output), ".npy"):
		return fmt.Errorf("--output %q: the file is a NumPy array, name it *.npy", f.output)
	case math.IsNaN(f.alphabar):
		return usageError{errors.New("--alphabar is required")}
	case !(f.alphabar > 0 && f.alphabar <= 1):
		return fmt.Errorf("--alphabar %v outside (0, 1]", f.alphabar)
	case tauSet && (!(f.tau >= 0) || math.IsInf(f.tau, 0)):
		return fmt.Errorf("--tau %v must be a finite number >= 0", f.tau)
	case f.patch < 0:
		return fmt.Errorf("--patch %d is negative", f.patch)
	case f.patch > 0 && f.patch%2 == 0:
		return fmt.Errorf("--patch %d is even: an ELS patch has a centre pixel, give an odd size", f.patch)
	case f.smoothing != -1 && (!(f.smoothing >= 0) || math.IsInf(f.smoothing, 0)):
		return fmt.Errorf("--smoothing %v must be a finite number >= 0", f.smoothing)
	case f.noiseDraws < 1:
		return fmt.Errorf("--noise-draws %d: needs at least one perturbed copy", f.noiseDraws)
	case f.n < 1:
		return fmt.Errorf("--n %d: needs at least one training image", f.n)
	}
	return nil
}

// loadTrainSigned reads the training images in [0,1] and maps them to
// [−1,1] (x = 2u − 1), as the reference does before anything else.
func loadTrainSigned(f predictFlags) (*tensor.Tensor, error) {
	var u *tensor.Tensor
	if strings.EqualFold(filepath.Ext(f.train), ".npy") {
		t, err := codec.LoadNpy(f.train)
		if err != nil {
			return nil, err
		}
		if t.Rank() != 4 {
			return nil, fmt.Errorf("--train %s has shape %v: want [N,C,H,W]", f.train, t.Shape())
		}
		u = t
	} else {
		ds, err := data.Open(f.train, f.size, data.Options{NTrain: f.n, Seed: f.seed, Channels: f.channels})
		if err != nil {
			return nil, err
		}
		if ds.Train.N == 0 {
			return nil, fmt.Errorf("--train %s: no training images", f.train)
		}
		u = ds.Train.Tensor()
	}
	x := u.Contiguous().Clone()
	for i, v := range x.Data() {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("--train %s: value %v at flat index %d is not finite", f.train, v, i)
		}
		x.Data()[i] = 2*v - 1
	}
	return x, nil
}

// defaultTau is the released configs' threshold for images of this kind:
// MNIST-like one-channel images 0.005, 32×32 colour 0.05, larger colour
// (faces, animals at 64×64) 0.02.
func defaultTau(c, h, w int) float64 {
	switch {
	case c == 1:
		return analytic.TauMNIST
	case h <= 32 && w <= 32:
		return analytic.TauColour
	}
	return analytic.TauFaces
}

// methodFlags are the options only one method reads; giving one to another
// method is an error rather than silently ignored. (--tau stays accepted by
// every method, as it always was.)
var methodFlags = map[string]string{
	"patch": "els", "smoothing": "scfdm", "noise-draws": "scfdm", "noise-seed": "scfdm",
}

func checkMethodFlags(fs *flag.FlagSet, method string) error {
	var err error
	fs.Visit(func(fl *flag.Flag) {
		if m, ok := methodFlags[fl.Name]; ok && m != method && err == nil {
			err = fmt.Errorf("--%s %s is for --method %s, not %s", fl.Name, fl.Value, m, method)
		}
	})
	return err
}

// defaultSmoothing is the released scfdm configs' perturbation std: 1.0
// for MNIST(-like one-channel images), 0.1 otherwise.
func defaultSmoothing(c int) float64 {
	if c == 1 {
		return analytic.SCFDMStdMNIST
	}
	return analytic.SCFDMStd
}

func buildPredictor(f predictFlags, train *tensor.Tensor) (analytic.Predictor, error) {
	switch f.method {
	case "optimal":
		return analytic.NewOptimal(train)
	case "nearest":
		return analytic.NewNearest(train)
	case "els":
		if f.patch == 0 {
			e, err := analytic.NewELS(train, 1)
			if err != nil {
				return nil, err
			}
			e.Schedule = analytic.KambMNISTUNet()
			return e, nil
		}
		return analytic.NewELS(train, f.patch)
	case "scfdm":
		s := f.smoothing
		if s == -1 {
			s = defaultSmoothing(train.Dim(1))
		}
		return analytic.NewSCFDM(train, max(f.noiseDraws, 1), s, f.noiseSeed)
	}
	if train.Dim(0) < 2 {
		return nil, fmt.Errorf("--train %s has %d image(s): the %s method needs statistics of at least 2", f.train, train.Dim(0), f.method)
	}
	s, err := analytic.ComputeStats(train)
	if err != nil {
		return nil, err
	}
	if f.method == "wiener" {
		return analytic.NewWiener(s), nil
	}
	return analytic.NewLocality(train, s, f.tau)
}
