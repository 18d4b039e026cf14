package data

import (
	"strings"
	"testing"
)

func seqSet(n, h, w int) *Set {
	s, _ := newSet("seq", n, h, w)
	for i := range s.Pixels {
		s.Pixels[i] = float32(i)
	}
	return s
}

func TestSplitsAreFirstAndLastAndDisjoint(t *testing.T) {
	s := seqSet(10, 2, 2)
	s1, s2, err := s.Splits(5)
	if err != nil {
		t.Fatal(err)
	}
	if s1.N != 5 || s2.N != 5 || s1.Pixels[0] != 0 || s2.Pixels[0] != 20 || s2.Pixels[19] != 39 {
		t.Fatalf("S1 starts %v, S2 = images %v..%v", s1.Pixels[0], s2.Pixels[0], s2.Pixels[19])
	}
	if _, _, err := s.Splits(6); err == nil || !strings.Contains(err.Error(), "need 12 images, the set has 10") {
		t.Fatalf("overlapping splits: %v", err)
	}
	if _, _, err := s.Splits(0); err == nil {
		t.Fatal("split of 0 accepted")
	}
	if _, err := s.Slice(3, 11); err == nil {
		t.Fatal("slice out of range accepted")
	}
	tt := s.Tensor()
	if sh := tt.Shape(); sh[0] != 10 || sh[1] != 1 || sh[2] != 2 || sh[3] != 2 {
		t.Fatalf("tensor shape %v", sh)
	}
}

func TestStatsAgainstClosedForm(t *testing.T) {
	s, _ := newSet("t", 2, 1, 2)
	copy(s.Pixels, []float32{0, 1, 1, 0})
	st := s.Stats()
	if st.Mean != 0.5 || st.Std != 0.5 || st.Min != 0 || st.Max != 1 {
		t.Fatalf("stats %+v", st)
	}
	m := s.MeanImage()
	if m[0] != 0.5 || m[1] != 0.5 {
		t.Fatalf("mean image %v", m)
	}
}

func TestSamplerEpochsAndResume(t *testing.T) {
	s := seqSet(7, 1, 1)
	sp, err := NewSampler(s, 3, 42)
	if err != nil {
		t.Fatal(err)
	}
	var seq []int
	for i := 0; i < 7; i++ { // 21 indices = 3 epochs of 7
		seq = append(seq, sp.Indices()...)
	}
	for e := 0; e < 3; e++ {
		seen := map[int]bool{}
		for _, v := range seq[7*e : 7*e+7] {
			seen[v] = true
		}
		if len(seen) != 7 {
			t.Fatalf("epoch %d is not a permutation: %v", e, seq[7*e:7*e+7])
		}
	}
	// Resume at step 4 reproduces the batches of an uninterrupted run.
	r, _ := NewSampler(s, 3, 42)
	r.Step = 4
	batch := r.Next(nil)
	for k, v := range batch {
		if int(v) != seq[12+k] {
			t.Fatalf("resumed batch %v, want %v", batch, seq[12:15])
		}
	}
	if _, err := NewSampler(s, 0, 1); err == nil {
		t.Fatal("batch 0 accepted")
	}
	// A different seed gives a different order.
	o, _ := NewSampler(s, 7, 43)
	same := true
	for k, v := range o.Indices() {
		same = same && v == seq[k]
	}
	if same {
		t.Fatal("seed does not change the order")
	}
}

func TestParseSpec(t *testing.T) {
	good := map[string]Spec{
		"cmix:2":        {Kind: "cmix", Alpha: 2},
		"cmix:0.5":      {Kind: "cmix", Alpha: 0.5},
		"cmix:2:aa":     {Kind: "cmix", Alpha: 2, AA: true},
		"disks":         {Kind: "disks"},
		"mnist":         {Kind: "mnist"},
		"fashion-mnist": {Kind: "fashion-mnist"},
		"photos":        {Kind: "photos"},
		"folder:/a/b:c": {Kind: "folder", Path: "/a/b:c"},
		"npy:x.npy":     {Kind: "npy", Path: "x.npy"},
	}
	for in, want := range good {
		got, err := ParseSpec(in)
		if err != nil || got != want {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if got.String() != in {
			t.Errorf("String() = %q, want %q", got.String(), in)
		}
	}
	for _, in := range []string{"", "cmix", "cmix:", "cmix:-1", "cmix:x", "cmix:Inf", "cmix:2:", "cmix:2:AA", "cmix:2:aa:aa", "cmix::aa", "disks:3", "folder:", "npy:", "celeba"} {
		if _, err := ParseSpec(in); err == nil {
			t.Errorf("ParseSpec(%q) accepted", in)
		}
	}
}

func TestOpenSyntheticDisjointAndTransforms(t *testing.T) {
	ds, err := Open("cmix:1", 16, Options{NTrain: 20, NTest: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Train.N != 20 || ds.Test.N != 5 || ds.Train.H != 16 {
		t.Fatalf("sizes %d %d %d", ds.Train.N, ds.Test.N, ds.Train.H)
	}
	for i := 0; i < ds.Test.N; i++ {
		for j := 0; j < ds.Train.N; j++ {
			if equal(ds.Test.Image(i), ds.Train.Image(j)) {
				t.Fatalf("test image %d equals train image %d", i, j)
			}
		}
	}
	sh, err := Open("cmix:1", 16, Options{NTrain: 20, NTest: 5, Seed: 3, Shuffle: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		for j, src := range sh.Perm {
			if sh.Train.Image(i)[j] != ds.Train.Image(i)[src] {
				t.Fatal("shuffled set is not the permuted plain set")
			}
		}
	}
	w, err := Open("disks", 28, Options{NTrain: 4, NTest: 2, Seed: 1, WGamma: 0.3})
	if err != nil || len(w.WMask) != 28*28 {
		t.Fatalf("W manipulation: %v", err)
	}
	if _, err := Open("disks", -1, Options{}); err == nil {
		t.Fatal("negative size accepted")
	}
	if _, err := Open("mnist", 0, Options{CacheDir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "harmonic data fetch mnist") {
		t.Fatalf("unfetched mnist: %v", err)
	}
}

func equal(a, b []float32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
