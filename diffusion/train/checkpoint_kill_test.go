package train

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/harmonic-go/harmonic/nn"
)

// TestResumeKeepsTheSmoothedLoss: the smoothed loss a run reports (a study's
// final_loss) is the same, to the bit, whether the run was stopped and
// resumed in the middle or at its very end (killed after its last
// checkpoint, before its result was recorded) or never stopped. Before the
// running sums were checkpointed, a resumed run averaged only its own steps,
// and one resumed at the end reported NaN, which metrics.json cannot hold.
func TestResumeKeepsTheSmoothedLoss(t *testing.T) {
	set := smallSet(10, 5)
	ctx := context.Background()
	whole, _ := New(smallConfig(6), set)
	want, err := whole.Run(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(want.Smoothed) {
		t.Fatal("uninterrupted run: smoothed loss NaN")
	}
	dir := t.TempDir()
	first, _ := New(smallConfig(3), set)
	if _, err := first.Run(ctx, dir, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []string{"in the middle", "at the end"} {
		tr, err := Resume(dir, smallConfig(6), set)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tr.Run(ctx, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Float64bits(got.Smoothed) != math.Float64bits(want.Smoothed) {
			t.Errorf("resumed %s: smoothed loss %v, uninterrupted %v", tc, got.Smoothed, want.Smoothed)
		}
	}
}

// TestTornCheckpointIsErrTorn: a training state without its model (killed
// between the two writes of the first Save) or beside a model from another
// step is ErrTornCheckpoint, which a study's training job takes as "start
// over" rather than failing on every rerun.
func TestTornCheckpointIsErrTorn(t *testing.T) {
	set := smallSet(10, 6)
	dir := t.TempDir()
	tr, _ := New(smallConfig(2), set)
	if _, err := tr.Run(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, nn.ModelFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(dir, smallConfig(4), set); !errors.Is(err, ErrTornCheckpoint) {
		t.Errorf("state without a model: %v; want ErrTornCheckpoint", err)
	}
	if err := nn.SaveModel(filepath.Join(dir, nn.ModelFile), tr.Net, map[string]string{"step": "1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(dir, smallConfig(4), set); !errors.Is(err, ErrTornCheckpoint) {
		t.Errorf("model from step 1 beside a state at step 2: %v; want ErrTornCheckpoint", err)
	}
	if _, err := Resume(t.TempDir(), smallConfig(4), set); errors.Is(err, ErrTornCheckpoint) {
		t.Errorf("an empty directory is not a torn checkpoint: %v", err)
	}
}
