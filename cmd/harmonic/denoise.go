package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/internal/atomicfile"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

var _ = register(command{
	name:    "denoise",
	summary: "denoise images (PNG or .npy [B,1,H,W]) with a trained checkpoint, optionally adding noise first",
	run:     runDenoise,
})

const denoiseUsage = "usage: harmonic denoise --ckpt DIR|MODEL.safetensors [--add-noise σ --seed S] IN.png|IN.npy OUT.png|OUT.npy"

func runDenoise(args []string) error {
	fs := flag.NewFlagSet("denoise", flag.ContinueOnError)
	ckpt := fs.String("ckpt", "", "checkpoint directory or model .safetensors file (required)")
	sigma := fs.Float64("add-noise", 0, "add Gaussian noise of this std (images in [0,1]) before denoising")
	seed := fs.Uint64("seed", 0, "seed of the added noise")
	noisyOut := fs.String("noisy", "", "also write the noisy input to this file (.png or .npy)")
	threads := fs.Int("threads", 0, "worker threads (0: all cores)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ckpt == "" || fs.NArg() != 2 {
		return errors.New(denoiseUsage)
	}
	if !(*sigma >= 0) {
		return fmt.Errorf("--add-noise %v must be >= 0", *sigma)
	}
	if *threads > 0 {
		tensor.SetThreads(*threads)
	}
	in, out := fs.Arg(0), fs.Arg(1)
	for _, p := range []string{out, *noisyOut} {
		if p != "" && imageKind(p) == "" {
			return fmt.Errorf("%s: output must be .png or .npy", p)
		}
	}
	net, _, err := nn.LoadModel(*ckpt)
	if err != nil {
		return err
	}
	y, err := readImages(in)
	if err != nil {
		return err
	}
	if err := net.CheckInput(y.Shape()); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if *sigma > 0 {
		d := y.Data()
		z := make([]float32, len(d))
		tensor.NewRNG(*seed).FillNormal(z, 0, float32(*sigma))
		for i := range d {
			d[i] += z[i]
		}
	}
	if *noisyOut != "" {
		if err := writeImages(*noisyOut, y); err != nil {
			return err
		}
	}
	f, err := denoise.Blind(net).Denoise(context.Background(), y, denoise.Same(*sigma, y.Dim(0)))
	if err != nil {
		return err
	}
	return writeImages(out, f)
}

func imageKind(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		return "png"
	case ".npy":
		return "npy"
	}
	return ""
}

// readImages reads a grayscale PNG (as [1,1,H,W] in [0,1]) or a float32 .npy
// of shape [B,1,H,W] ([H,W] and [B,H,W] are read as one channel).
func readImages(path string) (*tensor.Tensor, error) {
	switch imageKind(path) {
	case "png":
		img, err := codec.ReadImage(path)
		if err != nil {
			return nil, err
		}
		return img.Contiguous().Reshape(1, 1, img.Dim(0), img.Dim(1))
	case "npy":
		t, err := codec.LoadNpy(path)
		if err != nil {
			return nil, err
		}
		s := t.Shape()
		switch len(s) {
		case 2:
			return t.Contiguous().Reshape(1, 1, s[0], s[1])
		case 3:
			return t.Contiguous().Reshape(s[0], 1, s[1], s[2])
		case 4:
			if s[1] == 1 {
				return t.Contiguous(), nil
			}
		}
		return nil, fmt.Errorf("%s: array of shape %v is not grayscale images [B,1,H,W]", path, s)
	}
	return nil, fmt.Errorf("%s: input must be .png or .npy", path)
}

// writeImages writes [B,1,H,W] as .npy, or as an 8-bit grayscale PNG
// mapping [0,1] to black..white (clipped): one image as itself, several as a
// grid with separators.
func writeImages(path string, t *tensor.Tensor) error {
	if imageKind(path) == "npy" {
		return codec.SaveNpy(path, t)
	}
	if b := t.Dim(0); b > 1 {
		cols := 1
		for cols*cols < b {
			cols++
		}
		return codec.WritePNGGrid(path, t, cols, 0, 1)
	}
	h, w := t.Dim(2), t.Dim(3)
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i, v := range t.Contiguous().Data() {
		img.Pix[i] = uint8(math.Round(float64(max(0, min(1, v))) * 255))
	}
	return atomicfile.Write(path, func(w io.Writer) error { return png.Encode(w, img) })
}
