package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// runCaptured calls run with os.Stdout and os.Stderr redirected and returns
// the exit code and what each stream received.
func runCaptured(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	read := func(r *os.File, into *string, done chan<- struct{}) {
		b, _ := io.ReadAll(r)
		*into = string(b)
		close(done)
	}
	or, ow, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	er, ew, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = ow, ew
	outDone, errDone := make(chan struct{}), make(chan struct{})
	go read(or, &stdout, outDone)
	go read(er, &stderr, errDone)
	code = run(args)
	os.Stdout, os.Stderr = oldOut, oldErr
	ow.Close()
	ew.Close()
	<-outDone
	<-errDone
	return code, stdout, stderr
}

// Help asked for exits 0 with the usage on stdout; an unknown command, an
// unknown flag or a malformed value exits 2 with the complaint on stderr;
// a command that fails exits 1.
func TestExitCodes(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		stdout string // a substring of stdout ("" : stdout must be empty)
		stderr string // a substring of stderr ("" : stderr must be empty)
	}{
		{[]string{"-h"}, 0, "usage: harmonic COMMAND", ""},
		{[]string{"--help"}, 0, "commands:", ""},
		{[]string{"help"}, 0, "train", ""},
		{[]string{"help", "train"}, 0, "-resume", ""},
		{[]string{"train", "-h"}, 0, "-resume", ""},
		{[]string{"train", "--help"}, 0, "-time-limit", ""},
		{[]string{"study", "-h"}, 0, "--preset quick|full", ""},
		{[]string{"study", "gahb", "-h"}, 0, "-estimate", ""},
		{[]string{"study", "all", "-h"}, 0, "ONE plan", ""},
		{[]string{"study", "all", "--preset", "huge"}, 2, "", `unknown preset "huge"`},
		{[]string{"bench", "-h"}, 0, "workloads", ""},
		{[]string{"data", "-h"}, 0, "harmonic data fetch NAME", ""},
		{[]string{"data", "show", "-h"}, 0, "-cols", ""},
		{[]string{"data", "fetch", "-h"}, 0, "usage: harmonic data fetch NAME", ""},
		{[]string{"info", "-h"}, 0, "Usage of info:", ""},
		{[]string{"sample", "-h"}, 0, "-sigma-inf", ""},
		{[]string{"denoise", "-h"}, 0, "-add-noise", ""},
		{[]string{"eval", "-h"}, 0, "-ckpt", ""},
		{[]string{"jacobian", "-h"}, 0, "-exact", ""},
		{nil, 2, "", "usage: harmonic COMMAND"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"help", "frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"train", "--no-such-flag"}, 2, "", "flag provided but not defined: -no-such-flag"},
		{[]string{"sample", "--n", "x"}, 2, "", `invalid value "x" for flag -n`},
		{[]string{"data"}, 2, "", "missing subcommand"},
		{[]string{"data", "frobnicate"}, 2, "", `unknown subcommand "frobnicate"`},
		{[]string{"study", "locality"}, 2, "", "study locality needs --preset"},
		{[]string{"study", "nosuch"}, 2, "", `unknown study "nosuch"`},
		{[]string{"study", "heat"}, 2, "", `study heat needs --preset`},
		{[]string{"jacobian"}, 1, "", "--ckpt, --image and --out are required"},
	} {
		code, stdout, stderr := runCaptured(t, c.args...)
		if code != c.code {
			t.Errorf("harmonic %v: exit %d, want %d (stderr %q)", c.args, code, c.code, stderr)
		}
		for _, s := range []struct{ name, got, want string }{{"stdout", stdout, c.stdout}, {"stderr", stderr, c.stderr}} {
			if s.want == "" && s.got != "" {
				t.Errorf("harmonic %v: unexpected %s %q", c.args, s.name, s.got)
			}
			if !strings.Contains(s.got, s.want) {
				t.Errorf("harmonic %v: %s %q lacks %q", c.args, s.name, s.got, s.want)
			}
		}
	}
}
