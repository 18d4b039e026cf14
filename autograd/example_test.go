package autograd_test

import (
	"fmt"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// The gradient of loss(w, x) = Σ (w·x − y)², elementwise, by reverse mode:
// ∂loss/∂w = 2(w·x − y)·x and ∂loss/∂x = 2(w·x − y)·w.
func ExampleTape_Backward() {
	wv, _ := tensor.FromSlice([]float32{0.5, 1.5, -1}, 3)
	xv, _ := tensor.FromSlice([]float32{1, 2, 3}, 3)
	yv := tensor.Full(2, 3)

	tp := autograd.NewTape()
	w, x := tp.Leaf(wv, true), tp.Leaf(xv, true)
	y := tp.Leaf(yv, false) // a constant: no gradient
	loss := autograd.SquaredError(autograd.Mul(w, x), y)
	if err := tp.Backward(loss); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("loss %.4f\n", loss.Value.Data()[0])
	fmt.Printf("dloss/dw %.4f\n", w.Grad.Data())
	fmt.Printf("dloss/dx %.4f\n", x.Grad.Data())
	// Output:
	// loss 28.2500
	// dloss/dw [-3.0000 4.0000 -30.0000]
	// dloss/dx [-1.5000 3.0000 10.0000]
}

// A block of two Jacobian-vector products of f(x) = relu(x)², elementwise,
// in one forward pass: J = diag(2·relu(x)). A tangent block for x of shape
// [1, 3] has shape [2, 3], one tangent per row.
func ExampleJVP() {
	f := func(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
		r := autograd.ReLU(x)
		return autograd.Mul(r, r)
	}
	x, _ := tensor.FromSlice([]float32{1.5, -2, 3}, 1, 3)
	v, _ := tensor.FromSlice([]float32{
		1, 1, 0,
		0, 1, 0.5,
	}, autograd.BlockShape(x, 2)...)
	fx, jv, err := autograd.JVP(f, x, v)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("f(x) %.4f\n", fx.Data())
	for j := range 2 {
		fmt.Printf("J·v%d %.4f\n", j, autograd.Block(jv, fx, j).Data())
	}
	// Output:
	// f(x) [2.2500 0.0000 9.0000]
	// J·v0 [3.0000 0.0000 0.0000]
	// J·v1 [0.0000 0.0000 3.0000]
}

// The vector-Jacobian product uᵀJ of the same f, for one cotangent u.
func ExampleVJP() {
	f := func(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
		r := autograd.ReLU(x)
		return autograd.Mul(r, r)
	}
	x, _ := tensor.FromSlice([]float32{1.5, -2, 3}, 1, 3)
	u, _ := tensor.FromSlice([]float32{1, 1, -1}, 1, 3)
	_, jtu, err := autograd.VJP(f, x, u)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Jᵀu %.4f\n", jtu.Data())
	// Output: Jᵀu [3.0000 0.0000 -6.0000]
}
