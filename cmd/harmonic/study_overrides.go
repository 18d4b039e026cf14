package main

import (
	"flag"
	"strconv"

	"github.com/harmonic-go/harmonic/diffusion/study"
)

// gahbOverrides are the flags of study gahb that change its preset. They
// change the plan's job keys too, so a collect job (Slurm's last task) must
// be given the same ones to find the jobs: args spells them back.
type gahbOverrides struct {
	data        string   // "": the preset's dataset
	steps       int      // 0: the preset's training steps
	sigmaWeight *float64 // nil: the preset's σ weight of the loss
}

func (o gahbOverrides) apply(p study.Preset) study.Preset {
	if o.data != "" {
		p.Data = o.data
	}
	if o.steps > 0 {
		p.Steps = o.steps
	}
	if o.sigmaWeight != nil {
		p.SigmaWeight = *o.sigmaWeight
	}
	return p
}

// args are the command-line flags that give the same overrides.
func (o gahbOverrides) args() []string {
	var a []string
	if o.data != "" {
		a = append(a, "--data", o.data)
	}
	if o.steps > 0 {
		a = append(a, "--steps", strconv.Itoa(o.steps))
	}
	if o.sigmaWeight != nil {
		a = append(a, "--sigma-weight", strconv.FormatFloat(*o.sigmaWeight, 'g', -1, 64))
	}
	return a
}

// flagSet reports whether the flag called name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
