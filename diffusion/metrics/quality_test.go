package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

func randRows(rng *rand.Rand, n, d int, scale float64) []float32 {
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(scale * rng.NormFloat64())
	}
	return x
}

// distSqLoop is ‖a_i − b_j‖² by a plain float64 loop over the differences.
func distSqLoop(a, b []float32, d, i, j int) float64 {
	var s float64
	for q := range d {
		v := float64(a[i*d+q]) - float64(b[j*d+q])
		s += v * v
	}
	return s
}

// The GEMM form of the distances, over several row and column blocks,
// against the loop over differences.
func TestPairwiseSqMatchesLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(80, 81))
	const d = 5
	na, nb := distRows+37, distCols+95
	a, b := randRows(rng, na, d, 1), randRows(rng, nb, d, 1)
	seen := make([]int, na*nb)
	worst := 0.0
	pairwiseSq(a, b, d, func(i0, j0, rows, cols int, blk []float64) {
		for r := range rows {
			for c := range cols {
				i, j := i0+r, j0+c
				seen[i*nb+j]++
				worst = max(worst, math.Abs(blk[r*cols+c]-distSqLoop(a, b, d, i, j)))
			}
		}
	})
	if worst > 1e-12 {
		t.Errorf("largest difference from the loop: %.3g", worst)
	}
	for p, s := range seen {
		if s != 1 {
			t.Fatalf("pair %d visited %d times", p, s)
		}
	}
	// nearest and kthNeighbourSq against a brute-force search.
	near, idx := nearest(a[:40*d], b, d, nil)
	for i := range 40 {
		bj, bv := -1, math.Inf(1)
		for j := range nb {
			if v := distSqLoop(a, b, d, i, j); v < bv {
				bj, bv = j, v
			}
		}
		if idx[i] != bj || math.Abs(near[i]-math.Sqrt(bv)) > 1e-9 {
			t.Errorf("row %d: nearest %d at %v, brute force %d at %v", i, idx[i], near[i], bj, math.Sqrt(bv))
		}
	}
	x := a[:300*d]
	kth := kthNeighbourSq(x, d, 3)
	for _, i := range []int{0, 151, 299} {
		var ds []float64
		for j := range 300 {
			if j != i {
				ds = append(ds, distSqLoop(x, x, d, i, j))
			}
		}
		slices.Sort(ds)
		if math.Abs(kth[i]-ds[2]) > 1e-12 {
			t.Errorf("row %d: 3rd neighbour at %v, brute force %v", i, kth[i], ds[2])
		}
	}
}

// covLoop is the unbiased covariance by a plain loop, for the closed forms.
func covLoop(x []float32, d int) (mean, cov []float64) {
	n := len(x) / d
	mean = make([]float64, d)
	for i := range n {
		for q := range d {
			mean[q] += float64(x[i*d+q]) / float64(n)
		}
	}
	cov = make([]float64, d*d)
	for i := range n {
		for p := range d {
			for q := range d {
				cov[p*d+q] += (float64(x[i*d+p]) - mean[p]) * (float64(x[i*d+q]) - mean[q]) / float64(n-1)
			}
		}
	}
	return mean, cov
}

func TestFrechetDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(82, 83))
	const d = 16
	a := randRows(rng, 300, d, 1)
	// A correlated second set: b = a·M + shift.
	b := make([]float32, len(a))
	for i := range 300 {
		for q := range d {
			v := 0.3 + 0.5*float64(a[i*d+q])
			if q > 0 {
				v += 0.4 * float64(a[i*d+q-1])
			}
			b[i*d+q] = float32(v)
		}
	}
	same, err := FrechetDistance(a, a, d)
	if err != nil || math.Abs(same) > 1e-9 {
		t.Errorf("identical sets: %v, %v", same, err)
	}
	ab, err1 := FrechetDistance(a, b, d)
	ba, err2 := FrechetDistance(b, a, d)
	if err1 != nil || err2 != nil || !(ab > 1) || math.Abs(ab-ba) > 1e-9*ab {
		t.Errorf("FD(a,b) = %v, FD(b,a) = %v (%v, %v)", ab, ba, err1, err2)
	}
	// A shifted copy: the covariances are equal, the distance is ‖δ‖².
	shift := make([]float32, len(a))
	var want float64
	for q := range d {
		want += float64(q) * float64(q) / 16
	}
	for i := range shift {
		// a on a 1/1024 grid, so adding the shift rounds nothing.
		a[i] = float32(math.Round(float64(a[i])*1024) / 1024)
		shift[i] = a[i] + float32(i%d)/4
	}
	if got, err := FrechetDistance(a, shift, d); err != nil || math.Abs(got-want) > 1e-9*want {
		t.Errorf("shifted means: %v, want ‖δ‖² = %v (%v)", got, want, err)
	}
}

