//go:build !amd64 || !gc || purego

package simd

func ddotBlocks(x, y []float64, s *[ddotLanes]float64) { ddotBlocksGeneric(x, y, s) }

func ddotBlocks4(a []float64, lda int, x []float64, s *[4][ddotLanes]float64) {
	for r := range s {
		ddotBlocksGeneric(a[r*lda:r*lda+len(x)], x, &s[r])
	}
}

func ddotRows4(a []float64, lda int, x []float64, out *[4]float64) bool { return false }
