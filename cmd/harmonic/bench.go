package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"

	"github.com/harmonic-go/harmonic/bench"
)

var _ = register(command{
	name:    "bench",
	summary: "time named workloads; same table as torch_reference.py bench",
	run:     runBench,
})

func runBench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	threadList := fs.String("threads", "1,2", "comma-separated thread counts")
	reps := fs.Int("reps", 5, "timed repetitions per workload and thread count")
	list := fs.Bool("list", false, "list the workload names and exit")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to `file` (go tool pprof)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: harmonic bench [--threads 1,2] [--reps N] [--cpuprofile F] [WORKLOAD...]")
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "workloads (a query may be a substring; gemm takes any MxKxN):\n  %s\n",
			strings.Join(bench.Names(), "\n  "))
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *list {
		fmt.Println(strings.Join(bench.Names(), "\n"))
		return nil
	}
	threads, err := parseInts(*threadList)
	if err != nil {
		return fmt.Errorf("--threads: %w", err)
	}
	queries := fs.Args()
	if len(queries) == 0 {
		queries = bench.Defaults
	}
	ws, err := bench.Lookup(queries)
	if err != nil {
		return err
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return bench.Run(os.Stdout, ws, threads, *reps, os.Stderr)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, v)
	}
	return out, nil
}
