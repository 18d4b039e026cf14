package codec_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

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

// A file round trip: SaveNpy writes '<f4' atomically, so numpy reads it with
// np.load, and LoadNpy reads it back (float64 and integer .npy files too,
// converted to float32).
func ExampleSaveNpy() {
	dir, err := os.MkdirTemp("", "codec-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "images.npy")

	images, _ := tensor.FromSlice([]float32{0, 0.25, 0.5, 0.75, 1, 0.125, 0.375, 0.625}, 2, 1, 2, 2)
	if err := codec.SaveNpy(path, images); err != nil {
		fmt.Println(err)
		return
	}
	back, err := codec.LoadNpy(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.Shape())
	fmt.Printf("%.4f\n", back.Data())

	// A float64 array keeps its precision on disk.
	if err := codec.SaveNpy64(path, []float64{1.0 / 3, 2.0 / 3}, 2); err != nil {
		fmt.Println(err)
		return
	}
	third, err := codec.LoadNpy(path)
	fmt.Printf("%v %.4f %v\n", third.Shape(), third.Data(), err)
	// Output:
	// [2 1 2 2]
	// [0.0000 0.2500 0.5000 0.7500 1.0000 0.1250 0.3750 0.6250]
	// [2] [0.3333 0.6667] <nil>
}

// A state dict as safetensors, PyTorch's checkpoint format: named float32
// tensors in the given order plus string metadata.
func ExampleWriteSafetensors() {
	w, _ := tensor.FromSlice([]float32{1, -1, 0.5, 2}, 1, 1, 2, 2)
	gamma, _ := tensor.FromSlice([]float32{0.025, 0.0125}, 2)
	var buf bytes.Buffer
	err := codec.WriteSafetensors(&buf, []string{"conv.weight", "bn.gamma"}, []*tensor.Tensor{w, gamma},
		map[string]string{"arch": "example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	meta, names, tensors, err := codec.ReadSafetensors(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(meta["arch"], names)
	for _, name := range names {
		fmt.Printf("%s %v %.4f\n", name, tensors[name].Shape(), tensors[name].Data())
	}

	// A truncated file is a format error, not a panic.
	_, _, _, err = codec.ReadSafetensors(bytes.NewReader(buf.Bytes()[:20]), 20)
	fmt.Println(errors.Is(err, codec.ErrFormat))
	// Output:
	// example [conv.weight bn.gamma]
	// conv.weight [1 1 2 2] [1.0000 -1.0000 0.5000 2.0000]
	// bn.gamma [2] [0.0250 0.0125]
	// true
}
