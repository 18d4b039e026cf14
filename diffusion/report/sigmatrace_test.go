package report

import "testing"

// Each kind of line is named once in the legend, diverged chains are red,
// and σ∞ and the floors are horizontal lines across the longest chain.
func TestSigmaTracePlot(t *testing.T) {
	p := SigmaTracePlot("t", 0.01,
		Chains{Name: "S1", Traces: [][]float64{{1, 0.5, 0.1}, {1, 2}, {}}, Diverged: []bool{false, true, false}, Floor: 0.02},
		Chains{Name: "S2", Traces: [][]float64{{1, 0.3}, {1, 0.2, 0.05, 0.009}}, Diverged: []bool{false, false}, Dashed: true})
	var names []string
	red := 0
	for _, s := range p.Series {
		if s.Name != "" {
			names = append(names, s.Name)
		}
		if s.Color != nil && *s.Color == divergedRed {
			red++
		}
	}
	want := []string{"S1, not diverged", "S1, diverged", "S2, not diverged", "S1 floor ‖f(x)−x‖ = 0.02", "σ∞ = 0.01"}
	if len(names) != len(want) {
		t.Fatalf("legend %q, want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("legend %q, want %q", names, want)
		}
	}
	// 4 non-empty chains + floor + σ∞; one red.
	if len(p.Series) != 6 || red != 1 {
		t.Fatalf("%d series, %d red", len(p.Series), red)
	}
	last := p.Series[len(p.Series)-1]
	if last.X[0] != 1 || last.X[1] != 4 || last.Y[0] != 0.01 || last.Y[1] != 0.01 {
		t.Fatalf("σ∞ line %v %v, want from step 1 to 4 at 0.01", last.X, last.Y)
	}
	if c := p.Render(); c == nil {
		t.Fatal("no canvas")
	}
}
