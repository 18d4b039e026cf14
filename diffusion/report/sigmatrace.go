package report

import (
	"fmt"
	"image/color"
	"math"
)

// Chains is one model's sampler chains for SigmaTracePlot: σ_t per step of
// every chain, which ones were stopped as diverged, and the model's
// residual floor on clean images (0: not drawn).
type Chains struct {
	Name     string
	Traces   [][]float64
	Diverged []bool
	Floor    float64
	Dashed   bool // this model's chains and floor drawn dashed
}

var (
	convergedBlue = color.RGBA{70, 110, 190, 255}
	divergedRed   = color.RGBA{210, 40, 40, 255}
	floorGreen    = color.RGBA{30, 140, 60, 255}
	stopBlack     = color.RGBA{0, 0, 0, 255}
)

// SigmaTracePlot draws Algorithm 1's σ_t against the step, log-log, for
// every chain of every model: chains that were stopped as diverged in red,
// the others in blue, σ∞ and each model's floor as horizontal lines. The
// legend names each kind of line once.
func SigmaTracePlot(title string, sigmaInf float64, models ...Chains) *Plot {
	p := &Plot{Title: title, XLabel: "step t", YLabel: "σ_t", LogX: true, LogY: true}
	last := 1.0
	named := map[string]bool{}
	once := func(name string) string {
		if named[name] {
			return ""
		}
		named[name] = true
		return name
	}
	for _, m := range models {
		for i, tr := range m.Traces {
			if len(tr) == 0 {
				continue
			}
			col, kind := convergedBlue, "not diverged"
			if i < len(m.Diverged) && m.Diverged[i] {
				col, kind = divergedRed, "diverged"
			}
			x := make([]float64, len(tr))
			for t := range x {
				x[t] = float64(t + 1)
			}
			last = max(last, x[len(x)-1])
			p.Series = append(p.Series, Series{Name: once(m.Name + ", " + kind), X: x, Y: tr, Dashed: m.Dashed, Color: &col})
		}
	}
	level := func(name string, v float64, dashed bool, col color.RGBA) {
		p.Series = append(p.Series, Series{Name: name, X: []float64{1, last}, Y: []float64{v, v}, Dashed: dashed, Color: &col})
	}
	for _, m := range models {
		if m.Floor > 0 {
			level(fmt.Sprintf("%s floor ‖f(x)−x‖ = %.3g", m.Name, m.Floor), m.Floor, m.Dashed, floorGreen)
		}
	}
	level(fmt.Sprintf("σ∞ = %g", sigmaInf), sigmaInf, true, stopBlack)
	// Room above the chains (which start near σ0) for the legend.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range p.Series {
		for _, v := range s.Y {
			if v > 0 && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	p.YMin, p.YMax = lo/2, hi*30
	return p
}
