package report

import (
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
)

// Canvas is an RGBA raster with the drawing primitives the plots need.
type Canvas struct {
	Img *image.RGBA
}

// NewCanvas is a white w×h canvas.
func NewCanvas(w, h int) *Canvas {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return &Canvas{Img: img}
}

// Set paints one pixel (ignoring points outside the canvas).
func (c *Canvas) Set(x, y int, col color.RGBA) {
	if image.Pt(x, y).In(c.Img.Rect) {
		c.Img.SetRGBA(x, y, col)
	}
}

// Rect fills the rectangle [x0,x1)×[y0,y1).
func (c *Canvas) Rect(x0, y0, x1, y1 int, col color.RGBA) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			c.Set(x, y, col)
		}
	}
}

// Line draws a segment of the given width (in pixels) by stamping squares
// along it, which is plenty for plot lines.
func (c *Canvas) Line(x0, y0, x1, y1 float64, width int, col color.RGBA) {
	n := int(math.Ceil(math.Max(math.Abs(x1-x0), math.Abs(y1-y0)))) + 1
	if n > 100000 || math.IsNaN(x0+x1+y0+y1) {
		return
	}
	r := (width - 1) / 2
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		x := int(math.Round(x0 + t*(x1-x0)))
		y := int(math.Round(y0 + t*(y1-y0)))
		c.Rect(x-r, y-r, x-r+width, y-r+width, col)
	}
}

// Dashed draws a dashed segment (dash and gap of dash pixels).
func (c *Canvas) Dashed(x0, y0, x1, y1 float64, dash int, col color.RGBA) {
	l := math.Hypot(x1-x0, y1-y0)
	if l == 0 || math.IsNaN(l) || l > 1e5 {
		return
	}
	for s := 0.0; s < l; s += 2 * float64(dash) {
		e := math.Min(s+float64(dash), l)
		c.Line(x0+(x1-x0)*s/l, y0+(y1-y0)*s/l, x0+(x1-x0)*e/l, y0+(y1-y0)*e/l, 1, col)
	}
}

// TextWidth is the width in pixels of s at the given scale.
func TextWidth(s string, scale int) int {
	n := 0
	for range s {
		n++
	}
	if n == 0 {
		return 0
	}
	return (6*n - 1) * scale
}

// Text draws s with its top-left corner at (x, y), each font pixel a
// scale×scale block. Unknown characters are drawn as a box.
func (c *Canvas) Text(x, y int, s string, scale int, col color.RGBA) {
	for _, r := range s {
		litPixels(r, func(row, bit int) {
			c.Rect(x+bit*scale, y+row*scale, x+(bit+1)*scale, y+(row+1)*scale, col)
		})
		x += 6 * scale
	}
}

// TextUp draws s rotated a quarter turn counter-clockwise (a y-axis label),
// its baseline running upwards from (x, y) with the glyph tops to the left.
func (c *Canvas) TextUp(x, y int, s string, scale int, col color.RGBA) {
	for _, r := range s {
		litPixels(r, func(row, bit int) {
			px, py := x+row*scale, y-(bit+1)*scale
			c.Rect(px, py, px+scale, py+scale, col)
		})
		y -= 6 * scale
	}
}

// litPixels calls f for every lit pixel (row 0–6 from the top, bit 0–4 from
// the left) of r's 5×7 glyph; an unknown character other than space is a box.
func litPixels(r rune, f func(row, bit int)) {
	g, ok := glyphs5x7[r]
	if !ok && r != ' ' {
		g = [7]uint8{0x1f, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1f}
	}
	for row := 0; row < 7; row++ {
		for bit := 0; bit < 5; bit++ {
			if g[row]&(0x10>>bit) != 0 {
				f(row, bit)
			}
		}
	}
}

// WritePNG encodes the canvas.
func (c *Canvas) WritePNG(w io.Writer) error { return png.Encode(w, c.Img) }

// Save writes the canvas as a PNG atomically.
func (c *Canvas) Save(path string) error { return WriteAtomic(path, c.WritePNG) }

// Palette are distinguishable line colours (Tableau 10).
var Palette = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
	{188, 189, 34, 255}, {23, 190, 207, 255},
}

var (
	black = color.RGBA{0, 0, 0, 255}
	grey  = color.RGBA{225, 225, 225, 255}
)
