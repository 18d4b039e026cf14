// Package bench holds the go test -bench suites (GEMM, convolution, networks)
// and nothing else; results and the side-by-side comparisons with OpenBLAS and
// PyTorch are recorded in bench/README.md.
package bench
