package data_test

import (
	"fmt"
	"slices"

	"github.com/harmonic-go/harmonic/diffusion/data"
)

// Open generates (or loads) a dataset by name; the same seed names the same
// images. Splits gives the two disjoint training sets of the two-network
// experiment, Tensor a [N,1,H,W] view of a set.
func ExampleOpen() {
	ds, err := data.Open("disks", 16, data.Options{NTrain: 8, NTest: 2, Seed: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.Train.N, ds.Train.H, ds.Train.W, ds.Test.N)
	lo, hi := slices.Min(ds.Train.Pixels), slices.Max(ds.Train.Pixels)
	fmt.Println("in [0,1]:", lo >= 0 && hi <= 1)

	s1, s2, err := ds.Train.Splits(4)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s1.Tensor().Shape(), s2.Tensor().Shape())

	again, _ := data.Open("disks", 16, data.Options{NTrain: 8, NTest: 2, Seed: 3})
	fmt.Println("same images:", slices.Equal(again.Train.Pixels, ds.Train.Pixels))

	_, err = data.Open("circles", 16, data.Options{})
	fmt.Println(err != nil)
	// Output:
	// 8 16 16 2
	// in [0,1]: true
	// [4 1 16 16] [4 1 16 16]
	// same images: true
	// true
}
