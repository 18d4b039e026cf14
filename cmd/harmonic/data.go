package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

var _ = register(command{
	name:    "data",
	summary: "fetch, show, summarize and export datasets (fetch NAME | show NAME --out grid.png | stats NAME | export SPEC --out F.npy)",
	run:     runData,
})

const dataUsage = `usage:
  harmonic data fetch NAME             download NAME (mnist, fashion-mnist, photos) into $HARMONIC_DATA
  harmonic data show NAME --out F.png  write a grid of the first images of NAME
  harmonic data stats NAME             print N, size, mean and std of NAME's train and test sets
  harmonic data export SPEC --out F.npy [--split train|test] [--n N] [--ntest N] [--size S] [--channels C] [--seed S] [--shuffle]
                                       write the images harmonic train sees for the same flags as one
                                       float32 .npy array [N,C,H,W] in [0,1] (--seed is train's --data-seed)
NAME for show and stats, SPEC for export, is any data spec: ` + data.Kinds

func runData(args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, dataUsage)
		return usageError{errors.New("missing subcommand")}
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Println(dataUsage)
		return flag.ErrHelp
	case "fetch":
		fetchUsage := fmt.Sprintf("usage: harmonic data fetch NAME (one of %v)", data.SourceNames())
		if len(args) == 2 && isHelp(args[1]) {
			fmt.Println(fetchUsage)
			return flag.ErrHelp
		}
		if len(args) != 2 {
			return usageError{errors.New(fetchUsage)}
		}
		return data.Fetch(args[1], "", os.Stdout)
	case "show":
		return runDataShow(args[1:])
	case "stats":
		return runDataStats(args[1:], os.Stdout)
	case "export":
		return runDataExport(args[1:], os.Stdout)
	}
	return usageError{fmt.Errorf("unknown subcommand %q\n%s", args[0], dataUsage)}
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// dataFlags are the options show and stats share with train's --data.
type dataFlags struct {
	size, nTrain, nTest int
	channels            int
	seed                uint64
	shuffle             bool
	wGamma              float64
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&d.size, "size", 0, "image side in pixels (0: the source's default)")
	fs.IntVar(&d.nTrain, "ntrain", 0, "training images to load or generate (0: default)")
	fs.IntVar(&d.nTest, "ntest", 0, "test images (0: default)")
	fs.Uint64Var(&d.seed, "seed", 0, "seed of generators, patches, permutation")
	fs.BoolVar(&d.shuffle, "shuffle", false, "apply one fixed random pixel permutation to every image")
	fs.Float64Var(&d.wGamma, "w", 0, "add γ·c·W to every image (W manipulation), γ = this value")
	fs.IntVar(&d.channels, "channels", 1, "image channels: 1 (grayscale) or 3 (RGB: photos, folder:PATH, npy:PATH)")
}

func (d *dataFlags) open(spec string) (*data.Dataset, error) {
	return data.Open(spec, d.size, data.Options{NTrain: d.nTrain, NTest: d.nTest, Seed: d.seed, Shuffle: d.shuffle, WGamma: d.wGamma, Channels: d.channels})
}

// parseWithName accepts the dataset name before or after the flags.
func parseWithName(fs *flag.FlagSet, args []string) (string, error) {
	var name string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return "", err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	if name == "" {
		return "", fmt.Errorf("missing dataset name (%s)", data.Kinds)
	}
	return name, nil
}

func runDataShow(args []string) error {
	fs := flag.NewFlagSet("data show", flag.ContinueOnError)
	var df dataFlags
	df.register(fs)
	n := fs.Int("n", 64, "number of images to show")
	cols := fs.Int("cols", 0, "images per row (0: about √n)")
	out := fs.String("out", "", "output PNG file (required)")
	test := fs.Bool("test", false, "show test images instead of training images")
	name, err := parseWithName(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return errors.New("data show: --out FILE.png is required")
	}
	if *n <= 0 {
		return fmt.Errorf("data show: --n must be positive, got %d", *n)
	}
	// Generated sources (synthetic images, photo patches) make only what is shown.
	if sp, err := data.ParseSpec(name); err == nil && (sp.Synthetic() || sp.Kind == "photos") {
		if df.nTrain == 0 {
			df.nTrain = *n
		}
		if df.nTest == 0 {
			df.nTest = *n
		}
	}
	ds, err := df.open(name)
	if err != nil {
		return err
	}
	set := ds.Train
	if *test {
		set = ds.Test
	}
	set, err = set.Slice(0, min(*n, set.N))
	if err != nil {
		return err
	}
	c := *cols
	if c <= 0 {
		for c = 1; c*c < set.N; c++ {
		}
	}
	var lo, hi float32 = 0, 1
	if df.wGamma != 0 {
		lo, hi = 0, 0 // values leave [0, 1]: scale to the data
	}
	if err := codec.WritePNGGrid(*out, set.Tensor(), c, lo, hi); err != nil {
		return err
	}
	fmt.Printf("wrote %d %s images (%s) to %s\n", set.N, name, strings.ReplaceAll(imageSize(set.Channels(), set.H, set.W), "x", "×"), *out)
	return nil
}

func runDataStats(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("data stats", flag.ContinueOnError)
	var df dataFlags
	df.register(fs)
	name, err := parseWithName(fs, args)
	if err != nil {
		return err
	}
	ds, err := df.open(name)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-8s %8s %9s %9s %9s %9s %9s\n", "set", "N", "size", "mean", "std", "min", "max")
	for _, s := range []struct {
		label string
		set   *data.Set
	}{{"train", ds.Train}, {"test", ds.Test}} {
		st := s.set.Stats()
		fmt.Fprintf(w, "%-8s %8d %9s %9.4f %9.4f %9.4f %9.4f\n", s.label, st.N, imageSize(st.C, st.H, st.W), st.Mean, st.Std, st.Min, st.Max)
	}
	return nil
}

// imageSize is "HxW" for grayscale and "CxHxW" for colour images.
func imageSize(c, h, w int) string {
	if c > 1 {
		return fmt.Sprintf("%dx%dx%d", c, h, w)
	}
	return fmt.Sprintf("%dx%d", h, w)
}
