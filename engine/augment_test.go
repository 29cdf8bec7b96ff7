package engine

import (
	"os"
	"slices"
	"testing"

	"inloop/data"
)

// TestAugmentedBatchesAreSeededAndRotated loads a batch of MNIST with and
// without Config.Augment: the same step seed gives the same inputs, another
// seed other inputs, and augmented inputs differ from the plain ones.
func TestAugmentedBatchesAreSeededAndRotated(t *testing.T) {
	dir := sharedDataDir(t, "mnist")
	if _, err := os.Stat(dir); dir == "" || err != nil {
		t.Skip("no MNIST files")
	}
	cfg, _ := DefaultConfig("mnist")
	cfg.DataDir, cfg.Mode, cfg.Augment = dir, ModeSoftware, true
	l, err := NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7}
	inputs := func(seed uint64, augment bool) [][]int32 {
		tapes := make([]tape, len(idx))
		for i := range tapes {
			tapes[i].size(l.layout)
		}
		if augment {
			l.loadAugmented(l.train.(data.Augmenter), idx, seed, tapes)
		} else {
			l.loadInputs(l.train, idx, tapes)
		}
		out := make([][]int32, len(tapes))
		for i := range tapes {
			out[i] = append(slices.Clone(tapes[i].in.start), tapes[i].in.idx...)
		}
		return out
	}
	a, b, c, plain := inputs(7, true), inputs(7, true), inputs(8, true), inputs(7, false)
	same := func(x, y [][]int32) bool {
		for i := range x {
			if !slices.Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("the same step seed gave two different augmented batches")
	}
	if same(a, c) || same(a, plain) {
		t.Error("augmentation did not change the batch (another seed or none gave the same inputs)")
	}
}
