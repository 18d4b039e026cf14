package tensor

import "testing"

// Benchmarks on a batch-norm-sized activation [16, 64, 40, 40] (1.6M floats).
func benchActivation() (*Tensor, *Tensor) {
	r := NewRNG(1)
	x := New(16, 64, 40, 40)
	r.FillNormal(x.data, 0, 1)
	y := New(16, 64, 40, 40)
	r.FillNormal(y.data, 0, 1)
	return x, y
}

func BenchmarkAddContiguous(b *testing.B) {
	x, y := benchActivation()
	out := New(x.shape...)
	b.SetBytes(int64(12 * x.Numel()))
	for b.Loop() {
		AddInto(out, x, y)
	}
}

func BenchmarkMulPerChannel(b *testing.B) {
	x, _ := benchActivation()
	g := Full(1.5, 1, 64, 1, 1)
	b.SetBytes(int64(8 * x.Numel()))
	for b.Loop() {
		x.MulInPlace(g)
	}
}

func BenchmarkSumAxesPerChannel(b *testing.B) {
	x, _ := benchActivation()
	b.SetBytes(int64(4 * x.Numel()))
	for b.Loop() {
		SumAxes(x, false, 0, 2, 3)
	}
}

func BenchmarkSum(b *testing.B) {
	x, _ := benchActivation()
	b.SetBytes(int64(4 * x.Numel()))
	for b.Loop() {
		Sum(x)
	}
}

func BenchmarkTransposeContiguous(b *testing.B) {
	x, _ := benchActivation()
	p, _ := x.Permute(0, 2, 3, 1)
	b.SetBytes(int64(8 * x.Numel()))
	for b.Loop() {
		p.Contiguous()
	}
}
