package rng

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
)

// The saved state of a Xoshiro256: the tag, the four state words and the
// Box–Muller spare (flag byte, then the value's bits), little-endian. This
// layout is what checkpoints hold; changing it breaks every one of them.
//
// Errors here carry no package prefix: the exported wrapper (tensor.RNG)
// adds its own, so users see the names they know.
const (
	stateTag = "xoshiro256ss/v1\x00"
	stateLen = len(stateTag) + 4*8 + 1 + 8
)

// MarshalBinary returns the exact generator state, including a pending
// normal.
func (r *Xoshiro256) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, stateLen)
	b = append(b, stateTag...)
	for _, w := range r.s {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	if r.hasSpare {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(r.spare)), nil
}

// UnmarshalBinary restores a state written by MarshalBinary; the generator
// then continues exactly where the saved one stopped. On error r is
// unchanged.
func (r *Xoshiro256) UnmarshalBinary(b []byte) error {
	if len(b) != stateLen || string(b[:len(stateTag)]) != stateTag {
		return fmt.Errorf("RNG state is %d bytes or has a wrong tag; want %d bytes from RNG.MarshalBinary", len(b), stateLen)
	}
	p := b[len(stateTag):]
	var s [4]uint64
	for i := range s {
		s[i] = binary.LittleEndian.Uint64(p[8*i:])
	}
	if s == [4]uint64{} {
		return errors.New("RNG state is all zero (xoshiro256** would output only zeros)")
	}
	if p[32] > 1 {
		return fmt.Errorf("RNG state has spare flag %d, want 0 or 1", p[32])
	}
	r.s = s
	r.hasSpare = p[32] == 1
	r.spare = math.Float64frombits(binary.LittleEndian.Uint64(p[33:]))
	return nil
}

// MarshalText is MarshalBinary as a hex string, for text containers such as
// safetensors metadata.
func (r *Xoshiro256) MarshalText() ([]byte, error) {
	b, _ := r.MarshalBinary()
	return []byte(hex.EncodeToString(b)), nil
}

// UnmarshalText restores a state written by MarshalText.
func (r *Xoshiro256) UnmarshalText(text []byte) error {
	b, err := hex.DecodeString(string(text))
	if err != nil {
		return fmt.Errorf("RNG state is not hex: %v", err)
	}
	return r.UnmarshalBinary(b)
}
