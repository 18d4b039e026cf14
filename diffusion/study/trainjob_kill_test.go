package study

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/nn"
)

// TestTrainJobSurvivesKillsBetweenItsWrites recreates the folders a kill -9
// leaves at each point between a training job's last writes (train_state,
// model, train_result, metrics.json) and checks that the rerun finishes the
// job with the uninterrupted run's final_loss. Found by
// the kill test: resuming at the last step reported a NaN loss (the smoothed
// loss was not checkpointed), which metrics.json cannot hold, and a state
// without its model failed the job on every rerun.
func TestTrainJobSurvivesKillsBetweenItsWrites(t *testing.T) {
	p := Smoke()
	gp, err := planGAHB(p)
	if err != nil {
		t.Fatal(err)
	}
	// The one training job, as its own plan: the rest of the study reads
	// only its model and metrics.
	id := gp.train[p.Spec(p.Data, false, "S1", 4).key()]
	one := &plan.Plan{Jobs: []plan.Job{gp.Jobs[gp.Index(id)]}}
	out := t.TempDir()
	if err := plan.Run(context.Background(), one, out, plan.Options{}); err != nil {
		t.Fatal(err)
	}
	dir := plan.RunDir(out, id)
	finalLoss := func() json.RawMessage {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m["final_loss"]
	}
	loss := string(finalLoss())
	for _, tc := range []struct {
		name   string
		remove []string
	}{
		{"after the final checkpoint, before train_result.json", []string{"metrics.json", trainResultFile}},
		{"between train_state and the model of the final checkpoint", []string{"metrics.json", trainResultFile, nn.ModelFile}},
	} {
		for _, f := range tc.remove {
			if err := os.Remove(filepath.Join(dir, f)); err != nil {
				t.Fatal(err)
			}
		}
		if err := plan.Run(context.Background(), one, out, plan.Options{}); err != nil {
			t.Fatalf("killed %s: the rerun fails: %v", tc.name, err)
		}
		if got := string(finalLoss()); got != loss {
			t.Errorf("killed %s: final_loss %s, uninterrupted %s", tc.name, got, loss)
		}
	}
}
