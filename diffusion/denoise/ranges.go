package denoise

import (
	"context"
	"fmt"

	"github.com/harmonic-go/harmonic/tensor"
)

// Range is the pixel range a denoiser's images live in.
type Range int

const (
	// Unit is [0,1]: study A's data and networks, and every data set as
	// diffusion/data delivers it.
	Unit Range = iota
	// Signed is [−1,1] (x' = 2x − 1): studies B and C, as their authors'
	// code normalizes images.
	Signed
)

func (r Range) String() string {
	switch r {
	case Unit:
		return "[0,1]"
	case Signed:
		return "[-1,1]"
	}
	return fmt.Sprintf("Range(%d)", int(r))
}

func (r Range) valid() bool { return r == Unit || r == Signed }

// Convert maps images x and noise levels sigma (either may be nil) from
// range from to range to: Unit → Signed is x' = 2x − 1, σ' = 2σ, and
// Signed → Unit the inverse. It returns new values; with from == to, copies.
func Convert(x *tensor.Tensor, sigma []float64, from, to Range) (*tensor.Tensor, []float64, error) {
	if !from.valid() || !to.valid() {
		return nil, nil, fmt.Errorf("denoise: conversion from %v to %v: unknown range", from, to)
	}
	// x' = a·x + b, σ' = a·σ.
	a, b := float32(1), float32(0)
	switch {
	case from == Unit && to == Signed:
		a, b = 2, -1
	case from == Signed && to == Unit:
		a, b = 0.5, 0.5
	}
	var out *tensor.Tensor
	if x != nil {
		out = tensor.New(x.Shape()...)
		od := out.Data()
		for i, v := range x.Contiguous().Data() {
			od[i] = a*v + b
		}
	}
	var s []float64
	if sigma != nil {
		s = make([]float64, len(sigma))
		for i, v := range sigma {
			s[i] = float64(a) * v
		}
	}
	return out, s, nil
}

// In adapts den to images in range r: the images and σ are converted to
// den's range, denoised, and the estimate converted back. A den already in
// r is returned as it is. The Jacobian is unchanged by the conversion (the
// two affine maps' slopes cancel), so a Differentiable stays one.
func In(r Range, den Denoiser) (Denoiser, error) {
	if !r.valid() || !den.Range().valid() {
		return nil, fmt.Errorf("denoise: adapting a denoiser in %v to %v: unknown range", den.Range(), r)
	}
	if den.Range() == r {
		return den, nil
	}
	c := converted{inner: den, outer: r}
	if d, ok := den.(Differentiable); ok {
		return convertedDifferentiable{converted: c, d: d}, nil
	}
	return c, nil
}

type converted struct {
	inner Denoiser
	outer Range
}

func (c converted) Range() Range { return c.outer }

func (c converted) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	if err := Check(y, sigma); err != nil {
		return nil, err
	}
	yi, si, err := Convert(y, sigma, c.outer, c.inner.Range())
	if err != nil {
		return nil, err
	}
	f, err := c.inner.Denoise(ctx, yi, si)
	if err != nil {
		return nil, err
	}
	if err := checkSame("denoiser", f, y); err != nil {
		return nil, err
	}
	out, _, err := Convert(f, nil, c.inner.Range(), c.outer)
	return out, err
}

type convertedDifferentiable struct {
	converted
	d Differentiable
}

func (c convertedDifferentiable) Linearize(ctx context.Context, y *tensor.Tensor, sigma float64) (Linearization, error) {
	if err := checkOne(y, sigma); err != nil {
		return nil, err
	}
	yi, si, err := Convert(y, []float64{sigma}, c.outer, c.inner.Range())
	if err != nil {
		return nil, err
	}
	lin, err := c.d.Linearize(ctx, yi, si[0])
	if err != nil {
		return nil, err
	}
	if err := checkSame("linearization", lin.Output(), y); err != nil {
		return nil, err
	}
	out, _, err := Convert(lin.Output(), nil, c.inner.Range(), c.outer)
	if err != nil {
		return nil, err
	}
	return convertedLinearization{Linear: lin, out: out}, nil
}

// convertedLinearization is the inner Jacobian (unchanged) with the output
// in the outer range.
type convertedLinearization struct {
	Linear
	out *tensor.Tensor
}

func (c convertedLinearization) Output() *tensor.Tensor { return c.out }
