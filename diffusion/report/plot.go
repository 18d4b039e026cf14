package report

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
)

// Series is one curve of a line plot.
type Series struct {
	Name    string
	X, Y    []float64
	Dashed  bool
	Markers bool
	Color   *color.RGBA // nil: the palette colour of the series' index
}

// Plot is a line plot with axes, ticks, labels and a legend.
type Plot struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool
	Series                []Series
	// Optional fixed ranges (both ends set to use).
	XMin, XMax, YMin, YMax float64
	// LegendBottom puts the legend in the lower right corner.
	LegendBottom bool
}

const (
	plotW, plotH             = 720, 460
	marginL, marginR         = 78, 20
	marginT, marginB         = 40, 58
	textScale                = 2
	tickLen                  = 5
	glyphH                   = 7 * textScale
	legendPad, legendLineLen = 6, 22
)

// axis maps data values to pixels on one axis.
type axis struct {
	lo, hi float64 // in transformed units (log10 for log axes)
	log    bool
	p0, p1 float64 // pixel positions of lo and hi
}

func (a axis) tr(v float64) float64 {
	if a.log {
		return math.Log10(v)
	}
	return v
}

func (a axis) pix(v float64) float64 {
	return a.p0 + (a.tr(v)-a.lo)/(a.hi-a.lo)*(a.p1-a.p0)
}

// ticks returns tick values (in data units) and their labels.
func (a axis) ticks() ([]float64, []string) {
	var vals []float64
	if a.log {
		step := math.Max(1, math.Ceil((a.hi-a.lo)/7))
		for e := math.Ceil(a.lo); e <= a.hi+1e-9; e += step {
			vals = append(vals, math.Pow(10, e))
		}
	} else {
		step := niceStep((a.hi - a.lo) / 6)
		for v := math.Ceil(a.lo/step) * step; v <= a.hi+step*1e-9; v += step {
			if math.Abs(v) < step*1e-9 {
				v = 0
			}
			vals = append(vals, v)
		}
	}
	labels := make([]string, len(vals))
	for i, v := range vals {
		labels[i] = tickLabel(v)
	}
	return vals, labels
}

