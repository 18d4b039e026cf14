package report

import (
	"errors"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	a := axis{lo: 0.3, hi: 9.7}
	vals, labels := a.ticks()
	if len(vals) < 4 || len(vals) > 12 || vals[0] < 0.3 || vals[len(vals)-1] > 9.7 {
		t.Fatalf("ticks %v", vals)
	}
	for i := 1; i < len(vals); i++ {
		if d := vals[i] - vals[i-1]; math.Abs(d-niceStep(9.4/6)) > 1e-9 {
			t.Fatalf("uneven tick step %v in %v", d, vals)
		}
	}
	if labels[0] != tickLabel(vals[0]) {
		t.Fatal("labels do not match values")
	}
	lg := axis{lo: -3, hi: 0.2, log: true}
	lv, _ := lg.ticks()
	if len(lv) != 4 || lv[0] != 1e-3 || lv[3] != 1 {
		t.Fatalf("log ticks %v, want 1e-3..1", lv)
	}
	for raw, want := range map[float64]float64{0.13: 0.2, 1.7: 2, 4: 5, 7: 10} {
		if got := niceStep(raw); got != want {
			t.Fatalf("niceStep(%v) = %v, want %v", raw, got, want)
		}
	}
}

func TestHistogramFractions(t *testing.T) {
	p := Histogram("h", "x", []string{"a"}, [][]float64{{0.1, 0.2, 0.25, 0.9, 2}}, 0, 1, 4)
	// Bins [0,.25) [.25,.5) [.5,.75) [.75,1]: 2, 1, 0, 1 of 5 values (2 is outside).
	want := []float64{0.4, 0.2, 0, 0.2}
	s := p.Series[0]
	for b, w := range want {
		if got := s.Y[1+2*b]; math.Abs(got-w) > 1e-12 {
			t.Fatalf("bin %d: fraction %v, want %v (%v)", b, got, w, s.Y)
		}
	}
}

// A plot renders to a decodable PNG of the documented size, with ink on it.
func TestPlotRenders(t *testing.T) {
	dir := t.TempDir()
	p := &Plot{Title: "t", XLabel: "x", YLabel: "y", LogY: true,
		Series: []Series{{Name: "a", X: []float64{1, 2, 3}, Y: []float64{1, 0.1, math.NaN()}, Markers: true}}}
	path := filepath.Join(dir, "p.png")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != plotW || b.Dy() != plotH {
		t.Fatalf("plot is %v", b)
	}
	r, g, bl, _ := img.At(marginL, plotH-marginB).RGBA()
	if r != 0 || g != 0 || bl != 0 {
		t.Fatal("no axis at the plot's lower-left corner")
	}
}

// A failing writer leaves no file and no temporary behind.
func TestWriteAtomicFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.csv")
	err := WriteAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("boom")
	})
	if err == nil {
		t.Fatal("error lost")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("left %v behind", entries[0].Name())
	}
}

func TestDocRendering(t *testing.T) {
	dir := t.TempDir()
	c := NewCanvas(4, 4)
	if err := c.Save(filepath.Join(dir, "f.png")); err != nil {
		t.Fatal(err)
	}
	d := &Doc{Dir: dir}
	d.H1("Title")
	d.P("a **bold** claim with `code` and a lone * star")
	tab := &Table{Header: []string{"a", "b"}}
	tab.Add(1, 2.5)
	d.Table(tab)
	d.Figure("f.png", "cap")
	md := d.Markdown()
	for _, want := range []string{"# Title", "| a | b |", "| 1 | 2.5 |", "![cap](f.png)"} {
		if !strings.Contains(md, want) {
			t.Fatalf("markdown lacks %q:\n%s", want, md)
		}
	}
	h, err := d.HTML("t")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<b>bold</b>", "<code>code</code>", "data:image/png;base64,", `<td class="num">2.5</td>`} {
		if !strings.Contains(h, want) {
			t.Fatalf("html lacks %q", want)
		}
	}
}

func TestDocLinks(t *testing.T) {
	d := &Doc{}
	d.P("see [study A's report](gahb/report.html), not [an interval] (0.1, 0.2) nor [a](b c)")
	tab := &Table{Header: []string{"report"}}
	tab.Add("[x<y](a&b.html)")
	d.Table(tab)
	h, err := d.HTML("t")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="gahb/report.html">study A&#39;s report</a>`, "[an interval] (0.1, 0.2)", "[a](b c)", `<td><a href="a&amp;b.html">x&lt;y</a></td>`} {
		if !strings.Contains(h, want) {
			t.Errorf("html lacks %q:\n%s", want, h)
		}
	}
	if md := d.Markdown(); !strings.Contains(md, "[study A's report](gahb/report.html)") {
		t.Errorf("markdown lost the link:\n%s", md)
	}
}
