package analytic

import (
	"context"
	"math"
	"math/rand"
	"testing"
)

func TestSCFDMMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(21))
	x := testImages(rng, 12, 1, 4, 4)
	rows, d := rows64(x)
	const a, std, j = 0.6, 0.3, 4
	s, err := NewSCFDM(x, j, std, 7)
	if err != nil {
		t.Fatal(err)
	}
	xt := noisy(rng, testImages(rng, 2, 1, 4, 4), a)
	got, err := s.PredictVP(context.Background(), xt, a)
	if err != nil {
		t.Fatal(err)
	}
	m := xt.Numel()
	want := make([]float64, m)
	eps := make([]float32, m)
	for k := range j {
		scfdmNoise(7, k, eps)
		for b := range 2 {
			q := make([]float64, d)
			for i := range q {
				q[i] = float64(xt.Data()[b*d+i]) + std*float64(eps[b*d+i])
			}
			for i, v := range bruteOptimal(rows, q, a) {
				want[b*d+i] += v / j
			}
		}
	}
	for i, v := range want {
		if math.Abs(float64(got.Data()[i])-v) > 1e-4 {
			t.Fatalf("value %d: %v, brute force %v", i, got.Data()[i], v)
		}
	}
	// The draws differ: the average is not one optimal prediction.
	one, _ := NewSCFDM(x, 1, std, 7)
	g1, _ := one.PredictVP(context.Background(), xt, a)
	diff := 0.0
	for i := range want {
		diff = math.Max(diff, math.Abs(float64(g1.Data()[i]-got.Data()[i])))
	}
	if diff < 1e-3 {
		t.Fatalf("4 draws equal 1 draw to %v", diff)
	}
}

// Limits: no smoothing is the optimal denoiser; at ᾱ → 0 every perturbed
// copy gives the dataset mean.
func TestSCFDMLimits(t *testing.T) {
	rng := rand.New(rand.NewSource(22))
	x := testImages(rng, 9, 2, 3, 3)
	rows, d := rows64(x)
	xt := noisy(rng, testImages(rng, 1, 2, 3, 3), 0.5)
	s0, err := NewSCFDM(x, 3, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s0.PredictVP(context.Background(), xt, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	q := make([]float64, d)
	for i := range q {
		q[i] = float64(xt.Data()[i])
	}
	for i, v := range bruteOptimal(rows, q, 0.5) {
		if math.Abs(float64(got.Data()[i])-v) > 1e-5 {
			t.Fatalf("std 0, value %d: %v, optimal %v", i, got.Data()[i], v)
		}
	}
	s, _ := NewSCFDM(x, SCFDMNumNoise, SCFDMStdMNIST, 1)
	got, err = s.PredictVP(context.Background(), xt, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	for i := range d {
		var mean float64
		for _, r := range rows {
			mean += r[i] / float64(len(rows))
		}
		if math.Abs(float64(got.Data()[i])-mean) > 1e-4 {
			t.Fatalf("ᾱ→0 value %d: %v, dataset mean %v", i, got.Data()[i], mean)
		}
	}
}

func TestSCFDMBadInput(t *testing.T) {
	rng := rand.New(rand.NewSource(23))
	x := testImages(rng, 3, 1, 4, 4)
	if _, err := NewSCFDM(x, 0, 0.1, 0); err == nil {
		t.Fatal("0 draws accepted")
	}
	if _, err := NewSCFDM(x, 2, -1, 0); err == nil {
		t.Fatal("negative std accepted")
	}
	if _, err := NewSCFDM(x, 2, math.NaN(), 0); err == nil {
		t.Fatal("NaN std accepted")
	}
	s, _ := NewSCFDM(x, 2, 0.1, 0)
	if _, err := s.PredictVP(context.Background(), testImages(rng, 1, 1, 4, 4), 1.5); err == nil {
		t.Fatal("ᾱ 1.5 accepted")
	}
}
