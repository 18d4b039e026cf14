package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// runDataExport writes one split of a dataset as a float32 .npy [N,C,H,W].
// The images are those `harmonic train` trains (or tests) on with the same
// flags: the flags fill a train.Config starting from train's own defaults
// (so --size 0 picks the size train would), and the data come from its
// OpenData, the call setupRun makes.
func runDataExport(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("data export", flag.ContinueOnError)
	var cfg train.Config
	trainFlags(flag.NewFlagSet("train defaults", flag.ContinueOnError), &cfg)
	out := fs.String("out", "", "output .npy file (required; written atomically)")
	split := fs.String("split", "train", "which images: train or test")
	fs.IntVar(&cfg.NTrain, "n", cfg.NTrain, "number of training images (train's --n)")
	fs.IntVar(&cfg.NTest, "ntest", cfg.NTest, "number of held-out test images (train's --ntest)")
	fs.IntVar(&cfg.Size, "size", 0, "image side in pixels (0: the size harmonic train picks with its default network)")
	fs.IntVar(&cfg.Channels, "channels", 1, "image channels: 1 (grayscale) or 3 (RGB: photos, folder:PATH, npy:PATH)")
	fs.Uint64Var(&cfg.DataSeed, "seed", 0, "seed of the data generator, patches and --shuffle (train's --data-seed)")
	fs.BoolVar(&cfg.Shuffle, "shuffle", false, "apply one fixed random pixel permutation to every image")
	spec, err := parseWithName(fs, args)
	if err != nil {
		return err
	}
	if fs.NArg() > 1 || fs.NArg() == 1 && fs.Arg(0) != spec {
		return fmt.Errorf("data export: unexpected arguments %v", fs.Args())
	}
	cfg.Data = spec
	if err := checkExportFlags(cfg, *out, *split); err != nil {
		return err
	}
	if cfg.Size == 0 {
		cfg.Size = defaultSize(cfg)
	}
	ds, err := cfg.OpenData()
	if err != nil {
		return err
	}
	set := ds.Train
	if *split == "test" {
		set = ds.Test
	}
	if set.N == 0 {
		return fmt.Errorf("data export: the %s split of %s is empty; nothing written to %s", *split, spec, *out)
	}
	if err := codec.SaveNpy(*out, set.Tensor()); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %d %s %s images [%d,%d,%d,%d] float32 to %s\n", set.N, spec, *split, set.N, set.Channels(), set.H, set.W, *out)
	return nil
}

// checkExportFlags rejects bad flags before any data are loaded, so a
// mistake costs nothing and leaves no file behind.
func checkExportFlags(cfg train.Config, out, split string) error {
	switch {
	case out == "":
		return errors.New("data export: --out FILE.npy is required")
	case !strings.EqualFold(filepath.Ext(out), ".npy"):
		return fmt.Errorf("data export: --out %q: the file is a NumPy array, name it *.npy", out)
	case split != "train" && split != "test":
		return fmt.Errorf("data export: --split %q: want train or test", split)
	case cfg.NTrain < 1:
		return fmt.Errorf("data export: --n %d: needs at least one training image", cfg.NTrain)
	case cfg.NTest < 0:
		return fmt.Errorf("data export: --ntest %d is negative (0: the source's default)", cfg.NTest)
	case cfg.Size < 0:
		return fmt.Errorf("data export: --size %d is negative", cfg.Size)
	case cfg.Channels != 1 && cfg.Channels != 3:
		return fmt.Errorf("data export: --channels %d: want 1 (grayscale) or 3 (RGB)", cfg.Channels)
	}
	_, err := data.ParseSpec(cfg.Data)
	return err
}
