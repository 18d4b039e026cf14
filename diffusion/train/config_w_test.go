package train

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// WGamma reaches the data (the W mask is added) and a bad γ is refused;
// a run without the W stores its config without the field.
func TestConfigWGamma(t *testing.T) {
	c := tcConfig(1)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "w_gamma") {
		t.Errorf("a config without the W stores %s", b)
	}
	for _, g := range []float64{-0.1, math.NaN(), math.Inf(1)} {
		c.WGamma = g
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "γ =") {
			t.Errorf("γ = %v: %v", g, err)
		}
	}
	c.WGamma = 0.5
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	ds, err := c.OpenData()
	if err != nil {
		t.Fatal(err)
	}
	c.WGamma = 0
	plain, err := c.OpenData()
	if err != nil {
		t.Fatal(err)
	}
	if ds.WMask == nil || plain.WMask != nil {
		t.Fatalf("W mask with γ: %v, without: %v", ds.WMask != nil, plain.WMask != nil)
	}
	// Off the mask the images are the plain ones; on it they differ.
	var on, off float64
	for i, v := range ds.Train.Pixels {
		d := math.Abs(float64(v - plain.Train.Pixels[i]))
		if ds.WMask[i%len(ds.WMask)] != 0 {
			on = max(on, d)
		} else {
			off = max(off, d)
		}
	}
	if off != 0 || on == 0 {
		t.Errorf("largest change on the mask %v, off it %v", on, off)
	}
}