// Sets whose sample covariance is exactly diagonal (points μ ± c·e_q, one
// pair per axis): FD = ‖μ1 − μ2‖² + Σ (σ1,q − σ2,q)².
func TestFrechetDiagonalClosedForm(t *testing.T) {
	const d = 4
	axes := func(mu, c []float64) []float32 {
		var x []float32
		for q := range d {
			for _, sign := range []float64{1, -1} {
				for p := range d {
					v := mu[p]
					if p == q {
						v += sign * c[q]
					}
					x = append(x, float32(v))
				}
			}
		}
		return x
	}
	mu1, c1 := []float64{0, 1, -2, 0.5}, []float64{1, 2, 0.5, 3}
	mu2, c2 := []float64{1, 1, 0, -0.5}, []float64{0.25, 2, 4, 1}
	var want float64
	const n = 2 * d
	for q := range d {
		s1 := math.Sqrt(2 * c1[q] * c1[q] / (n - 1))
		s2 := math.Sqrt(2 * c2[q] * c2[q] / (n - 1))
		want += (mu1[q]-mu2[q])*(mu1[q]-mu2[q]) + (s1-s2)*(s1-s2)
	}
	got, err := FrechetDistance(axes(mu1, c1), axes(mu2, c2), d)
	if err != nil || math.Abs(got-want) > 1e-9*want {
		t.Errorf("diagonal covariances: %v, closed form %v (%v)", got, want, err)
	}
}

// In two dimensions tr √(Σ1^{1/2} Σ2 Σ1^{1/2}) = √(tr(Σ1Σ2) + 2√(det Σ1 det Σ2))
// for any covariances (the trace of a 2×2 PSD square root), which checks
// the non-commuting case independently of the eigensolver.
func TestFrechetTwoDimensionsClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(84, 85))
	a, b := randRows(rng, 50, 2, 1), randRows(rng, 70, 2, 1)
	for i := range 70 {
		b[2*i+1] = 0.8*b[2*i] + 0.3*b[2*i+1] + 2
	}
	m1, s1 := covLoop(a, 2)
	m2, s2 := covLoop(b, 2)
	trProd := s1[0]*s2[0] + s1[1]*s2[2] + s1[2]*s2[1] + s1[3]*s2[3]
	det := (s1[0]*s1[3] - s1[1]*s1[2]) * (s2[0]*s2[3] - s2[1]*s2[2])
	want := (m1[0]-m2[0])*(m1[0]-m2[0]) + (m1[1]-m2[1])*(m1[1]-m2[1]) +
		s1[0] + s1[3] + s2[0] + s2[3] - 2*math.Sqrt(trProd+2*math.Sqrt(det))
	got, err := FrechetDistance(a, b, 2)
	if err != nil || math.Abs(got-want) > 1e-9*want {
		t.Errorf("2-D: %v, closed form %v (%v)", got, want, err)
	}
}

func TestFrechetErrors(t *testing.T) {
	for _, c := range []struct {
		a, b []float32
		d    int
		want string
	}{
		{[]float32{1, 2, 3}, []float32{1, 2, 3, 4}, 2, "3 values are not rows of dimension 2"},
		{[]float32{1, 2}, []float32{1, 2, 3, 4}, 2, "1 feature vectors"},
		{[]float32{1, 2, float32(math.NaN()), 4}, []float32{1, 2, 3, 4}, 2, "value NaN of row 1"},
		{[]float32{1, 2}, []float32{1, 2}, 0, "dimension 0"},
	} {
		if _, err := FrechetDistance(c.a, c.b, c.d); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v vs %v (d %d): %v, want %q", c.a, c.b, c.d, err, c.want)
		}
	}
	s1, _ := NewFeatureStats([]float32{1, 2, 3, 4}, 2)
	s2, _ := NewFeatureStats([]float32{1, 2, 3, 4, 5, 6}, 3)
	if _, err := FrechetStats(s1, s2); err == nil {
		t.Error("statistics of dimensions 2 and 3 compared")
	}
}

