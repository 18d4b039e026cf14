// Package bench holds the timed workloads of `harmonic bench` and the
// go test -bench suites.
//
// A Workload is named after its row in the PyTorch reference script's table
// (torch_reference.py bench, see docs/reproduce.md), so the two tables join
// row by row: GEMM of any size ("gemm MxKxN"), the 3×3 convolution, the U-Net
// and BF-CNN training steps, one-image denoising, JVP and VJP, Lanczos and the
// full Jacobian. Names lists them, Lookup finds them by name or substring,
// and Run times them at several thread counts and prints the table.
//
// The go test -bench suites time GEMM per size and thread count and the
// convolutions, each beside a naive loop. Recorded results, and the
// comparisons with OpenBLAS and PyTorch, are in bench/README.md.
package bench
