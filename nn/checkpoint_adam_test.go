package nn

import (
	"path/filepath"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Resuming Adam from a saved state continues bit-identically.
func TestAdamRoundTrip(t *testing.T) {
	dir := t.TempDir()
	mk := func() (*BFCNN, *Adam) {
		n, _ := NewBFCNN(3, 2, tensor.NewRNG(4))
		return n, NewAdam(n.Params())
	}
	noisy, noise := uniformInput(2, 1, 6, 6), uniformInput(2, 1, 6, 6)
	step := func(n Net, a *Adam) {
		tp := autograd.NewTape()
		loss, err := NoiseLoss(tp, n, noisy, noise)
		if err == nil {
			err = Backward(tp, loss, n)
		}
		if err == nil {
			err = a.Update(1e-2)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	n1, a1 := mk()
	step(n1, a1)
	step(n1, a1)
	if err := SaveModel(filepath.Join(dir, "m.st"), n1, nil); err != nil {
		t.Fatal(err)
	}
	if err := SaveAdam(filepath.Join(dir, "a.st"), a1, nil); err != nil {
		t.Fatal(err)
	}
	step(n1, a1)
	loaded, _, err := LoadModel(filepath.Join(dir, "m.st"))
	if err != nil {
		t.Fatal(err)
	}
	a2 := NewAdam(loaded.Params())
	if _, err := LoadAdam(filepath.Join(dir, "a.st"), a2); err != nil {
		t.Fatal(err)
	}
	if a2.Step != 2 {
		t.Fatalf("restored step %d, want 2", a2.Step)
	}
	step(loaded, a2)
	for i, p := range loaded.State() {
		a, b := p.Value.Data(), n1.State()[i].Value.Data()
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("%s[%d]: resumed %v, uninterrupted %v", p.Name, j, a[j], b[j])
			}
		}
	}
}