// onLine places the 1-D positions along a fixed direction in 3-D, so the
// distances are those of the positions.
func onLine(pos []float64) []float32 {
	dir := []float64{2.0 / 3, -1.0 / 3, 2.0 / 3} // unit length
	var x []float32
	for _, p := range pos {
		for _, c := range dir {
			x = append(x, float32(p*c))
		}
	}
	return x
}

// Real points at 0..19; generated points at 0.5..9.5 and a tight far
// cluster at 1000 + 0.1i. With k = 3 the real balls have radius 2 (3 at
// the ends), so exactly the 10 near generated points are inside: precision
// 1/2. The near generated balls have radius 2, 3 at 0.5 and 9.5, so they
// cover the real points 0..12 (9.5 + 3 = 12.5); the far cluster's radius
// 0.3 covers none: recall 13/20.
func TestImprovedPrecisionRecallKnownSets(t *testing.T) {
	var real, fake []float64
	for i := range 20 {
		real = append(real, float64(i))
	}
	for i := range 10 {
		fake = append(fake, float64(i)+0.5)
	}
	for i := range 10 {
		fake = append(fake, 1000+0.1*float64(i))
	}
	pr, err := ImprovedPrecisionRecall(onLine(real), onLine(fake), 3, 0)
	if err != nil || pr.K != 3 || math.Abs(pr.Precision-0.5) > 1e-12 || math.Abs(pr.Recall-0.65) > 1e-12 {
		t.Errorf("got %+v, %v; want precision 0.5, recall 0.65, k 3", pr, err)
	}
	// Identical sets cover each other.
	if pr, err := ImprovedPrecisionRecall(onLine(real), onLine(real), 3, 0); err != nil || pr.Precision != 1 || pr.Recall != 1 {
		t.Errorf("identical sets: %+v, %v", pr, err)
	}
}

// Random sets against the definition evaluated by brute force.
func TestImprovedPrecisionRecallMatchesLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(86, 87))
	const d, k = 4, 5
	real, fake := randRows(rng, 120, d, 1), randRows(rng, 90, d, 0.6)
	for i := range fake {
		fake[i] += 1.5
	}
	radius := func(x []float32, i int) float64 {
		var ds []float64
		for j := range len(x) / d {
			if j != i {
				ds = append(ds, distSqLoop(x, x, d, i, j))
			}
		}
		slices.Sort(ds)
		return ds[k-1]
	}
	covered := func(x, centres []float32) float64 {
		in := 0
		for i := range len(x) / d {
			for j := range len(centres) / d {
				if distSqLoop(x, centres, d, i, j) <= radius(centres, j) {
					in++
					break
				}
			}
		}
		return float64(in) / float64(len(x)/d)
	}
	wantP, wantR := covered(fake, real), covered(real, fake)
	pr, err := ImprovedPrecisionRecall(real, fake, d, k)
	if err != nil || pr.Precision != wantP || pr.Recall != wantR {
		t.Errorf("got %+v, %v; brute force precision %v, recall %v", pr, err, wantP, wantR)
	}
	if wantP == 0 || wantP == 1 || wantR == 0 || wantR == 1 {
		t.Errorf("the sets do not separate: precision %v, recall %v", wantP, wantR)
	}
	if _, err := ImprovedPrecisionRecall(real[:3*d], fake, d, 3); err == nil || !strings.Contains(err.Error(), "more than 3 points") {
		t.Errorf("3 real points with k = 3: %v", err)
	}
	if _, err := ImprovedPrecisionRecall(real, fake, d, -1); err == nil {
		t.Error("k = -1 accepted")
	}
}

