package report

import (
	"image/color"
	"testing"
)

// An unknown character is drawn as a 5×7 box outline: Text lays it upright
// from its top-left corner, TextUp turned a quarter counter-clockwise with its
// baseline running up from (x, y), each font pixel scale×scale.
func TestTextAndTextUpDrawTheGlyph(t *testing.T) {
	black := color.RGBA{A: 255}
	const scale = 2
	onBox := func(row, bit int) bool { return row == 0 || row == 6 || bit == 0 || bit == 4 }
	up := NewCanvas(40, 40)
	up.Text(3, 4, "\x01", scale, black)
	side := NewCanvas(40, 40)
	side.TextUp(3, 30, "\x01", scale, black)
	for py := 0; py < 40; py++ {
		for px := 0; px < 40; px++ {
			// Upright: font (row, bit) covers [3+bit·s, 3+(bit+1)·s)×[4+row·s, …).
			bit, row := (px-3)/scale, (py-4)/scale
			want := px >= 3 && py >= 4 && bit < 5 && row < 7 && onBox(row, bit)
			if got := up.Img.RGBAAt(px, py) == black; got != want {
				t.Fatalf("Text: pixel (%d,%d) lit %v, want %v", px, py, got, want)
			}
			// Turned: font (row, bit) covers [3+row·s, …)×[30−(bit+1)·s, 30−bit·s).
			row, bit = (px-3)/scale, (30-1-py)/scale
			want = px >= 3 && py < 30 && row < 7 && bit < 5 && onBox(row, bit)
			if got := side.Img.RGBAAt(px, py) == black; got != want {
				t.Fatalf("TextUp: pixel (%d,%d) lit %v, want %v", px, py, got, want)
			}
		}
	}
}
