package data

import "testing"

// FuzzParseSpec feeds arbitrary text to ParseSpec (every --data flag). It
// must never panic; a spec it accepts must print (String) as text that
// parses back to the same spec.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"cmix:2", "cmix:0.5", "cmix:2:aa", "cmix:2:", "cmix::aa", "disks", "mnist", "fashion-mnist", "photos", "folder:/x/y", "npy:a.npy",
		"cmix:", "cmix:-1", "cmix:NaN", "cmix:1e400", "mnist:3", "folder:", ":", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sp, err := ParseSpec(in)
		if err != nil {
			return
		}
		back, err := ParseSpec(sp.String())
		if err != nil {
			t.Fatalf("%q parsed as %+v, whose String %q does not parse: %v", in, sp, sp.String(), err)
		}
		if back != sp {
			t.Fatalf("%q: %+v prints as %q, which parses as %+v", in, sp, sp.String(), back)
		}
	})
}
