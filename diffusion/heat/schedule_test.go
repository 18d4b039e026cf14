package heat

import (
	"math"
	"strings"
	"testing"
)

// TestScheduleClosedForm: σ_B,0 = 0, σ_B,k = 0.5·(σ_max/0.5)^((k−1)/(K−1))
// for k = 1..K, t_k = σ_B,k²/2, for the released configs' (K, σ_max).
func TestScheduleClosedForm(t *testing.T) {
	for _, c := range []struct {
		k     int
		max   float64
		ratio float64 // per-step ratio, heat-reference.md §1.3 (5 decimals)
	}{{100, 20, 1.03796}, {50, 20, 1.07819}, {200, 24, 1.01964}, {400, 64, 1.01223}, {200, 128, 1.02826}, {2, 0.75, 1.5}} {
		s, err := NewSchedule(c.k, c.max)
		if err != nil {
			t.Fatal(err)
		}
		if s.K() != c.k || len(s.Sigmas()) != c.k+1 {
			t.Fatalf("K=%d: K() = %d with %d sigmas", c.k, s.K(), len(s.Sigmas()))
		}
		if s.Sigma(0) != 0 || s.Time(0) != 0 {
			t.Errorf("K=%d: level 0 has σ %v, t %v; want 0, 0", c.k, s.Sigma(0), s.Time(0))
		}
		for k := 1; k <= c.k; k++ {
			want := 0.5 * math.Pow(c.max/0.5, float64(k-1)/float64(c.k-1))
			if got := s.Sigma(k); math.Abs(got-want) > 1e-13*want {
				t.Errorf("K=%d σ_max=%v: σ_B,%d = %v, want %v", c.k, c.max, k, got, want)
			}
			if got := s.Time(k); math.Abs(got-want*want/2) > 1e-13*want*want {
				t.Errorf("K=%d: t_%d = %v, want σ²/2 = %v", c.k, k, got, want*want/2)
			}
		}
		if r := s.Sigma(2) / s.Sigma(1); math.Abs(r-c.ratio) > 5e-6 {
			t.Errorf("K=%d σ_max=%v: step ratio %.6f, reference table says %v", c.k, c.max, r, c.ratio)
		}
		if s.Sigma(1) != 0.5 || math.Abs(s.Sigma(c.k)-c.max) > 1e-14*c.max {
			t.Errorf("K=%d: endpoints %v, %v; want 0.5, %v", c.k, s.Sigma(1), s.Sigma(c.k), c.max)
		}
	}
}

// TestScheduleOneLevel: numpy's linspace(a, b, 1) is [a], so K = 1 blurs by
// σ_min alone.
func TestScheduleOneLevel(t *testing.T) {
	s, err := NewSchedule(1, 20)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Sigmas(); len(got) != 2 || got[0] != 0 || got[1] != 0.5 {
		t.Errorf("K=1: sigmas %v, want [0 0.5]", got)
	}
}

func TestScheduleErrors(t *testing.T) {
	for _, c := range []struct {
		k    int
		max  float64
		want string
	}{
		{0, 20, "K = 0"},
		{-3, 20, "K = -3"},
		{10, 0.5, "σ_max = 0.5"},
		{10, 0.1, "σ_max = 0.1"},
		{10, math.NaN(), "σ_max = NaN"},
		{10, math.Inf(1), "σ_max = +Inf"},
	} {
		if _, err := NewSchedule(c.k, c.max); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewSchedule(%d, %v): error %v, want one containing %q", c.k, c.max, err, c.want)
		}
	}
}

func TestScheduleLevelOutOfRangePanics(t *testing.T) {
	s, _ := NewSchedule(3, 2)
	defer func() {
		if recover() == nil {
			t.Error("Sigma(4) of a K=3 schedule did not panic")
		}
	}()
	s.Sigma(4)
}
