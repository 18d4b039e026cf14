package tensor_test

import (
	"fmt"

	"github.com/harmonic-go/harmonic/tensor"
)

func ExampleFromSlice() {
	// A 2×3 tensor over the given data (row-major, not copied).
	x, err := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(x.Shape(), x.Numel(), x.At(1, 2))

	// Errors name the shapes.
	_, err = tensor.FromSlice([]float32{1, 2, 3}, 2, 2)
	fmt.Println(err != nil)
	// Output:
	// [2 3] 6 6
	// true
}

func ExampleTensor_Transpose() {
	x, _ := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	// A transpose is a view: same buffer, swapped strides, no copy.
	xt, _ := x.Transpose(0, 1)
	fmt.Println(xt.Shape(), xt.Strides(), xt.IsContiguous())
	xt.Set(-1, 2, 0) // writes x[0, 2]
	fmt.Println(x.At(0, 2))
	// Contiguous copies the elements into row-major order.
	fmt.Println(xt.Contiguous().Data())
	// Output:
	// [3 2] [1 3] false
	// -1
	// [1 4 2 5 -1 6]
}

func ExampleTensor_Slice() {
	x, _ := tensor.FromSlice([]float32{0, 1, 2, 3, 4, 5, 6, 7}, 4, 2)
	rows, _ := x.Slice(0, 1, 3) // rows 1 and 2, a view
	fmt.Println(rows.Shape(), rows.Contiguous().Data())
	// Output: [2 2] [2 3 4 5]
}

func ExampleAdd() {
	// numpy broadcasting: [2,3] + [3] adds the row to every row, and
	// [2,1] + [3] makes the outer sum.
	a, _ := tensor.FromSlice([]float32{0, 10, 20, 30, 40, 50}, 2, 3)
	row, _ := tensor.FromSlice([]float32{1, 2, 3}, 3)
	s, _ := tensor.Add(a, row)
	fmt.Println(s.Shape(), s.Data())

	col, _ := tensor.FromSlice([]float32{100, 200}, 2, 1)
	outer, _ := tensor.Add(col, row)
	fmt.Println(outer.Shape(), outer.Data())

	// Shapes that do not broadcast are an error that names them.
	pair, _ := tensor.FromSlice([]float32{1, 2}, 2)
	_, err := tensor.Add(a, pair)
	fmt.Println(err)
	// Output:
	// [2 3] [1 12 23 31 42 53]
	// [2 3] [101 102 103 201 202 203]
	// tensor: add: cannot broadcast shapes [2 3] and [2] (axis -1: 3 vs 2)
}

func ExampleMatMul() {
	a, _ := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b, _ := tensor.FromSlice([]float32{0.5, -1, 0.25, 0, 1, 2}, 3, 2)
	c, err := tensor.MatMul(a, b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Shape())
	for i := range 2 {
		fmt.Printf("%.4f %.4f\n", c.At(i, 0), c.At(i, 1))
	}
	// Output:
	// [2 2]
	// 4.0000 5.0000
	// 9.2500 8.0000
}
