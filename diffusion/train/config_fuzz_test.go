package train

import (
	"reflect"
	"testing"
)

// FuzzParseConfig feeds arbitrary text to parseConfig (the run config a
// checkpoint's training state holds, read by --resume). It must never
// panic; a config it accepts must survive marshal/parse unchanged.
func FuzzParseConfig(f *testing.F) {
	f.Add(Config{Arch: "bf-unet", Data: "disks", Size: 40, NTrain: 100, NTest: 10, Levels: 1, Base: 8,
		Steps: 10, Batch: 4, LR: 1e-3, LREvery: 5, LRFactor: 0.5, Seed: 1}.marshal())
	f.Add(`{"arch":"tc-unet","objective":"heat","heat_k":20}`)
	f.Add(`{}`)
	f.Add(`{"steps":-1}`)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := parseConfig(in)
		if err != nil {
			return
		}
		d, err := parseConfig(c.marshal())
		if err != nil {
			t.Fatalf("re-parsing our own encoding %s: %v", c.marshal(), err)
		}
		// marshal writes grayscale as channels 0 (as before channels
		// existed), and an empty mult as none.
		for _, x := range []*Config{&c, &d} {
			if x.Channels == 1 {
				x.Channels = 0
			}
			if len(x.Mult) == 0 {
				x.Mult = nil
			}
		}
		if !reflect.DeepEqual(c, d) {
			t.Fatalf("round trip changed the config:\n%+v\n%+v", c, d)
		}
	})
}
