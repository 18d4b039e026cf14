package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

var _ = register(command{
	name:    "net",
	summary: "run a checkpoint's network on .npy arrays: forward, jvp or vjp (torch_reference.py's contract)",
	run:     runNet,
})

const netUsage = `usage: harmonic net forward|jvp|vjp --ckpt F --input x.npy [--time T] [--tangent v.npy | --cotangent u.npy] --output y.npy

The map is the denoiser y − net(y) for bf-unet and bf-cnn checkpoints, and the
raw network x ↦ net(x, T) for tc-unet (--time T required). Arrays are .npy
float32 [B,C,H,W]; jvp (--tangent) and vjp (--cotangent) take one image
(B = 1) and a vector of its shape. The output is written only on success.`

// netMap is a network evaluated as one of torch_reference.py's maps: its
// value on a batch and its linearization at one image.
type netMap struct {
	check     func(shape []int) error
	apply     func(x *tensor.Tensor) (*tensor.Tensor, error)
	linearize func(x *tensor.Tensor) (*nn.Linearization, error)
}

func runNet(args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Println(netUsage)
			return flag.ErrHelp
		}
		return usageError{errors.New("missing subcommand forward, jvp or vjp\n" + netUsage)}
	}
	op := args[0]
	if op != "forward" && op != "jvp" && op != "vjp" {
		return usageError{fmt.Errorf("unknown subcommand %q (forward, jvp or vjp)", op)}
	}
	fs := flag.NewFlagSet("net "+op, flag.ContinueOnError)
	ckpt := fs.String("ckpt", "", "checkpoint directory or model .safetensors file (required)")
	input := fs.String("input", "", ".npy input x [B,C,H,W] (required)")
	output := fs.String("output", "", ".npy file to write (required)")
	timeFlag := fs.String("time", "", "tc-unet only: the time value T fed to the network (required for tc-unet)")
	tangent := fs.String("tangent", "", "jvp: .npy tangent v of x's shape")
	cotangent := fs.String("cotangent", "", "vjp: .npy cotangent u of x's shape")
	threads := fs.Int("threads", 0, "worker threads (0: all cores)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), netUsage+"\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	for _, f := range []struct{ name, v string }{{"--ckpt", *ckpt}, {"--input", *input}, {"--output", *output}} {
		if f.v == "" {
			return usageError{fmt.Errorf("%s is required", f.name)}
		}
	}
	if !strings.HasSuffix(*output, ".npy") {
		return fmt.Errorf("--output %s: must be a .npy file", *output)
	}
	vecFlag, vecPath := "", ""
	switch op {
	case "forward":
		if *tangent != "" || *cotangent != "" {
			return usageError{errors.New("forward takes no --tangent or --cotangent")}
		}
	case "jvp":
		if *cotangent != "" {
			return usageError{errors.New("jvp takes --tangent, not --cotangent")}
		}
		vecFlag, vecPath = "--tangent", *tangent
	case "vjp":
		if *tangent != "" {
			return usageError{errors.New("vjp takes --cotangent, not --tangent")}
		}
		vecFlag, vecPath = "--cotangent", *cotangent
	}
	if vecFlag != "" && vecPath == "" {
		return usageError{fmt.Errorf("%s needs %s", op, vecFlag)}
	}
	if *threads < 0 {
		return fmt.Errorf("--threads %d must be >= 0", *threads)
	}
	if *threads > 0 {
		tensor.SetThreads(*threads)
	}
	f, err := loadNetMap(*ckpt, *timeFlag)
	if err != nil {
		return err
	}
	x, err := codec.LoadNpy(*input)
	if err != nil {
		return err
	}
	if err := f.check(x.Shape()); err != nil {
		return fmt.Errorf("--input %s: %w", *input, err)
	}
	var y *tensor.Tensor
	if op == "forward" {
		if y, err = f.apply(x); err != nil {
			return err
		}
		return codec.SaveNpy(*output, y)
	}
	if x.Dim(0) != 1 {
		return fmt.Errorf("--input %s: %s takes one image (B = 1), got shape %v", *input, op, x.Shape())
	}
	v, err := codec.LoadNpy(vecPath)
	if err != nil {
		return err
	}
	if !slices.Equal(v.Shape(), x.Shape()) {
		return fmt.Errorf("%s %s: shape %v does not match the input's %v", vecFlag, vecPath, v.Shape(), x.Shape())
	}
	lin, err := f.linearize(x)
	if err != nil {
		return err
	}
	if op == "jvp" {
		y, err = lin.JVP(v)
	} else {
		y, err = lin.VJP(v)
	}
	if err != nil {
		return err
	}
	return codec.SaveNpy(*output, y)
}

// loadNetMap reads the checkpoint at path and returns the map the command
// acts on: net(·, T) for a time-conditioned network such as the tc-unet
// (timeFlag required), the denoiser y − net(y) for a blind one (timeFlag
// must be empty). The registry decides which kind the checkpoint holds.
func loadNetMap(path, timeFlag string) (netMap, error) {
	m, _, err := nn.LoadAny(path)
	if err != nil {
		return netMap{}, fmt.Errorf("--ckpt: %w", err)
	}
	switch net := m.(type) {
	case nn.Conditioned:
		if timeFlag == "" {
			return netMap{}, fmt.Errorf("--ckpt %s holds %s, which needs --time T (the time value fed to the network, e.g. a DDPM step 0..999)", path, nn.Describe(net))
		}
		t, err := strconv.ParseFloat(timeFlag, 32)
		if err != nil || math.IsNaN(t) || math.IsInf(t, 0) {
			return netMap{}, fmt.Errorf("--time %q is not a finite number", timeFlag)
		}
		return netMap{
			check:     net.CheckInput,
			apply:     func(x *tensor.Tensor) (*tensor.Tensor, error) { return nn.ApplyAt(net, x, float32(t)) },
			linearize: func(x *tensor.Tensor) (*nn.Linearization, error) { return nn.LinearizeAt(net, x, float32(t)) },
		}, nil
	case nn.Net:
		if timeFlag != "" {
			return netMap{}, fmt.Errorf("--time is for tc-unet and other time-conditioned checkpoints; %s holds %s, whose map y − net(y) has no time", path, nn.Describe(net))
		}
		return netMap{
			check:     net.CheckInput,
			apply:     func(x *tensor.Tensor) (*tensor.Tensor, error) { return nn.Denoise(net, x) },
			linearize: func(x *tensor.Tensor) (*nn.Linearization, error) { return nn.Linearize(net, x, false) },
		}, nil
	}
	return netMap{}, fmt.Errorf("--ckpt %s holds %s, which is neither a blind nor a time-conditioned network", path, nn.Describe(m))
}
