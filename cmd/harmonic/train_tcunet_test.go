package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// tinyTC is a vp-eps run of a two-level tc-unet small enough for a test,
// with every training option on (EMA, warm-up, clipping).
func tinyTC(out string, extra ...string) []string {
	return append([]string{"--arch", "tc-unet", "--objective", "vp-eps", "--data", "cmix:2", "--size", "16", "--n", "40",
		"--ntest", "4", "--base", "4", "--mult", "1,2", "--groups", "2", "--batch", "16", "--steps", "8", "--every", "2",
		"--lr-every", "2", "--ema", "0.9", "--warmup", "3", "--clip", "1", "--out", out, "--quiet", "--eval-t", ""}, extra...)
}

func TestTrainTCUNetFlagErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	blind := filepath.Join(dir, "blind")
	if err := runTrain(tinyRun(blind)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{tinyTC(out, "--objective", "score"), `unknown objective "score"`},
		{tinyTC(out, "--arch", "tc-net"), `unknown architecture "tc-net"`},
		{tinyTC(out, "--objective", "blind"), `objective "blind" trains a blind network`},
		{tinyRun(out, "--objective", "vp-eps"), `objective "vp-eps" trains a time-conditioned network`},
		{tinyTC(out, "--mult", "1,2,2,2", "--size", "12"), "mult 1,2,2,2 res_blocks 1 groups 2 needs the image size divisible by 8, got 12"},
		{tinyTC(out, "--size", "9"), "divisible by 2, got 9"},
		{tinyTC(out, "--groups", "3"), "groups 3 do not divide the width 4"},
		{tinyTC(out, "--mult", "1,x"), `"x" is not a positive integer`},
		{tinyRun(out, "--groups", "4"), "--groups sizes a tc-unet"},
		{tinyTC(out, "--ema", "1"), "EMA decay 1"},
		{tinyTC(out, "--clip", "-1"), "gradient clip -1"},
		{tinyTC(out, "--warmup", "-2"), "warm-up -2"},
		{tinyTC(out, "--eval-t", "10,1000"), `--eval-t: schedule step "1000" is not an integer in 0..999`},
		{tinyTC(out, "--heat-k", "5"), `heat levels 5 and σ_max 0 belong to the heat objective, not "vp-eps"`},
		{tinyTC(out, "--objective", "heat", "--heat-sigma-max", "0.2"), "σ_max = 0.2"},
		{tinyTC(out, "--objective", "heat", "--heat-k", "-1"), "K = -1"},
		// A checkpoint of another architecture given to --arch.
		{tinyTC(blind, "--resume"), "--objective vp-eps (stored blind)"},
		{tinyTC(blind, "--resume"), "--arch tc-unet (stored bf-unet)"},
	} {
		err := runTrain(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want it to say %q", c.args, err, c.want)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Fatalf("%v: wrote %s before refusing", c.args, out)
		}
	}
}

// TestTrainProcess is not a test: TestTrainTCUNetKilledResume runs the test
// binary with it selected to get a `harmonic train` process.
func TestTrainProcess(t *testing.T) {
	args := os.Getenv("HARMONIC_TEST_TRAIN_ARGS")
	if args == "" {
		t.Skip("helper process for TestTrainTCUNetKilledResume")
	}
	if err := runTrain(strings.Split(args, "\n")); err != nil {
		t.Fatal(err)
	}
}

// A tc-unet run of each conditioned objective (EMA, warm-up, clipping)
// killed with SIGKILL after a checkpoint and resumed ends with the same
// model and training-state bytes as the run trained straight through.
func TestTrainTCUNetKilledResume(t *testing.T) {
	for _, obj := range []string{"vp-eps", "heat"} {
		t.Run(obj, func(t *testing.T) { killAndResume(t, "--objective", obj) })
	}
}

func killAndResume(t *testing.T, flags ...string) {
	dir := t.TempDir()
	straight, killed := filepath.Join(dir, "straight"), filepath.Join(dir, "killed")
	if err := runTrain(tinyTC(straight, flags...)); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTrainProcess$")
	cmd.Env = append(os.Environ(), "HARMONIC_TEST_TRAIN_ARGS="+strings.Join(tinyTC(killed, append(flags, "--steps", "400")...), "\n"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The model file is written last in a save, so once it shows step >= 2
	// the state beside it is complete; kill at once, mid-training.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if meta, _, _, err := codec.LoadSafetensors(filepath.Join(killed, nn.ModelFile)); err == nil && meta["step"] != "" {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the training process wrote no checkpoint in 60 s")
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	meta, _, _, err := codec.LoadSafetensors(filepath.Join(killed, nn.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	if meta["step"] == "8" || meta["step"] == "400" {
		t.Fatalf("the process was not killed midway (checkpoint at step %s)", meta["step"])
	}
	if err := runTrain([]string{"--out", killed, "--resume", "--steps", "8", "--quiet", "--eval-t", ""}); err != nil {
		t.Fatalf("resume after kill -9 at step %s: %v", meta["step"], err)
	}
	for _, f := range []string{nn.ModelFile, "train_state.safetensors"} {
		a, _ := os.ReadFile(filepath.Join(straight, f))
		b, _ := os.ReadFile(filepath.Join(killed, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: killed at step %s and resumed differs from the straight run (%d vs %d bytes)", f, meta["step"], len(b), len(a))
		}
	}
}
