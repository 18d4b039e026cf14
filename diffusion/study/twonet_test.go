package study

import (
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// handNet builds a TwoNet of len(conv1) samples whose cosines are given
// directly; pair i has cosine pair[i] and nearest-image cosine near[i].
func handNet(n int, conv1, conv2, div1, div2 []bool, pair, near []float64) *TwoNet {
	t := &TwoNet{N: n, Conv1: conv1, Conv2: conv2, Div1: div1, Div2: div2,
		Pair: pair, PairMR: pair, NearS1: near, NearS2: near, NearS1MR: near}
	for i := range conv1 {
		if conv1[i] {
			t.Converged1++
		}
		if conv2[i] {
			t.Converged2++
		}
		if div1[i] {
			t.Diverged1++
		}
		if div2[i] {
			t.Diverged2++
		}
	}
	return t
}

// The converged-only statistics drop exactly the samples whose chain did not
// converge: here pairs 1 and 3 (S2 diverged, S1 diverged).
func TestTwoNetConvergedSubsets(t *testing.T) {
	T, F := true, false
	tn := handNet(100, []bool{T, T, T, F, T}, []bool{T, F, T, T, T}, []bool{F, F, F, T, F}, []bool{F, T, F, F, F},
		[]float64{0.9, -0.2, 0.8, 0.1, 0.7}, []float64{0.5, 0.625, 0.75, 0.875, 1})
	if got := tn.BothConverged(); !slices.Equal(got, []int{0, 2, 4}) {
		t.Fatalf("both converged %v, want [0 2 4]", got)
	}
	if got := Median(tn.PairConv()); got != 0.8 {
		t.Fatalf("median pair cosine over converged pairs %v, want 0.8 (all pairs: %v)", got, Median(tn.Pair))
	}
	// S1 converged: 0, 1, 2, 4 → nearest 0.5, 0.625, 0.75, 1: median 0.6875.
	if got := Median(tn.NearS1Conv()); got != 0.6875 {
		t.Fatalf("median S1 nearest cosine %v, want 0.6875", got)
	}
	// S2 converged: 0, 2, 3, 4 → 0.5, 0.75, 0.875, 1: median 0.8125.
	if got := Median(tn.NearS2Conv()); got != 0.8125 {
		t.Fatalf("median S2 nearest cosine %v, want 0.8125", got)
	}
	row := tn.row()
	if len(row) != len(twoNetHeader) {
		t.Fatalf("row of %d cells, header of %d", len(row), len(twoNetHeader))
	}
	want := map[string]string{"converged S1": "4/5", "diverged S1": "1/5", "diverged S2": "1/5",
		"pairs both converged": "3/5", "median cos(S1,S2) both converged": "0.8", "median cos(S1,S2)": "0.7"}
	for i, h := range twoNetHeader {
		if w, ok := want[h]; ok && report.Cell(row[i]) != w {
			t.Fatalf("column %q = %s, want %s", h, report.Cell(row[i]), w)
		}
	}
}

// claimOf judges study A's claims on results holding only two-network
// experiments and returns the claim id.
func claimOf(t *testing.T, id string, tn ...*TwoNet) judged {
	t.Helper()
	for _, c := range gahbClaims(gahbNumbers(&Results{TwoNets: tn})) {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no claim %s", id)
	return judged{}
}

// The A.2 verdicts rest on converged chains and are not measured when fewer
// than minConverged pairs converged at the largest N.
func TestOneScoreVerdict(t *testing.T) {
	all := func(n int, v bool) []bool {
		b := make([]bool, n)
		for i := range b {
			b[i] = v
		}
		return b
	}
	cos := func(n int, v float64) []float64 {
		c := make([]float64, n)
		for i := range c {
			c[i] = v
		}
		return c
	}
	small := handNet(10, all(6, true), all(6, true), all(6, false), all(6, false), cos(6, 0.3), cos(6, 0.99))
	// Large N: 6 pairs; S2 diverged on all but three, with pair cosine 0.1
	// on the diverged ones and 0.98 on the converged ones.
	conv2 := []bool{true, true, true, false, false, false}
	div2 := []bool{false, false, false, true, true, true}
	pair := []float64{0.98, 0.98, 0.98, 0.1, 0.1, 0.1}
	large := handNet(1000, all(6, true), conv2, all(6, false), div2, pair, cos(6, 0.9))
	if c := claimOf(t, "A.2b", small, large); c.Verdict != report.NotMeasured || !strings.Contains(c.Text, "**not measured**") || !strings.Contains(c.Text, "3/6 pairs") {
		t.Fatalf("3 converged pairs should leave the claim not measured: %s: %s", c.Verdict, c.Text)
	}
	large.Conv2[3], large.Div2[3], large.Diverged2 = true, false, 2
	large.Pair[3] = 0.98
	c := claimOf(t, "A.2b", small, large)
	if c.Verdict != report.Holds || !strings.Contains(c.Text, "**holds**") || !strings.Contains(c.Text, "0.980 at N=1000 over the 4/6 pairs") {
		t.Fatalf("4 converged pairs at 0.98 vs 0.3 at small N and 0.9 to the nearest: %s", c.Text)
	}
	if c.Evidence["twonet_N1000_pair_cos"] != 0.98 || c.Evidence["twonet_N10_pair_cos"] != 0.3 || c.Evidence["twonet_N1000_pairs_converged"] != 4 {
		t.Fatalf("evidence %v", c.Evidence)
	}
	if c := claimOf(t, "A.2a", small, large); c.Verdict != report.Holds || !strings.Contains(c.Text, "**holds**") {
		t.Fatalf("small N at 0.99 from 6 converged samples: %s", c.Text)
	}
	small.Conv1 = []bool{true, true, true, false, false, false}
	if c := claimOf(t, "A.2a", small, large); c.Verdict != report.NotMeasured || !strings.Contains(c.Text, "**not measured**") {
		t.Fatalf("3 converged S1 samples at small N: %s", c.Text)
	}
}
