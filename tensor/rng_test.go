package tensor

import (
	"strings"
	"testing"
)

// RNG is internal/rng's generator (tested there); here, what the wrapper adds:
// its errors and panics name this package, and Seed resets the stream.
func TestRNGWrapper(t *testing.T) {
	var r RNG
	for _, bad := range []string{"zz", "786f7368"} {
		err := r.UnmarshalText([]byte(bad))
		if err == nil || !strings.HasPrefix(err.Error(), "tensor: RNG state") {
			t.Fatalf("UnmarshalText(%q) = %v, want an error starting \"tensor: RNG state\"", bad, err)
		}
	}
	if err := r.UnmarshalBinary(make([]byte, 3)); err == nil || !strings.HasPrefix(err.Error(), "tensor: RNG state is 3 bytes") {
		t.Fatalf("UnmarshalBinary of 3 bytes = %v", err)
	}
	mustPanic(t, "tensor: RNG.Intn(-1)", func() { r.Intn(-1) })
	a, b := NewRNG(7), NewRNG(8)
	a.Normal()
	b.Seed(7)
	if a.Seed(7); a.Normal() != b.Normal() || a.Uint64() != b.Uint64() {
		t.Fatal("Seed must reset to the NewRNG stream, including the normal spare")
	}
}
