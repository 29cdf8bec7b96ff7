package engine

import (
	"os"
	"testing"

	"inloop/data"
)

// TestChipYinYangLearns trains the default Yin-Yang network in the loop on a
// calibrated chip for one epoch (100 steps of 50) and expects the test accuracy
// far above chance (1/3).
func TestChipYinYangLearns(t *testing.T) {
	t.Parallel()
	cfg, err := DefaultConfig("yinyang")
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLearner(cfg)
	if err != nil {
		t.Skip("chip unavailable: ", err)
	}
	perm := data.Permutation(l.Train().Len(), cfg.Seed, 0)
	b := cfg.Hyper.Batch
	for s := range 100 {
		if _, err := l.Step(perm[s*b:(s+1)*b], uint64(s)); err != nil {
			t.Fatal(err)
		}
	}
	ev, err := l.Evaluate(l.Test())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("chip mode, one epoch: test accuracy %.3f, %.1f hidden spikes/sample", ev.Accuracy, ev.SpikesPerSample)
	if ev.Accuracy < 0.65 {
		t.Errorf("test accuracy %.3f after one epoch in the loop; want ≥ 0.65 (chance 0.33)", ev.Accuracy)
	}
}

// TestChipYinYangReaches95 is the acceptance run: the default recipe, chip
// mode, calibrated, on three chip seeds, must reach ≥ 95 % test accuracy.
// It takes minutes on two cores, so it runs only with INLOOP_LONG=1.
func TestChipYinYangReaches95(t *testing.T) {
	t.Parallel()
	if os.Getenv("INLOOP_LONG") != "1" {
		t.Skip("set INLOOP_LONG=1 for the full Yin-Yang runs")
	}
	for _, seed := range []uint64{1, 2, 3} {
		cfg, err := DefaultConfig("yinyang")
		if err != nil {
			t.Fatal(err)
		}
		cfg.ChipSeed = seed
		l, err := NewLearner(cfg)
		if err != nil {
			t.Fatal(err)
		}
		trainEpochs(t, l, cfg.Epochs)
		ev, err := l.Evaluate(l.Test())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("chip seed %d: test accuracy %.4f, %.1f hidden spikes/sample", seed, ev.Accuracy, ev.SpikesPerSample)
		if ev.Accuracy < 0.95 {
			t.Errorf("chip seed %d: test accuracy %.4f < 0.95", seed, ev.Accuracy)
		}
	}
}
