package study

import (
	"context"
	"os"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// With HARMONIC_TEST_MNIST=1 and MNIST in the data cache (harmonic data
// fetch mnist; skipped otherwise: it takes about 4 s, most of it reading
// MNIST), a tiny MNIST run exercises the classifier
// path the smoke preset cannot: the classifier trains on the labels, and
// the samples get a confidence, a Fréchet distance and precision/recall
// both ways, so C.3 is judged.
func TestHeatMNISTClassifierPath(t *testing.T) {
	if os.Getenv("HARMONIC_TEST_MNIST") == "" {
		t.Skip("set HARMONIC_TEST_MNIST=1 to run the heat study on a tiny MNIST subset")
	}
	p := HeatSmoke()
	p.Datasets = []HeatData{{Spec: "mnist", Size: 28, NTrain: 64, NTest: 16, K: 2, SigmaMax: 20,
		Base: 4, Mult: []int{1, 2}, Groups: 2, Steps: 2, Batch: 8, LR: 1e-3, ClassifierSteps: 2}}
	p.Samples = 8
	if _, err := openData(dataOnly(p.Datasets[0].trainConfig(p.Seed))); err != nil {
		t.Skipf("no MNIST here: %v", err)
	}
	res, err := RunHeat(context.Background(), p, t.TempDir(), Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Datasets[0].Sample
	for _, name := range []string{"test_confidence", "prior_on_confidence", "prior_off_confidence", "prior_on_frechet", "prior_off_recall"} {
		if _, ok := s[name]; !ok {
			t.Errorf("%s not measured", name)
		}
	}
	if res.Datasets[0].TestAccuracy == nil {
		t.Error("classifier accuracy not measured")
	}
	c := claimNovelRecognisable(heatNumbers(res))
	if c.Verdict == report.NotMeasured {
		t.Errorf("C.3 not measured with a classifier: %s", c.Text)
	}
}
