package engine

import (
	"os"
	"path/filepath"
	"testing"

	"inloop/data"
)

// trainEpochs runs epochs of training in the learner's current mode.
func trainEpochs(t testing.TB, l *Learner, epochs int) {
	t.Helper()
	for e := range epochs {
		trainEpochs1(t, l, e)
	}
}

// trainEpochs1 runs epoch e (data order from the run seed) and ends it.
func trainEpochs1(t testing.TB, l *Learner, e int) {
	t.Helper()
	cfg := l.Config()
	n := l.Train().Len()
	perm := data.Permutation(n, cfg.Seed, e)
	b := cfg.Hyper.Batch
	for lo := 0; lo+b <= n; lo += b {
		if _, err := l.Step(perm[lo:lo+b], uint64(e*n+lo)); err != nil {
			t.Fatal(err)
		}
	}
	l.EndEpoch()
}

// sharedDataDir returns ../shared/data/<sub> beside the module root, or ""
// when the folder is absent.
func sharedDataDir(t testing.TB, dataset string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	sub := map[string]string{"mnist": "mnist", "fashion-mnist": "fashion-mnist", "shd": "shd-synthetic", "yinyang": "yinyang"}[dataset]
	p := filepath.Join(dir, "..", "shared", "data", sub)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

func TestSoftwareYinYangLearns(t *testing.T) {
	t.Parallel()
	cfg, err := DefaultConfig("yinyang")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Mode = ModeSoftware
	l, err := NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	trainEpochs(t, l, 3)
	ev, err := l.Evaluate(l.Test())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("software Yin-Yang after 3 epochs: test accuracy %.3f, loss %.3f, %.1f hidden spikes/sample", ev.Accuracy, ev.Loss, ev.SpikesPerSample)
	if ev.Accuracy < 0.6 {
		t.Errorf("test accuracy %.3f after 3 epochs; want well above chance (1/3)", ev.Accuracy)
	}
}
