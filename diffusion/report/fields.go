package report

import (
	"fmt"
	"image/color"
	"math"
)

// FieldPanel writes sensitivity fields (one output pixel's Jacobian row,
// laid out as an image [C,H,W] of c·h·w values) as one PNG: row r, column k
// shows fields[r][k]. Each field is scaled by its own largest |value| and
// drawn in a diverging map (positive red, zero white, negative blue), so
// its shape is visible whatever its gain; a colour field shows its C
// planes side by side in its cell. Small images are enlarged by pixel
// replication to tiles of at least 64 pixels. rowLabels (left) and
// colLabels (top) may be nil, else have one entry per row and per column
// (the longest row). A field of all zeros is drawn white.
func FieldPanel(path string, fields [][][]float64, c, h, w int, rowLabels, colLabels []string) error {
	if c < 1 || h < 1 || w < 1 {
		return fmt.Errorf("report: field panel of %dx%dx%d images", c, h, w)
	}
	if len(fields) == 0 {
		return fmt.Errorf("report: field panel %s without fields", path)
	}
	cols := 0
	for r, row := range fields {
		cols = max(cols, len(row))
		for k, f := range row {
			if len(f) != c*h*w {
				return fmt.Errorf("report: field (%d,%d) has %d values, the images %dx%dx%d have %d", r, k, len(f), c, h, w, c*h*w)
			}
		}
	}
	if cols == 0 {
		return fmt.Errorf("report: field panel %s has only empty rows", path)
	}
	if rowLabels != nil && len(rowLabels) != len(fields) {
		return fmt.Errorf("report: %d row labels for %d rows", len(rowLabels), len(fields))
	}
	if colLabels != nil && len(colLabels) != cols {
		return fmt.Errorf("report: %d column labels for %d columns", len(colLabels), cols)
	}
	const gap, planeGap, pad = 6, 2, 4
	s := (minTile + max(h, w) - 1) / max(h, w)
	cellW := c*w*s + (c-1)*planeGap
	cellH := h * s
	left, top := pad, pad
	for _, l := range rowLabels {
		left = max(left, pad+TextWidth(l, 1)+gap)
	}
	if colLabels != nil {
		top = pad + 7 + gap
		// A label wider than its cell widens every cell.
		for _, l := range colLabels {
			cellW = max(cellW, TextWidth(l, 1))
		}
	}
	canvas := NewCanvas(left+cols*(cellW+gap)-gap+pad, top+len(fields)*(cellH+gap)-gap+pad)
	black := color.RGBA{A: 255}
	for k, l := range colLabels {
		canvas.Text(left+k*(cellW+gap), pad, l, 1, black)
	}
	for r, row := range fields {
		y0 := top + r*(cellH+gap)
		if rowLabels != nil {
			canvas.Text(pad, y0+(cellH-7)/2, rowLabels[r], 1, black)
		}
		for k, f := range row {
			x0 := left + k*(cellW+gap)
			var m float64
			for _, v := range f {
				m = math.Max(m, math.Abs(v))
			}
			for p := range c {
				px0 := x0 + p*(w*s+planeGap)
				for i := range h {
					for j := range w {
						v := 0.0
						if m > 0 {
							v = f[p*h*w+i*w+j] / m
						}
						canvas.Rect(px0+j*s, y0+i*s, px0+(j+1)*s, y0+(i+1)*s, Diverging(v))
					}
				}
			}
		}
	}
	return canvas.Save(path)
}

// Diverging maps v in [−1,1] (clipped) to white at 0, pure red at +1 and
// pure blue at −1, linearly; NaN is black.
func Diverging(v float64) color.RGBA {
	if math.IsNaN(v) {
		return color.RGBA{A: 255}
	}
	v = math.Max(-1, math.Min(1, v))
	fade := uint8(math.Round(255 * (1 - math.Abs(v))))
	if v >= 0 {
		return color.RGBA{R: 255, G: fade, B: fade, A: 255}
	}
	return color.RGBA{R: fade, G: fade, B: 255, A: 255}
}
