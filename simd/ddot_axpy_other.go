//go:build !amd64 || !gc || purego

package simd

func ddotAxpyBlocks(a, x, y []float64, s float64, acc *[ddotLanes]float64) {
	ddotAxpyBlocksGeneric(a, x, y, s, acc)
}

func ddotAxpyWhole(a, x, y []float64, s float64) (float64, bool) { return 0, false }

func ddotAxpy4Whole(a []float64, lda int, x, y []float64, s, out *[4]float64) bool { return false }

func daxpyRows4(a []float64, lda int, s *[4]float64, y []float64) bool { return false }
