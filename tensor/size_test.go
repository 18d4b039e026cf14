package tensor

import (
	"math"
	"strconv"
	"testing"
)

// half is 2^(IntSize/2): three such sizes overflow int, two reach its limit.
const half = 1 << (strconv.IntSize / 2)

// halfCubed is 2^(3·IntSize/2) in decimal, the exact element count of
// [half half half], written out by hand (2^96 and 2^48).
var halfCubed = map[int]string{64: "79228162514264337593543950336", 32: "281474976710656"}[strconv.IntSize]

func TestMaxElementsFitsThePlatform(t *testing.T) {
	// The float32 bytes of the largest tensor must be addressable by an int.
	if MaxElements > math.MaxInt/4 {
		t.Fatalf("MaxElements = %d, but 4·MaxElements overflows a %d-bit int", MaxElements, strconv.IntSize)
	}
	if strconv.IntSize == 64 && MaxElements != 1<<40 {
		t.Fatalf("MaxElements = %d on a 64-bit platform, want 2^40", MaxElements)
	}
}

func TestCheckedNumelLimits(t *testing.T) {
	for _, shape := range [][]int{{MaxElements}, {MaxElements / 2, 2}, {0, MaxElements}, {}} {
		want := 1
		for _, s := range shape {
			want *= s
		}
		if n, err := CheckedNumel(shape); err != nil || n != want {
			t.Errorf("CheckedNumel(%v) = %d, %v; want %d", shape, n, err, want)
		}
	}
	over := MaxElements/2 + 1
	_, err := CheckedNumel([]int{over, 2})
	wantErr(t, err, "more than", strconv.Itoa(MaxElements), strconv.Itoa(2*over)+" elements",
		"["+strconv.Itoa(over)+" 2]", strconv.Itoa(strconv.IntSize)+"-bit")
	_, err = CheckedNumel([]int{MaxElements + 1})
	wantErr(t, err, "more than", strconv.Itoa(MaxElements+1)+" elements")
}

func TestNumelOverflowIsAnError(t *testing.T) {
	// The product wraps int; the message still states it exactly.
	_, err := NewChecked(half, half, half)
	wantErr(t, err, "more than", halfCubed+" elements")
	_, err = FromSlice(nil, half, half, half)
	wantErr(t, err, halfCubed+" elements")
	_, err = emptyChecked(half, half, half)
	wantErr(t, err, halfCubed+" elements")
	_, err = NewChecked(math.MaxInt, math.MaxInt)
	wantErr(t, err, "more than")
	_, err = NewChecked(2, -1)
	wantErr(t, err, "negative", "[2 -1]")
}

func TestReshapeOverflowIsAnError(t *testing.T) {
	a := arange(6)
	// Without the check half·half·6 wraps to 0 on 64 bits (2^64·6) and the
	// error would claim the target has 0 elements.
	_, err := a.Reshape(half, half, 6)
	wantErr(t, err, "tensor: cannot reshape [6]: shape", "more than", "elements")
	_, err = a.Reshape(-1, half, half)
	wantErr(t, err, "tensor: cannot reshape [6]: shape", "more than")
	_, err = a.Reshape(math.MaxInt, 2)
	wantErr(t, err, "more than")
	// Sizes beside a zero are still bounded, as in CheckedNumel.
	_, err = New(0).Reshape(math.MaxInt, 0)
	wantErr(t, err, "more than")
	if r, err := New(0, 3).Reshape(3, 0, 5); err != nil || r.Numel() != 0 {
		t.Fatalf("Reshape to [3 0 5]: %v, %v", r, err)
	}
}
