package report

import (
	"strings"
	"testing"
)

// inked reports whether any pixel of [x0,x1)×[y0,y1) is not white.
func inked(c *Canvas, x0, y0, x1, y1 int) bool {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			if p := c.Img.RGBAAt(x, y); p.R != 255 || p.G != 255 || p.B != 255 {
				return true
			}
		}
	}
	return false
}

// A title wider than the canvas wraps onto lines that fit it, so nothing is
// cut at the left or right edge; the frame moves down to make room.
func TestPlotLongTitleWraps(t *testing.T) {
	title := "cosine similarity of converged samples to their nearest training image"
	if TextWidth(title, textScale) <= plotW {
		t.Fatalf("test title fits on one line (%d px)", TextWidth(title, textScale))
	}
	p := &Plot{Title: title, XLabel: "cosine", YLabel: "fraction", Series: []Series{{Name: "a", X: []float64{0, 1}, Y: []float64{0, 1}}}}
	f := p.frame(0, 1)
	if len(f.title) != 2 || strings.Join(f.title, " ") != title {
		t.Fatalf("title lines %q", f.title)
	}
	for _, l := range f.title {
		if TextWidth(l, textScale) > plotW-16 {
			t.Fatalf("line %q is %d px wide", l, TextWidth(l, textScale))
		}
	}
	c := p.Render()
	top := f.top
	if top <= marginT || inked(c, 0, 0, 8, top) || inked(c, plotW-8, 0, plotW, top) {
		t.Fatalf("title touches the canvas edge (frame top %d)", top)
	}
	if !inked(c, 8, 12+titleLineH, plotW-8, 12+titleLineH+glyphH) {
		t.Fatal("no second title line")
	}
	short := &Plot{Title: "t"}
	if f := short.frame(0, 1); len(f.title) != 1 || f.top != marginT {
		t.Fatalf("a short title moved the frame: %+v", f)
	}
}

// The left margin grows with the widest y tick label, so labels such as
// 0.001 keep clear of the rotated y-axis label.
func TestPlotLeftMarginFitsTickLabels(t *testing.T) {
	p := &Plot{Title: "eigenvalues", XLabel: "k", YLabel: "λ_k", LogX: true, LogY: true, YMin: 1e-3, YMax: 1.5,
		Series: []Series{{X: []float64{1, 10, 100}, Y: []float64{1, 0.1, 0.002}}}}
	f := p.frame(-3, 0.18)
	want := 6 + glyphH + 8 + TextWidth("0.001", textScale) + 4 + tickLen
	if f.left != want {
		t.Fatalf("left margin %d, want %d", f.left, want)
	}
	c := p.Render()
	// The gap between the y label (x < 6+glyphH) and the tick labels.
	if inked(c, 6+glyphH+1, 0, 6+glyphH+8, plotH) {
		t.Fatal("tick labels run into the y-axis label")
	}
	if !inked(c, 6, 0, 6+glyphH, plotH) {
		t.Fatal("no y-axis label")
	}
	narrow := &Plot{Series: []Series{{X: []float64{0, 1}, Y: []float64{0, 1}}}}
	if f := narrow.frame(0, 1); f.left != marginL {
		t.Fatalf("short tick labels changed the left margin to %d", f.left)
	}
}

func TestWrapText(t *testing.T) {
	lines := wrapText("aa bb cc dd", TextWidth("aa bb", 1), 1)
	if strings.Join(lines, "|") != "aa bb|cc dd" {
		t.Fatalf("%q", lines)
	}
	if lines := wrapText("averyveryverylongword b", 10, 1); strings.Join(lines, "|") != "averyveryverylongword|b" {
		t.Fatalf("%q", lines)
	}
	if lines := wrapText("", 10, 1); len(lines) != 0 {
		t.Fatalf("%q", lines)
	}
}

// Tables fit the page: a wide one gets the smaller font, numbers align
// right and text left, and cells keep their **bold**; a | in a cell does
// not split the Markdown row.
func TestTableRendering(t *testing.T) {
	d := &Doc{Dir: t.TempDir()}
	wide := &Table{Header: make([]string, wideTable)}
	wide.Add("x", "3/32", "n/a", "-0.5", "1e-3", "—", "text | with pipe", "**holds**", "0.99951")
	d.Table(wide)
	d.Table(&Table{Header: []string{"a"}})
	h, err := d.HTML("t")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<table class="wide">`, "<table><tr><th>a</th>", `<td>x</td>`, `<td class="num">3/32</td>`, `<td class="num">n/a</td>`,
		`<td class="num">-0.5</td>`, `<td class="num">1e-3</td>`, `<td class="num">—</td>`, `<td>text | with pipe</td>`, `<td class="verdict"><b>holds</b></td>`,
		`<td class="num">0.99951</td>`, "max-width:1100px"} {
		if !strings.Contains(h, want) {
			t.Errorf("html lacks %s", want)
		}
	}
	if md := wide.Markdown(); !strings.Contains(md, `| text \| with pipe |`) {
		t.Errorf("markdown:\n%s", md)
	}
}

func TestClipSegment(t *testing.T) {
	near := func(a, b float64) bool { return a-b < 1e-12 && b-a < 1e-12 }
	for _, c := range []struct {
		seg, want [4]float64
		in        bool
	}{
		{[4]float64{1, 1, 2, 2}, [4]float64{1, 1, 2, 2}, true},       // inside
		{[4]float64{5, 5, 5, 15}, [4]float64{5, 5, 5, 10}, true},     // leaves at the bottom (y = 10)
		{[4]float64{-5, 5, 15, 5}, [4]float64{0, 5, 10, 5}, true},    // crosses both sides
		{[4]float64{-5, -5, 15, 15}, [4]float64{0, 0, 10, 10}, true}, // the diagonal through two corners
		{[4]float64{11, 0, 11, 10}, [4]float64{}, false},             // parallel, outside
		{[4]float64{9, 13, 13, 9}, [4]float64{}, false},              // misses the corner
		{[4]float64{2, 20, 8, 12}, [4]float64{}, false},              // wholly below
		{[4]float64{5, 15, 5, 5}, [4]float64{5, 10, 5, 5}, true},     // enters from below
	} {
		x0, y0, x1, y1, in := clipSegment(c.seg[0], c.seg[1], c.seg[2], c.seg[3], 0, 10, 0, 10)
		if in != c.in || in && !(near(x0, c.want[0]) && near(y0, c.want[1]) && near(x1, c.want[2]) && near(y1, c.want[3])) {
			t.Errorf("clip %v: %v %v %v %v %v, want %v %v", c.seg, x0, y0, x1, y1, in, c.want, c.in)
		}
	}
}

// A curve below a fixed y range stops at the frame: none of its colour
// appears under the x axis.
func TestPlotClipsToFrame(t *testing.T) {
	col := Palette[2]
	p := &Plot{LogY: true, YMin: 1e-3, YMax: 1.5, Series: []Series{{X: []float64{1, 2, 3}, Y: []float64{1, 0.1, 1e-7}, Color: &col, Markers: true}}}
	c := p.Render()
	found := false
	for y := 0; y < plotH; y++ {
		for x := 0; x < plotW; x++ {
			if c.Img.RGBAAt(x, y) == col {
				found = true
				if y > plotH-marginB+1 {
					t.Fatalf("series ink at (%d, %d), below the frame at y = %d", x, y, plotH-marginB)
				}
			}
		}
	}
	if !found {
		t.Fatal("the series is not drawn")
	}
}
