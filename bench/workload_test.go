package bench

import (
	"bytes"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	ws, err := Lookup([]string{"gemm 2x3x4", "conv3x3", "conv3x3 64->64 [16,64,40,40] forward"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range ws {
		names = append(names, w.Name)
	}
	want := "gemm 2x3x4|conv3x3 64->64 [16,64,40,40] forward|conv3x3 64->64 [16,64,40,40] forward+backward"
	if got := strings.Join(names, "|"); got != want {
		t.Fatalf("Lookup names = %q, want %q (substring match, exact match deduplicated)", got, want)
	}
	for _, bad := range []string{"gemm 2x3", "gemm 0x3x4", "gemm axbxc", "no such workload"} {
		if _, err := Lookup([]string{bad}); err == nil {
			t.Errorf("Lookup(%q) succeeded, want an error", bad)
		}
	}
}

func TestSummarize(t *testing.T) {
	for _, c := range []struct {
		in          []float64
		med, lo, hi float64
	}{
		{[]float64{3, 1, 2}, 2, 1, 3},
		{[]float64{4, 1, 3, 2}, 2.5, 1, 4},
		{[]float64{7}, 7, 7, 7},
	} {
		med, lo, hi := summarize(c.in)
		if med != c.med || lo != c.lo || hi != c.hi {
			t.Errorf("summarize(%v) = %v %v %v, want %v %v %v", c.in, med, lo, hi, c.med, c.lo, c.hi)
		}
	}
}

// The table must parse the way compare_speed.sh reads torch_reference.py's:
// the last four fields are threads, median, min and max; the rest is the name.
func TestRunTableFormat(t *testing.T) {
	ws, err := Lookup([]string{"gemm 8x8x8"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Run(&out, ws, []int{1, 2}, 2, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a comment, a header and 2 rows, got:\n%s", out.String())
	}
	for i, th := range []string{"1", "2"} {
		f := strings.Fields(lines[2+i])
		if strings.Join(f[:len(f)-4], " ") != "gemm 8x8x8" || f[len(f)-4] != th {
			t.Errorf("row %q does not parse as (gemm 8x8x8, %s threads, ...)", lines[2+i], th)
		}
	}
	if err := Run(&out, ws, []int{0}, 1, nil); err == nil {
		t.Error("Run with 0 threads succeeded, want an error")
	}
}
