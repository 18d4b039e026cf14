package codec_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

func ExampleWriteNpy() {
	t, _ := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	var buf bytes.Buffer
	if err := codec.WriteNpy(&buf, t); err != nil {
		fmt.Println(err)
		return
	}
	back, err := codec.ReadNpy(&buf)
	fmt.Println(back.Shape(), back.Data(), err)

	_, err = codec.ReadNpy(bytes.NewReader([]byte("not a numpy file")))
	fmt.Println(errors.Is(err, codec.ErrFormat))
	// Output:
	// [2 3] [1 2 3 4 5 6] <nil>
	// true
}
