package tui

import (
	"context"
	"testing"

	"inloop/engine"
)

// TestAppKeepsUpWithAFastRun: a software-mode run trains several epochs
// (each with its evaluation, learning-rate event and progress) while the
// app takes nothing in, as when the app is busy drawing a frame. One intake
// must then bring the app to where the trainer is: a fast run never leaves
// the screen behind.
func TestAppKeepsUpWithAFastRun(t *testing.T) {
	cfg, err := engine.DefaultConfig("yinyang")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Mode, cfg.Epochs = engine.ModeSoftware, 6
	tr, err := engine.NewTrainer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(tr, Options{})
	m.interval = 0
	m.Init()
	defer m.unsubscribe()
	tr.Start(context.Background())
	sum, err := tr.Wait()
	if err != nil {
		t.Fatal(err)
	}
	m.Update(waitForEvents(m.events, 0)())
	if m.state.progress.Step != sum.Steps || len(m.state.evals) != cfg.Epochs || m.state.done == nil {
		t.Fatalf("after one intake the app shows step %d with %d evaluations (done: %v); the run ended at step %d after %d epochs",
			m.state.progress.Step, len(m.state.evals), m.state.done != nil, sum.Steps, cfg.Epochs)
	}
}
