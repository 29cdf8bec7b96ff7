package engine

import (
	"runtime"
	"slices"
	"testing"
)

func smallYinYang(t *testing.T, mode Mode) *Learner {
	t.Helper()
	cfg, err := DefaultConfig("yinyang")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Mode = mode
	cfg.Hyper.Dropout = 0.1
	l, err := NewLearner(cfg)
	if err != nil {
		t.Skip("learner unavailable: ", err)
	}
	return l
}

func stepRange(t *testing.T, l *Learner, from, to int) {
	t.Helper()
	b := l.Config().Hyper.Batch
	for s := from; s < to; s++ {
		idx := make([]int, b)
		for i := range idx {
			idx[i] = (s*b + i*7) % l.Train().Len()
		}
		if _, err := l.Step(idx, uint64(s)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStepIndependentOfCores checks bit-identical weights with GOMAXPROCS 1
// and 2 in software and chip mode.
func TestStepIndependentOfCores(t *testing.T) {
	for _, mode := range []Mode{ModeSoftware, ModeChip} {
		var ws [][]float32
		for _, procs := range []int{1, 2} {
			old := runtime.GOMAXPROCS(procs)
			l := smallYinYang(t, mode)
			stepRange(t, l, 0, 5)
			runtime.GOMAXPROCS(old)
			ws = append(ws, slices.Clone(l.net.w.All))
		}
		if !slices.Equal(ws[0], ws[1]) {
			t.Errorf("%s mode: weights differ between GOMAXPROCS 1 and 2", mode)
		}
	}
}

// TestCheckpointResumesExactly trains, checkpoints, trains on; a learner
// restored from the checkpoint must reach the very same weights.
func TestCheckpointResumesExactly(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeSoftware, ModeChip} {
		a := smallYinYang(t, mode)
		stepRange(t, a, 0, 3)
		a.EndEpoch()
		ck, err := a.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		stepRange(t, a, 3, 6)
		b := smallYinYang(t, mode)
		if err := b.Restore(ck); err != nil {
			t.Fatal(err)
		}
		if b.LR() != a.cfg.Hyper.LR*a.cfg.Hyper.LRDecay {
			t.Errorf("%s: restored lr %g", mode, b.LR())
		}
		stepRange(t, b, 3, 6)
		if !slices.Equal(a.net.w.All, b.net.w.All) {
			t.Errorf("%s mode: resumed run differs from the uninterrupted one", mode)
		}
	}
	if err := smallYinYang(t, ModeSoftware).Restore([]byte("garbage")); err == nil {
		t.Error("garbage checkpoint accepted")
	}
}
