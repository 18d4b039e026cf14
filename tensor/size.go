package tensor

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// maxElements bounds the element count of one tensor. On 64-bit platforms it
// is 2^40 (4 TiB of float32), far above any real use but low enough that
// shape products cannot overflow int. Where int has 32 bits (386, arm; wasm's
// int has 64) it is the largest count whose float32 bytes still fit in an
// int, so a shape that cannot be allocated there is an error naming it, not
// an overflowed product or a "len out of range" panic inside make.
const maxElements = min(1<<40, math.MaxInt/4)

// MaxElements is the largest element count a tensor may have on this
// platform; decoders (tensor/codec) reject headers that declare more.
const MaxElements = maxElements

// CheckedNumel is the element count of shape, or an error naming the shape
// when a size is negative or the count exceeds MaxElements: what a decoder
// checks before it allocates for a shape read from a file.
func CheckedNumel(shape []int) (int, error) { return numel(shape) }

func numel(shape []int) (int, error) {
	for _, s := range shape {
		if s < 0 {
			return 0, fmt.Errorf("tensor: negative size in shape %v", shape)
		}
	}
	n := 1
	for _, s := range shape {
		if s == 0 {
			return 0, nil
		}
		// Division, not n*s > maxElements: the product may already overflow.
		if n > maxElements/s {
			return 0, fmt.Errorf("tensor: %s", tooManyElements(shape))
		}
		n *= s
	}
	return n, nil
}

// tooManyElements describes a shape whose element count exceeds maxElements;
// it states the exact count, which int may not hold.
func tooManyElements(shape []int) string {
	return fmt.Sprintf("shape %v has %s elements, more than the %d a tensor may hold on this %d-bit platform",
		shape, exactCount(shape), maxElements, strconv.IntSize)
}

// exactCount is the product of the (non-negative) sizes in decimal, computed
// without overflow.
func exactCount(shape []int) string {
	n := big.NewInt(1)
	for _, s := range shape {
		n.Mul(n, big.NewInt(int64(s)))
	}
	return n.String()
}
