package nn_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// The paper's 20×20 network: one level of 64 channels, about 360k
// parameters.
func ExampleNewBFUNet() {
	net, err := nn.NewBFUNet(1, 64, tensor.NewRNG(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d parameters\n", nn.Describe(net), net.NumParams())
	fmt.Printf("arch %s: %d trained tensors, %d in a checkpoint (with running_sd)\n",
		net.Config().Arch, len(net.Params()), len(net.State()))
	// Output:
	// the bf-unet L=1 base 64: 366080 parameters
	// arch bf-unet: 11 trained tensors, 15 in a checkpoint (with running_sd)
}

// A checkpoint round trip through a temporary directory: LoadModel builds
// the architecture its metadata names and fills in the stored tensors, so
// the loaded network equals the saved one bit for bit.
func ExampleLoadModel() {
	dir, err := os.MkdirTemp("", "harmonic-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	net, err := nn.NewBFUNet(2, 8, tensor.NewRNG(7))
	if err != nil {
		fmt.Println(err)
		return
	}
	path := filepath.Join(dir, nn.ModelFile)
	if err := nn.SaveModel(path, net, map[string]string{"note": "example"}); err != nil {
		fmt.Println(err)
		return
	}
	loaded, meta, err := nn.LoadModel(dir) // a directory means its model.safetensors
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d parameters, note %q\n", nn.Describe(loaded), loaded.NumParams(), meta["note"])

	same := len(loaded.State()) == len(net.State())
	for i, p := range net.State() {
		q := loaded.State()[i]
		same = same && p.Name == q.Name && bitsEqual(p.Value.Data(), q.Value.Data())
	}
	fmt.Println("same tensors:", same)

	// The same weights denoise an image to the same bits.
	y := tensor.New(1, 1, 8, 8)
	for i := range y.Data() {
		y.Data()[i] = float32(i%8) / 8
	}
	a, err := nn.Denoise(net, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := nn.Denoise(loaded, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("same output:", bitsEqual(a.Data(), b.Data()))
	// Output:
	// the bf-unet L=2 base 8: 28768 parameters, note "example"
	// same tensors: true
	// same output: true
}

func bitsEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}
