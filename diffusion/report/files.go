// Package report writes a study's results: atomic files (.npy, CSV, JSON),
// line plots and histograms drawn with a small rasterizer, image grids, and
// a Markdown report with a self-contained HTML twin (figures embedded as
// base64 data URIs).
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/harmonic-go/harmonic/internal/atomicfile"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// WriteAtomic writes path through internal/atomicfile (a temporary file in
// the same directory, synced, mode 0644, renamed into place), creating the
// directory first, so an interrupted run (Ctrl-C) leaves either the old file
// or the complete new one, never half of it.
func WriteAtomic(path string, write func(w io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, write)
}

// SaveNpy writes t as .npy atomically, creating the directory.
func SaveNpy(path string, t *tensor.Tensor) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return codec.SaveNpy(path, t)
}

// SaveNpy64 writes float64 values with the given shape as a '<f8' .npy
// atomically, creating the directory.
func SaveNpy64(path string, v []float64, shape ...int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return codec.SaveNpy64(path, v, shape...)
}

// WriteJSON writes v as indented JSON atomically.
func WriteJSON(path string, v any) error {
	return WriteAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// ReadJSON reads a file written by WriteJSON.
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Table is a CSV table: a header and rows of cells.
type Table struct {
	Header []string
	Rows   [][]string
}

// Add appends a row, formatting numbers compactly.
func (t *Table) Add(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = Cell(c)
	}
	t.Rows = append(t.Rows, row)
}

// Cell formats one value for a table.
func Cell(c any) string {
	switch v := c.(type) {
	case float64:
		return strconv.FormatFloat(v, 'g', 5, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'g', 5, 32)
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// WriteCSV writes the table atomically.
func (t *Table) WriteCSV(path string) error {
	return WriteAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(t.Header); err != nil {
			return err
		}
		if err := cw.WriteAll(t.Rows); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	})
}

// Markdown renders the table as a Markdown table (a | inside a cell is
// escaped).
func (t *Table) Markdown() string {
	var b strings.Builder
	b.WriteString("|")
	sep := "|"
	for _, h := range t.Header {
		b.WriteString(" " + mdCell(h) + " |")
		sep += "---|"
	}
	b.WriteString("\n" + sep + "\n")
	for _, r := range t.Rows {
		b.WriteString("|")
		for _, c := range r {
			b.WriteString(" " + mdCell(c) + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// ImageGrid writes images [B,1,H,W] as a PNG grid; with symmetric each image
// is scaled by its own largest |value| onto [−1, 1] first (eigenvectors),
// otherwise values in [lo, hi] map to black..white.
func ImageGrid(path string, images *tensor.Tensor, cols int, lo, hi float32, symmetric bool) error {
	img := images
	if symmetric {
		img = images.Clone()
		s := img.Shape()
		per := img.Numel() / s[0]
		d := img.Data()
		for b := 0; b < s[0]; b++ {
			var m float32
			for _, v := range d[b*per : (b+1)*per] {
				m = max(m, abs32(v))
			}
			if m > 0 {
				for i := b * per; i < (b+1)*per; i++ {
					d[i] /= m
				}
			}
		}
		lo, hi = -1, 1
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return codec.WritePNGGrid(path, upscale(img, minTile), cols, lo, hi)
}

// minTile is the smallest displayed tile side: small images are enlarged
// by pixel replication so a 16×16 sample is visible in a report.
const minTile = 64

// upscale replicates each pixel s×s times, s = ⌈minSide/H⌉ (1: unchanged),
// keeping the channels of [B,C,H,W] images (an RGB grid stays RGB).
func upscale(t *tensor.Tensor, minSide int) *tensor.Tensor {
	sh := t.Shape()
	h, w := sh[len(sh)-2], sh[len(sh)-1]
	s := (minSide + h - 1) / h
	if s <= 1 {
		return t
	}
	planes := t.Numel() / (h * w)
	b, c := planes, 1
	if len(sh) == 4 {
		b, c = sh[0], sh[1]
	}
	src := t.Contiguous().Data()
	out := tensor.New(b, c, h*s, w*s)
	dst := out.Data()
	for k := 0; k < planes; k++ {
		for y := 0; y < h*s; y++ {
			for x := 0; x < w*s; x++ {
				dst[(k*h*s+y)*w*s+x] = src[(k*h+y/s)*w+x/s]
			}
		}
	}
	return out
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