func TestSampleNovelty(t *testing.T) {
	// Training images at 0, 1, 3, 6, 10: nearest-neighbour distances 1, 1,
	// 2, 3, 4, median 2.
	train := onLine([]float64{0, 1, 3, 6, 10})
	samples := onLine([]float64{3, 6.5, 20, -1})
	nov, err := SampleNovelty(samples, train, 3, NoveltyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantNear, wantIdx := []float64{0, 0.5, 10, 1}, []int{2, 3, 4, 0}
	if math.Abs(nov.Spacing-2) > 1e-6 || nov.SpacingN != 5 || !slices.Equal(nov.NearestIndex, wantIdx) {
		t.Errorf("spacing %v over %d, nearest %v; want 2 over 5, %v", nov.Spacing, nov.SpacingN, nov.NearestIndex, wantIdx)
	}
	for i, w := range wantNear {
		if math.Abs(nov.Nearest[i]-w) > 1e-5 || math.Abs(nov.Ratio[i]-w/2) > 1e-5 {
			t.Errorf("sample %d: distance %v, ratio %v; want %v, %v", i, nov.Nearest[i], nov.Ratio[i], w, w/2)
		}
	}
	if f := nov.FractionAbove(1); f != 0.25 {
		t.Errorf("fraction above 1: %v, want 0.25", f)
	}
	if m := nov.MedianRatio(); math.Abs(m-0.375) > 1e-5 {
		t.Errorf("median ratio %v, want 0.375", m)
	}
	// A subset of an evenly spaced set has the same spacing; the subset's
	// own indices are excluded, not its duplicates elsewhere.
	var even []float64
	for i := range 50 {
		even = append(even, float64(i))
	}
	nov, err = SampleNovelty(onLine([]float64{7.25}), onLine(even), 3, NoveltyOptions{Subset: 7, Seed: 3})
	if err != nil || nov.SpacingN != 7 || math.Abs(nov.Spacing-1) > 1e-6 || math.Abs(nov.Ratio[0]-0.25) > 1e-5 {
		t.Errorf("subset of 7: %+v, %v", nov, err)
	}
	for _, c := range []struct {
		samples, train []float32
		opt            NoveltyOptions
		want           string
	}{
		{onLine([]float64{1}), onLine([]float64{0}), NoveltyOptions{}, "has 1 images"},
		{onLine([]float64{1}), onLine([]float64{0, 0, 0, 5}), NoveltyOptions{}, "exact duplicate"},
		{[]float32{float32(math.Inf(1)), 0, 0}, train, NoveltyOptions{}, "value +Inf of row 0"},
		{nil, train, NoveltyOptions{}, "no samples"},
		{samples, train, NoveltyOptions{Subset: -2}, "negative"},
	} {
		if _, err := SampleNovelty(c.samples, c.train, 3, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v against %v: %v, want %q", c.samples, c.train, err, c.want)
		}
	}
}

// A classifier whose head ignores the image and gives logit log 3 to class
// 0 and 0 to the nine others: every image gets max probability 3/12.
func TestClassifierConfidence(t *testing.T) {
	m, err := nn.New(nn.Config{Arch: "classifier", Base: 2}, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	c := m.(nn.Classifier)
	for _, p := range c.Params() {
		switch p.Name {
		case "head.weight":
			clear(p.Value.Data())
		case "head.bias":
			clear(p.Value.Data())
			p.Value.Data()[0] = float32(math.Log(3))
		}
	}
	x := tensor.New(300, 1, 8, 8) // more than one evaluation chunk
	tensor.NewRNG(2).FillUniform(x.Data(), 0, 1)
	conf, err := ClassifierConfidence(c, x)
	if err != nil || math.Abs(conf.Mean-0.25) > 1e-6 || conf.Predicted[0] != 300 {
		t.Errorf("confidence %+v, %v; want mean 0.25, all 300 in class 0", conf, err)
	}
	labels := make([]int, 300)
	for i := range 75 {
		labels[4*i] = 3
	}
	if acc, err := ClassifierAccuracy(c, x, labels); err != nil || acc != 0.75 {
		t.Errorf("accuracy %v, %v; want 0.75", acc, err)
	}
	feats, err := ClassifierFeatures(c, x)
	if err != nil || len(feats) != 300*c.FeatureDim() {
		t.Fatalf("features: %d values, %v", len(feats), err)
	}
	direct, _ := nn.ClassifierFeatures(c, x)
	if !slices.Equal(feats, direct.Data()) {
		t.Error("chunked features differ from one pass")
	}
	x.Data()[5*64+3] = float32(math.NaN())
	if _, err := ClassifierConfidence(c, x); err == nil || !strings.Contains(err.Error(), "of image 5") {
		t.Errorf("a NaN pixel: %v", err)
	}
	labels[2] = 10
	if _, err := ClassifierAccuracy(c, x, labels); err == nil || !strings.Contains(err.Error(), "label 10 of image 2") {
		t.Errorf("label 10: %v", err)
	}
}
