package main

import (
	"flag"
	"fmt"
	"runtime"
	"strings"

	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/klauspost/cpuid/v2"
)

var _ = register(command{
	name:    "info",
	summary: "describe the CPU, the kernels in use, caches and threads",
	run:     runInfo,
})

func runInfo(args []string) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c := cpuid.CPU
	fmt.Printf("cpu          %s (%s, family %d model %d)\n", c.BrandName, c.VendorString, c.Family, c.Model)
	fmt.Printf("features     %s\n", strings.Join(relevantFeatures(), " "))
	fmt.Printf("kernels      %s (available: %s; override with HARMONIC_SIMD)\n", simd.Current(), levelList(simd.Available()))
	conv := "direct kernel (Winograd off, or no vector transforms at this level)"
	if v := tensor.WinogradVariants(); len(v) > 0 {
		conv = "Winograd " + strings.Join(v, " or ") + " at stride 1, pad 1, >=16 channels in and out (the fewer products; odd sides on a zero-extended grid); direct elsewhere (HARMONIC_WINOGRAD=0: direct only)"
	}
	fmt.Printf("conv3x3      %s\n", conv)
	fmt.Printf("caches       L1d %s, L2 %s, L3 %s, line %d B\n",
		size(c.Cache.L1D), size(c.Cache.L2), size(c.Cache.L3), c.CacheLine)
	fmt.Printf("threads      %d (GOMAXPROCS %d, logical CPUs %d, physical cores %d)\n",
		tensor.Threads(), runtime.GOMAXPROCS(0), runtime.NumCPU(), c.PhysicalCores)
	fmt.Printf("go           %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// relevantFeatures lists the instruction-set extensions the kernels care about.
func relevantFeatures() []string {
	var out []string
	for _, f := range []cpuid.FeatureID{cpuid.SSE4, cpuid.AVX, cpuid.AVX2, cpuid.FMA3,
		cpuid.AVX512F, cpuid.AVX512VL, cpuid.AVX512BW, cpuid.AVX512DQ, cpuid.AVX512VNNI, cpuid.AVX512BF16} {
		if cpuid.CPU.Supports(f) {
			out = append(out, f.String())
		}
	}
	if len(out) == 0 {
		return []string{"(none of the SIMD extensions harmonic uses)"}
	}
	return out
}

func levelList(ls []simd.Level) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	return strings.Join(s, ", ")
}

func size(bytes int) string {
	switch {
	case bytes <= 0:
		return "unknown"
	case bytes >= 1<<20:
		return fmt.Sprintf("%d MiB", bytes>>20)
	default:
		return fmt.Sprintf("%d KiB", bytes>>10)
	}
}
