package data

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Spec names a data source, as written after `--data`:
//
//	cmix:ALPHA      synthetic C^α images (ALPHA > 0, e.g. cmix:2)
//	cmix:ALPHA:aa   the same with an area-coverage (anti-aliased) contour
//	disks           synthetic anti-aliased disks (5-parameter manifold)
//	mnist           MNIST digits (needs `harmonic data fetch mnist`)
//	fashion-mnist   Fashion-MNIST (needs `harmonic data fetch fashion-mnist`)
//	photos          patches of natural photographs (needs `harmonic data fetch photos`)
//	folder:PATH     every PNG/JPEG image in the folder PATH (e.g. CelebA)
//	npy:PATH        a .npy array of images [N,H,W] or [N,1,H,W] ([N,3,H,W] in colour)
type Spec struct {
	Kind  string  // cmix, disks, mnist, fashion-mnist, photos, folder or npy
	Alpha float64 // cmix only
	AA    bool    // cmix only: area-coverage contour instead of rounded rows
	Path  string  // folder and npy only
}

// Kinds lists the accepted spec forms, for help texts.
const Kinds = "cmix:ALPHA[:aa]|disks|mnist|fashion-mnist|photos|folder:PATH|npy:PATH"

// ParseSpec parses a data spec; see Spec.
func ParseSpec(s string) (Spec, error) {
	kind, arg, hasArg := strings.Cut(s, ":")
	switch kind {
	case "cmix":
		if !hasArg || arg == "" {
			return Spec{}, fmt.Errorf("data spec %q: cmix needs an exponent, e.g. cmix:2", s)
		}
		num, opt, hasOpt := strings.Cut(arg, ":")
		if hasOpt && opt != "aa" {
			return Spec{}, fmt.Errorf("data spec %q: unknown cmix option %q (want cmix:ALPHA or cmix:ALPHA:aa)", s, opt)
		}
		a, err := strconv.ParseFloat(num, 64)
		if err != nil || !(a > 0) || math.IsInf(a, 0) {
			return Spec{}, fmt.Errorf("data spec %q: α must be a positive number, got %q", s, num)
		}
		return Spec{Kind: kind, Alpha: a, AA: hasOpt}, nil
	case "folder", "npy":
		if !hasArg || arg == "" {
			return Spec{}, fmt.Errorf("data spec %q: %s needs a path, e.g. %s:/data/celeba", s, kind, kind)
		}
		return Spec{Kind: kind, Path: arg}, nil
	case "disks", "mnist", "fashion-mnist", "photos":
		if hasArg {
			return Spec{}, fmt.Errorf("data spec %q: %s takes no argument", s, kind)
		}
		return Spec{Kind: kind}, nil
	}
	return Spec{}, fmt.Errorf("data spec %q: unknown source (want %s)", s, Kinds)
}

// String gives the spec back in the form ParseSpec reads.
func (s Spec) String() string {
	switch s.Kind {
	case "cmix":
		if s.AA {
			return "cmix:" + strconv.FormatFloat(s.Alpha, 'g', -1, 64) + ":aa"
		}
		return "cmix:" + strconv.FormatFloat(s.Alpha, 'g', -1, 64)
	case "folder", "npy":
		return s.Kind + ":" + s.Path
	}
	return s.Kind
}

// Colour reports whether the source has colour images (Options.Channels 3
// is possible): photos, folders and .npy arrays. The others are grayscale.
func (s Spec) Colour() bool { return s.Kind == "photos" || s.Kind == "folder" || s.Kind == "npy" }

// Synthetic reports whether the source is generated (no files needed).
func (s Spec) Synthetic() bool { return s.Kind == "cmix" || s.Kind == "disks" }

// DefaultSize is the image side used when Open is given size 0: the native
// size of digit sets and .npy arrays (0 = keep), the paper's 40×40 for
// synthetic images and patches, and the authors' 80×80 for folders of
// photographs such as CelebA.
func (s Spec) DefaultSize() int {
	switch s.Kind {
	case "npy":
		return 0
	case "mnist", "fashion-mnist":
		return 28
	case "folder":
		return 80
	}
	return 40
}
