package engine

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestSHDEndToEnd trains the recurrent SHD network (70 → 186 recurrent →
// 20, sum-over-time readout) in the loop on the files with SHD's HDF5 layout
// in ../shared/data/shd-synthetic, linked under the names the loader
// expects.
func TestSHDEndToEnd(t *testing.T) {
	t.Parallel()
	src := sharedDataDir(t, "shd")
	if src == "" {
		t.Skip("../shared/data/shd-synthetic not present")
	}
	dir := t.TempDir()
	for name, file := range map[string]string{"shd_train.h5": "synthetic_shd_layout_contiguous.h5", "shd_test.h5": "synthetic_shd_layout_chunked_deflate.h5"} {
		if err := os.Symlink(filepath.Join(src, file), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := DefaultConfig("shd")
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = dir
	cfg.Hyper.Batch = 3
	l, err := NewLearner(cfg)
	if err != nil {
		t.Skip("learner unavailable: ", err)
	}
	lay := l.Layout()
	if lay.Inputs != 70 || lay.Hidden != 186 || lay.Outputs != 20 || !lay.Recurrent {
		t.Fatalf("layout %s, want 70→186 recurrent→20", lay)
	}
	var first, last BatchStats
	for s := range 3 {
		st, err := l.Step([]int{0, 1, 2}, uint64(s))
		if err != nil {
			t.Fatal(err)
		}
		if s == 0 {
			first = st
		}
		last = st
	}
	ev, err := l.Evaluate(l.Test())
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(ev.Loss) || ev.Samples != 3 {
		t.Fatalf("evaluation %+v", ev)
	}
	if !(last.Loss < first.Loss) {
		t.Errorf("training loss did not fall on three samples: %.3f → %.3f", first.Loss, last.Loss)
	}
	t.Logf("SHD layout %s, %d steps: train loss %.3f → %.3f, test accuracy %.2f loss %.3f, %.1f hidden spikes/sample",
		lay, lay.Steps, first.Loss, last.Loss, ev.Accuracy, ev.Loss, ev.SpikesPerSample)
}
