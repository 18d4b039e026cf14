package rng

import "testing"

// TestSplitMixReference checks seeding against SplitMix64's reference outputs
// for seed 1234567.
func TestSplitMixReference(t *testing.T) {
	x := NewSplitMix64(1234567)
	want := []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423,
		4593380528125082431, 16408922859458223821}
	for i, w := range want {
		if got := x.Uint64(); got != w {
			t.Fatalf("output %d = %d, want %d", i, got, w)
		}
		if got := SplitMix64At(1234567, uint64(i+1)); got != w {
			t.Fatalf("SplitMix64At(1234567, %d) = %d, want %d", i+1, got, w)
		}
	}
	// Seeding: New(seed)'s state is SplitMix64(seed)'s first four outputs.
	r := New(1234567)
	if r.s != [4]uint64{want[0], want[1], want[2], want[3]} {
		t.Fatalf("New(1234567) state %v, want the first four SplitMix64 outputs", r.s)
	}
}
