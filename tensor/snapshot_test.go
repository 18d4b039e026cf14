package tensor

import (
	"math/rand/v2"
	"testing"
)

func TestSnapshotSharedUntilChanged(t *testing.T) {
	w := mustTensor(t, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
	s1 := Snapshot(w)
	if s2 := Snapshot(w); s2 != s1 {
		t.Fatal("a second snapshot of unchanged values is a new tensor")
	}
	w.Data()[4] = 50
	s3 := Snapshot(w)
	if s3 == s1 || s3.Data()[4] != 50 || s1.Data()[4] != 5 {
		t.Fatalf("after a change: new snapshot %v (same as old: %v), old snapshot %v", s3.Data(), s3 == s1, s1.Data())
	}
	if s3.BufferID() == w.BufferID() {
		t.Fatal("a snapshot shares the source's buffer")
	}
}

// Convolutions with snapshots take cached packings without checking them;
// a changed source must still give the new values, and an old snapshot its
// own (F(4×4) Winograd, direct, and the transposed convolution).
func TestSnapshotConvolutions(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	c := convCase{1, 16, 8, 8, 16, 3, 3, 1, 1}
	xd := convRand(r, c.b*c.ci*c.h*c.w)
	x := mustTensor(t, xd, c.b, c.ci, c.h, c.w)
	w := mustTensor(t, convRand(r, c.co*c.ci*9), c.co, c.ci, 3, 3)
	up := mustTensor(t, convRand(r, 16*8*4), 16, 8, 2, 2)
	for _, mode := range []int{winogradForce43, winogradNever} {
		var old *Tensor
		var oldY []float32
		for step := range 3 {
			s := Snapshot(w)
			var y *Tensor
			withWinograd(mode, func() { y, _ = Conv2d(x, s, 1, 1) })
			closeTo(t, "conv with snapshot", y.Data(), naiveConv64(c, xd, w.Data(), false), naiveConv64(c, xd, w.Data(), true))
			if old != nil {
				var again *Tensor
				withWinograd(mode, func() { again, _ = Conv2d(x, old, 1, 1) })
				sameBits(t, "old snapshot", 1, again.Data(), oldY)
			}
			old, oldY = s, y.Data()
			w.Data()[step*5] += 1
		}
	}
	for step := range 3 {
		s := Snapshot(up)
		y, err := ConvTranspose2x2(x, s)
		if err != nil {
			t.Fatal(err)
		}
		want, _, _, abs, _, _ := naiveUp64(c.b, c.ci, 8, c.h, c.w, xd, up.Data(), make([]float32, c.b*8*4*c.h*c.w))
		closeTo(t, "transposed conv with snapshot", y.Data(), want, abs)
		up.Data()[step*3] -= 1
	}
}

// A new snapshot of a changed source drops the packings of the old one
// (training makes a new snapshot every step; they would fill the cache).
func TestSnapshotDropsStalePackings(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	x := mustTensor(t, convRand(r, 16*8*8), 1, 16, 8, 8)
	w := mustTensor(t, convRand(r, 16*16*9), 16, 16, 3, 3)
	cached := func(s *Tensor) int {
		packCache.Lock()
		defer packCache.Unlock()
		n := 0
		for _, e := range packCache.entries {
			if e.key.src == &s.data[0] {
				n++
			}
		}
		return n
	}
	old := Snapshot(w)
	withWinograd(winogradForce43, func() { Conv2d(x, old, 1, 1) })
	if cached(old) == 0 {
		t.Fatal("no packing cached for the snapshot")
	}
	w.Data()[0]++
	Snapshot(w)
	if n := cached(old); n != 0 {
		t.Fatalf("%d packings of the superseded snapshot still cached", n)
	}
}
