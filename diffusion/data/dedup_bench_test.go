package data

import (
	"os"
	"testing"
	"time"
)

// TestDedupScale measures near-duplicate removal on photo patches. It needs
// the fetched photos and HARMONIC_DEDUP_N (number of candidate patches), so
// it is skipped in ordinary runs:
//
//	HARMONIC_DEDUP_N=100000 go test -run DedupScale -v ./diffusion/data
func TestDedupScale(t *testing.T) {
	nStr := os.Getenv("HARMONIC_DEDUP_N")
	if nStr == "" || !Fetched("", "photos") {
		t.Skip("set HARMONIC_DEDUP_N and fetch photos to measure")
	}
	var n int
	for _, c := range nStr {
		n = 10*n + int(c-'0')
	}
	photos, err := LoadPhotos(DatasetDir("", "photos"), PhotoShortSide)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{40, 32} {
		cand, err := Patches(photos, size, n, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		start, cpu0 := time.Now(), userCPU()
		d := NewDeduper()
		for i := 0; i < cand.N; i++ {
			d.Add(cand.Image(i), size, size)
		}
		el, cpu := time.Since(start), userCPU()-cpu0
		t.Logf("%d×%d: %d candidates, %d kept, %d full comparisons (%.2g of all pairs), %v wall, %.1f s user CPU",
			size, size, n, d.Kept(), d.Compared, float64(d.Compared)/(float64(n)*float64(n)/2), el.Round(time.Millisecond), cpu)
	}
}
