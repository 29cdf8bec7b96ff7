package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestRecoveryInLongSessions (INLOOP_LONG=1, some minutes) checks that a
// long Yin-Yang session in the loop learns a changed chip again without
// anyone touching the learning rate: trained 100 epochs (its lr decayed
// 0.85× per epoch to ~4e-10), then decalibrated by σ_d = 0.3 or moved to
// a new die, the run must come back to within 2 points of its test
// accuracy before the change within 15 epochs. Chip seeds 21-23 (new dies
// 31-33) are used by no other test. The table it logs is RESULTS.md's.
func TestRecoveryInLongSessions(t *testing.T) {
	if os.Getenv("INLOOP_LONG") == "" {
		t.Skip("long: set INLOOP_LONG=1")
	}
	const before, after = 100, 15
	for _, seed := range []uint64{21, 22, 23} {
		dir := filepath.Join(t.TempDir(), "base")
		cfg, err := DefaultConfig("yinyang")
		if err != nil {
			t.Fatal(err)
		}
		cfg.ChipSeed, cfg.Epochs, cfg.RunDir = seed, before, dir
		base, _ := trainEvals(t, cfg)
		ref := base[len(base)-1].TestAccuracy
		for _, change := range []Command{
			{Kind: CmdDecalibrate, Value: "0.3"},
			{Kind: CmdChipSeed, Value: fmt.Sprint(seed + 10)},
		} {
			fork := Config{Resume: dir, RunDir: filepath.Join(t.TempDir(), "fork"), Epochs: before + after, Changes: []Command{change}}
			evals, cmds := trainEvals(t, fork)
			restarted := false
			for _, c := range cmds {
				restarted = restarted || (c.Auto != "" && c.Applied)
			}
			var accs []float64
			back := -1
			for _, e := range evals {
				if e.Epoch <= before {
					continue
				}
				accs = append(accs, e.TestAccuracy)
				if back < 0 && e.TestAccuracy >= ref-0.02 {
					back = e.Epoch - before
				}
			}
			t.Logf("| %d | %s | %.1f | %.1f | %.1f | %.1f | %s | %v |", seed, commandText(change), 100*ref, 100*accs[0], 100*maxOf(accs), 100*accs[len(accs)-1], epochsText(back), restarted)
			if back < 0 {
				t.Errorf("chip seed %d, %s: test accuracy %.1f %% before; after %d epochs at most %.1f %%", seed, commandText(change), 100*ref, after, 100*maxOf(accs))
			}
		}
	}
}

// trainEvals runs cfg to its end and returns its evaluations and commands.
func trainEvals(t *testing.T, cfg Config) ([]EvalEvent, []CommandEvent) {
	t.Helper()
	tr, err := NewTrainer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	tr.Start(context.Background())
	var evals []EvalEvent
	var cmds []CommandEvent
	for e := range events {
		switch e := e.(type) {
		case EvalEvent:
			evals = append(evals, e)
		case CommandEvent:
			cmds = append(cmds, e)
		}
	}
	if _, err := tr.Wait(); err != nil {
		t.Fatal(err)
	}
	return evals, cmds
}

func maxOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func epochsText(n int) string {
	if n < 0 {
		return "not within the window"
	}
	return fmt.Sprint(n)
}
