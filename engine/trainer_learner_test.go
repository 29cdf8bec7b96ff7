package engine

import (
	"context"
	"reflect"
	"testing"
)

// hookedLearner is the real Learner with a hook at the start of each step.
type hookedLearner struct {
	*Learner
	steps int
	hook  func(k int)
}

func (h *hookedLearner) Step(idx []int, seed uint64) (BatchStats, error) {
	h.steps++
	if h.hook != nil {
		h.hook(h.steps)
	}
	return h.Learner.Step(idx, seed)
}

// tinyYinYang is a chip-mode Yin-Yang run small enough for a unit test.
func tinyYinYang(t *testing.T, dir string) Config {
	t.Helper()
	cfg, err := DefaultConfig("yinyang")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Hidden, cfg.Epochs, cfg.RunDir = 16, 1, dir
	return cfg
}

func realTrainer(t *testing.T, cfg Config, hook func(tr **Trainer, k int)) *Trainer {
	t.Helper()
	var tr *Trainer
	tr, err := newTrainer(cfg, func(c Config) (trainee, error) {
		l, err := NewLearner(c)
		if err != nil {
			return nil, err
		}
		h := &hookedLearner{Learner: l}
		if hook != nil {
			h.hook = func(k int) { hook(&tr, k) }
		}
		return h, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// evalsOf runs tr to its end and returns its evaluations.
func evalsOf(t *testing.T, tr *Trainer) ([]EvalEvent, Summary) {
	t.Helper()
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	tr.Start(context.Background())
	var evals []EvalEvent
	for e := range events {
		if ev, ok := e.(EvalEvent); ok {
			evals = append(evals, ev)
		}
	}
	sum, err := tr.Wait()
	if err != nil {
		t.Fatal(err)
	}
	return evals, sum
}

// TestTrainerRealLearnerResumeMidEpoch stops a chip-mode run in the middle
// of its epoch and resumes it: the final evaluation must be the
// uninterrupted run's, to the last bit.
func TestTrainerRealLearnerResumeMidEpoch(t *testing.T) {
	t.Parallel()
	whole, wsum := evalsOf(t, realTrainer(t, tinyYinYang(t, ""), nil))
	dir := t.TempDir()
	first := realTrainer(t, tinyYinYang(t, dir), func(tr **Trainer, k int) {
		if k == 37 {
			(*tr).Send(Command{Kind: CmdStop})
		}
	})
	evalsOf(t, first)
	second, err := NewTrainer(Config{Resume: dir})
	if err != nil {
		t.Fatal(err)
	}
	resumed, rsum := evalsOf(t, second)
	last, want := resumed[len(resumed)-1], whole[len(whole)-1]
	if !reflect.DeepEqual(last, want) {
		t.Fatalf("resumed run ends with %+v, uninterrupted with %+v", last, want)
	}
	if rsum.Steps != wsum.Steps || rsum.TestAccuracy != wsum.TestAccuracy || !rsum.Completed {
		t.Fatalf("summaries differ: %+v vs %+v", rsum, wsum)
	}
}

// TestTrainerSampleViewsDoNotChangeTraining views a sample before every
// step: the app watching a run must not change what it learns. Both runs
// stop after 40 steps and evaluate there.
func TestTrainerSampleViewsDoNotChangeTraining(t *testing.T) {
	t.Parallel()
	plain, _ := evalsOf(t, realTrainer(t, tinyYinYang(t, ""), func(tr **Trainer, k int) {
		if k == 40 {
			(*tr).Send(Command{Kind: CmdStop})
		}
	}))
	viewed := realTrainer(t, tinyYinYang(t, ""), func(tr **Trainer, k int) {
		if _, err := (*tr).l.SampleView(k % 100); err != nil {
			t.Error(err)
		}
		if k == 40 {
			(*tr).Send(Command{Kind: CmdStop})
		}
	})
	watched, _ := evalsOf(t, viewed)
	if !reflect.DeepEqual(plain[len(plain)-1], watched[len(watched)-1]) {
		t.Fatalf("viewing samples changed the run: %+v vs %+v", watched[len(watched)-1], plain[len(plain)-1])
	}
}
