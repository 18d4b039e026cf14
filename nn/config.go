package nn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Config names a network: its architecture and the sizes that architecture
// reads. It is exactly what a model checkpoint's metadata holds (Meta,
// ConfigFromMeta), so New(ConfigFromMeta(meta)) rebuilds the network a file
// was saved from. Fields an architecture does not use are ignored by it
// (a bf-cnn has no Levels) and left out of the network's own Config.
type Config struct {
	// Arch is a registered architecture name (Archs): "bf-unet", "bf-cnn",
	// "tc-unet", "classifier".
	Arch string `json:"arch"`
	// Channels of the images in and out: 1 (grayscale, also meant by 0) or 3 (RGB).
	Channels int `json:"channels,omitempty"`
	// Base is the width of the first level (bf-unet) or of every layer (bf-cnn).
	Base int `json:"base"`
	// Levels of a bf-unet (each halves the image).
	Levels int `json:"levels,omitempty"`
	// Layers of a bf-cnn (3×3 convolutions, the first and last included).
	Layers int `json:"layers,omitempty"`
	// Mult are a tc-unet's level width multipliers (level l has width
	// Base·Mult[l]; each level but the last halves the image), ResBlocks
	// its residual blocks per level and Groups its GroupNorm groups
	// (min(Groups, width) per norm). Zero values mean the tc-unet defaults
	// (TCUNetDefaults).
	Mult      []int `json:"mult,omitempty"`
	ResBlocks int   `json:"res_blocks,omitempty"`
	Groups    int   `json:"groups,omitempty"`
	// Classes is the number of classes a classifier tells apart (0: the
	// classifier default, 10).
	Classes int `json:"classes,omitempty"`
}

// Equal reports whether c and o describe the same network sizes (Config
// holds a slice, so == does not compile).
func (c Config) Equal(o Config) bool {
	return c.Arch == o.Arch && c.Channels == o.Channels && c.Base == o.Base && c.Levels == o.Levels &&
		c.Layers == o.Layers && slices.Equal(c.Mult, o.Mult) && c.ResBlocks == o.ResBlocks && c.Groups == o.Groups &&
		c.Classes == o.Classes
}

// ImageChannels is Channels with 0 read as 1.
func (c Config) ImageChannels() int { return max(1, c.Channels) }

// Meta is the checkpoint header metadata of the torch_reference.py contract:
// arch, base, and levels or layers when set, all strings. channels appears
// only for colour networks, so grayscale checkpoints keep the reference's
// exact keys (and the bytes harmonic wrote before channels existed).
func (c Config) Meta() map[string]string {
	if a, ok := lookup(c.Arch); ok && a.Meta != nil {
		return a.Meta(c)
	}
	m := map[string]string{"arch": c.Arch, "base": strconv.Itoa(c.Base)}
	for key, v := range map[string]int{"levels": c.Levels, "layers": c.Layers} {
		if v != 0 {
			m[key] = strconv.Itoa(v)
		}
	}
	if c.ImageChannels() != 1 {
		m["channels"] = strconv.Itoa(c.Channels)
	}
	return m
}

// metaSizes are the integer metadata keys a Config reads.
var metaSizes = []struct {
	key   string
	field func(*Config) *int
}{
	{"base", func(c *Config) *int { return &c.Base }},
	{"levels", func(c *Config) *int { return &c.Levels }},
	{"layers", func(c *Config) *int { return &c.Layers }},
	{"channels", func(c *Config) *int { return &c.Channels }},
	{"res_blocks", func(c *Config) *int { return &c.ResBlocks }},
	{"groups", func(c *Config) *int { return &c.Groups }},
	{"classes", func(c *Config) *int { return &c.Classes }},
}

// ParseMult reads a tc-unet's width multipliers from their flag and
// metadata form, a comma-separated list of positive integers ("1,2,2").
func ParseMult(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 || v > 1<<10 {
			return nil, fmt.Errorf("width multipliers %q: %q is not a positive integer", s, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// formatMult writes multipliers as ParseMult reads them.
func formatMult(mult []int) string {
	parts := make([]string, len(mult))
	for i, m := range mult {
		parts[i] = strconv.Itoa(m)
	}
	return strings.Join(parts, ",")
}

// ConfigFromMeta reads a Config from checkpoint metadata and checks it
// against its architecture (Check); keys it does not know (provenance such
// as "step") are ignored. A missing channels key means grayscale.
func ConfigFromMeta(meta map[string]string) (Config, error) {
	arch, ok := meta["arch"]
	if !ok {
		return Config{}, fmt.Errorf("metadata has no \"arch\": not a model checkpoint (a training run's model is %s in its directory)", ModelFile)
	}
	c := Config{Arch: arch, Channels: 1}
	for _, k := range metaSizes {
		s, ok := meta[k.key]
		if !ok {
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > 1<<16 {
			return Config{}, fmt.Errorf("metadata %q = %q is not a positive integer", k.key, s)
		}
		*k.field(&c) = v
	}
	if s, ok := meta["mult"]; ok {
		mult, err := ParseMult(s)
		if err != nil {
			return Config{}, fmt.Errorf("metadata \"mult\": %w", err)
		}
		c.Mult = mult
	}
	if err := Check(c); err != nil {
		return Config{}, fmt.Errorf("metadata: %w", err)
	}
	return c, nil
}

// String names the network for messages ("the bf-unet L=2 base 64").
func (c Config) String() string {
	a, ok := lookup(c.Arch)
	if !ok {
		return fmt.Sprintf("an unknown architecture %q", c.Arch)
	}
	s := a.Describe(c)
	if ch := c.ImageChannels(); ch != 1 {
		s += fmt.Sprintf(" on %d channels", ch)
	}
	return s
}