func niceStep(raw float64) float64 {
	if !(raw > 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

func tickLabel(v float64) string {
	if v != 0 && (math.Abs(v) >= 1e5 || math.Abs(v) < 1e-3) {
		return strconv.FormatFloat(v, 'g', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// dataRange finds the extent of the finite (and, on a log axis, positive)
// values, padded by 4% so curves do not touch the frame.
func dataRange(vals [][]float64, log bool, fixLo, fixHi float64) (float64, float64) {
	if fixLo != fixHi {
		if log {
			return math.Log10(fixLo), math.Log10(fixHi)
		}
		return fixLo, fixHi
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, vs := range vals {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) || (log && v <= 0) {
				continue
			}
			if log {
				v = math.Log10(v)
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		return 0, 1
	}
	if hi-lo < 1e-12 {
		lo, hi = lo-0.5, hi+0.5
	}
	pad := 0.04 * (hi - lo)
	return lo - pad, hi + pad
}

// frame is where a plot's axes box sits on the canvas: the left margin
// leaves room for the y label and the widest y tick label, the top margin
// for every line of the title, wrapped to the canvas width.
type frame struct {
	left, top int
	title     []string
}

// titleLineH is the height of one title line, spacing included.
const titleLineH = glyphH + 6

func (p *Plot) frame(ylo, yhi float64) frame {
	f := frame{left: marginL, top: marginT, title: wrapText(p.Title, plotW-16, textScale)}
	_, labels := axis{lo: ylo, hi: yhi, log: p.LogY}.ticks()
	widest := 0
	for _, l := range labels {
		widest = max(widest, TextWidth(l, textScale))
	}
	// y label at x = 6 (glyphH wide), a gap, the tick labels, the ticks.
	f.left = max(f.left, 6+glyphH+8+widest+4+tickLen)
	if n := len(f.title); n > 1 {
		f.top += (n - 1) * titleLineH
	}
	return f
}

// wrapText breaks s at spaces into lines at most width pixels wide at the
// given scale (a word wider than that gets a line of its own).
func wrapText(s string, width, scale int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case TextWidth(line+" "+w, scale) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// Render draws the plot.
func (p *Plot) Render() *Canvas {
	c := NewCanvas(plotW, plotH)
	var xs, ys [][]float64
	for _, s := range p.Series {
		xs, ys = append(xs, s.X), append(ys, s.Y)
	}
	xlo, xhi := dataRange(xs, p.LogX, p.XMin, p.XMax)
	ylo, yhi := dataRange(ys, p.LogY, p.YMin, p.YMax)
	f := p.frame(ylo, yhi)
	ax := axis{lo: xlo, hi: xhi, log: p.LogX, p0: float64(f.left), p1: plotW - marginR}
	ay := axis{lo: ylo, hi: yhi, log: p.LogY, p0: plotH - marginB, p1: float64(f.top)}
	p.drawAxes(c, ax, ay, f)
	for i, s := range p.Series {
		col := Palette[i%len(Palette)]
		if s.Color != nil {
			col = *s.Color
		}
		p.drawSeries(c, ax, ay, s, col)
	}
	p.drawLegend(c, f)
	return c
}

func (p *Plot) drawAxes(c *Canvas, ax, ay axis, f frame) {
	x0, x1, y0, y1 := int(ax.p0), int(ax.p1), int(ay.p1), int(ay.p0)
	xv, xl := ax.ticks()
	for i, v := range xv {
		px := int(math.Round(ax.pix(v)))
		c.Line(float64(px), float64(y0), float64(px), float64(y1), 1, grey)
		c.Line(float64(px), float64(y1), float64(px), float64(y1+tickLen), 1, black)
		c.Text(px-TextWidth(xl[i], textScale)/2, y1+tickLen+4, xl[i], textScale, black)
	}
	yv, yl := ay.ticks()
	for i, v := range yv {
		py := int(math.Round(ay.pix(v)))
		c.Line(float64(x0), float64(py), float64(x1), float64(py), 1, grey)
		c.Line(float64(x0-tickLen), float64(py), float64(x0), float64(py), 1, black)
		c.Text(x0-tickLen-4-TextWidth(yl[i], textScale), py-glyphH/2, yl[i], textScale, black)
	}
	c.Line(float64(x0), float64(y0), float64(x0), float64(y1), 1, black)
	c.Line(float64(x0), float64(y1), float64(x1), float64(y1), 1, black)
	c.Line(float64(x1), float64(y0), float64(x1), float64(y1), 1, black)
	c.Line(float64(x0), float64(y0), float64(x1), float64(y0), 1, black)
	c.Text((x0+x1-TextWidth(p.XLabel, textScale))/2, plotH-glyphH-6, p.XLabel, textScale, black)
	c.TextUp(6, (y0+y1+TextWidth(p.YLabel, textScale))/2, p.YLabel, textScale, black)
	for i, line := range f.title {
		c.Text((plotW-TextWidth(line, textScale))/2, 12+i*titleLineH, line, textScale, black)
	}
}

func (p *Plot) drawSeries(c *Canvas, ax, ay axis, s Series, col color.RGBA) {
	ok := func(i int) bool {
		x, y := s.X[i], s.Y[i]
		return !(math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) || (ax.log && x <= 0) || (ay.log && y <= 0))
	}
	n := min(len(s.X), len(s.Y))
	for i := 1; i < n; i++ {
		if !ok(i-1) || !ok(i) {
			continue
		}
		xa, ya, xb, yb, in := clipSegment(ax.pix(s.X[i-1]), ay.pix(s.Y[i-1]), ax.pix(s.X[i]), ay.pix(s.Y[i]), ax.p0, ax.p1, ay.p1, ay.p0)
		if !in {
			continue
		}
		if s.Dashed {
			c.Dashed(xa, ya, xb, yb, 6, col)
		} else {
			c.Line(xa, ya, xb, yb, 2, col)
		}
	}
	if s.Markers {
		for i := 0; i < n; i++ {
			px, py := ax.pix(s.X[i]), ay.pix(s.Y[i])
			if ok(i) && px >= ax.p0 && px <= ax.p1 && py >= ay.p1 && py <= ay.p0 {
				x, y := int(math.Round(px)), int(math.Round(py))
				c.Rect(x-3, y-3, x+4, y+4, col)
			}
		}
	}
}

// clipSegment cuts the segment (x0,y0)–(x1,y1) to the rectangle
// [xmin,xmax]×[ymin,ymax] (Liang–Barsky), so a curve that leaves a fixed
// axis range stops at the frame instead of running over the tick labels;
// in is false when no part of it lies inside.
func clipSegment(x0, y0, x1, y1, xmin, xmax, ymin, ymax float64) (cx0, cy0, cx1, cy1 float64, in bool) {
	dx, dy := x1-x0, y1-y0
	t0, t1 := 0.0, 1.0
	for _, e := range [4]struct{ p, q float64 }{{-dx, x0 - xmin}, {dx, xmax - x0}, {-dy, y0 - ymin}, {dy, ymax - y0}} {
		switch {
		case e.p == 0:
			if e.q < 0 {
				return 0, 0, 0, 0, false // parallel to this edge and outside it
			}
		case e.p < 0:
			t0 = math.Max(t0, e.q/e.p)
		default:
			t1 = math.Min(t1, e.q/e.p)
		}
	}
	if t0 > t1 {
		return 0, 0, 0, 0, false
	}
	return x0 + t0*dx, y0 + t0*dy, x0 + t1*dx, y0 + t1*dy, true
}

func (p *Plot) drawLegend(c *Canvas, f frame) {
	var named []int
	w := 0
	for i, s := range p.Series {
		if s.Name != "" {
			named = append(named, i)
			w = max(w, TextWidth(s.Name, textScale))
		}
	}
	if len(named) == 0 {
		return
	}
	rowH := glyphH + 6
	bw, bh := w+legendLineLen+3*legendPad, len(named)*rowH+legendPad
	x0, y0 := plotW-marginR-bw-8, f.top+8
	if p.LegendBottom {
		y0 = plotH - marginB - bh - 8
	}
	c.Rect(x0, y0, x0+bw, y0+bh, color.RGBA{255, 255, 255, 255})
	c.Line(float64(x0), float64(y0), float64(x0+bw), float64(y0), 1, black)
	c.Line(float64(x0), float64(y0+bh), float64(x0+bw), float64(y0+bh), 1, black)
	c.Line(float64(x0), float64(y0), float64(x0), float64(y0+bh), 1, black)
	c.Line(float64(x0+bw), float64(y0), float64(x0+bw), float64(y0+bh), 1, black)
	for r, i := range named {
		s := p.Series[i]
		col := Palette[i%len(Palette)]
		if s.Color != nil {
			col = *s.Color
		}
		y := y0 + legendPad + r*rowH + glyphH/2
		lx := float64(x0 + legendPad)
		if s.Dashed {
			c.Dashed(lx, float64(y), lx+legendLineLen, float64(y), 5, col)
		} else {
			c.Line(lx, float64(y), lx+legendLineLen, float64(y), 2, col)
		}
		c.Text(x0+2*legendPad+legendLineLen, y-glyphH/2, s.Name, textScale, black)
	}
}

// Save renders the plot to a PNG file atomically.
func (p *Plot) Save(path string) error { return p.Render().Save(path) }

// Histogram builds a plot of the normalized histograms (outlines) of several
// samples over [lo, hi] in bins bins.
func Histogram(title, xlabel string, names []string, samples [][]float64, lo, hi float64, bins int) *Plot {
	p := &Plot{Title: title, XLabel: xlabel, YLabel: "fraction", XMin: lo, XMax: hi}
	width := (hi - lo) / float64(bins)
	for k, vals := range samples {
		counts := make([]float64, bins)
		for _, v := range vals {
			b := int((v - lo) / width)
			if v >= lo && v <= hi {
				counts[min(b, bins-1)]++
			}
		}
		s := Series{Name: names[k]}
		s.X, s.Y = append(s.X, lo), append(s.Y, 0)
		for b, cnt := range counts {
			f := cnt / math.Max(1, float64(len(vals)))
			s.X = append(s.X, lo+float64(b)*width, lo+float64(b+1)*width)
			s.Y = append(s.Y, f, f)
		}
		s.X, s.Y = append(s.X, hi), append(s.Y, 0)
		p.Series = append(p.Series, s)
	}
	return p
}

// Fmt formats a number for report text with the given decimals.
func Fmt(v float64, decimals int) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.*f", decimals, v)
}
