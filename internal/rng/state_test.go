package rng

import "testing"

func TestStateRestore(t *testing.T) {
	r := New(2024)
	r.Uint64()
	r.Normal() // leaves a spare pending
	state, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	buf := make([]float32, 7)
	for i := 0; i < 50; i++ {
		want = append(want, r.Normal(), r.Float64(), float64(r.Intn(1000)))
		r.FillNormal(buf, 1, 2)
		for _, v := range buf {
			want = append(want, float64(v))
		}
	}
	q := New(0)
	if err := q.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		got := []float64{q.Normal(), q.Float64(), float64(q.Intn(1000))}
		q.FillNormal(buf, 1, 2)
		for _, v := range buf {
			got = append(got, float64(v))
		}
		for j, g := range got {
			if w := want[i*len(got)+j]; g != w {
				t.Fatalf("draw %d.%d after restore: %v want %v", i, j, g, w)
			}
		}
	}
	// A rejected state leaves the generator as it was.
	before, _ := q.MarshalBinary()
	if err := q.UnmarshalBinary(state[:10]); err == nil {
		t.Fatal("short state accepted")
	}
	bad := append([]byte(nil), state...)
	bad[0] = 'X'
	if err := q.UnmarshalBinary(bad); err == nil {
		t.Fatal("wrong tag accepted")
	}
	zero := append([]byte(nil), state...)
	for i := len(stateTag); i < len(stateTag)+32; i++ {
		zero[i] = 0
	}
	if err := q.UnmarshalBinary(zero); err == nil {
		t.Fatal("all-zero state accepted")
	}
	flag := append([]byte(nil), state...)
	flag[len(stateTag)+32] = 2
	if err := q.UnmarshalBinary(flag); err == nil {
		t.Fatal("spare flag 2 accepted")
	}
	if after, _ := q.MarshalBinary(); string(after) != string(before) {
		t.Fatal("a rejected state changed the generator")
	}
}

func TestStateText(t *testing.T) {
	r := New(77)
	r.Normal()
	text, err := r.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	var q Xoshiro256
	if err := q.UnmarshalText(text); err != nil {
		t.Fatal(err)
	}
	if q.Normal() != r.Normal() || q.Uint64() != r.Uint64() {
		t.Fatal("text state did not resume the stream")
	}
	if err := q.UnmarshalText([]byte("zz")); err == nil {
		t.Fatal("non-hex state accepted")
	}
}
