package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"inloop/engine"
)

func TestProgressPlainLines(t *testing.T) {
	var b bytes.Buffer
	p := newProgressPrinter(&b) // a buffer is not a terminal
	p.now = func() time.Time { return time.Unix(0, 0) }
	p.handle(engine.HistoryEvent{})
	p.handle(engine.ProgressEvent{Epochs: 3, BatchesPerEpoch: 10, Mode: engine.ModeChip, ChipSeed: 4, Calibration: "calibrated", LR: 0.005})
	p.handle(engine.ProgressEvent{Step: 3, Epochs: 3, Batch: 3, BatchesPerEpoch: 10, Loss: 0.5}) // within 10 s: no line
	p.handle(engine.CommandEvent{Step: 3, Command: engine.Command{Kind: engine.CmdSet, Name: "lr", Value: "x"}, Err: "lr: \"x\" is not a number"})
	p.handle(engine.EvalEvent{Step: 10, Epoch: 1, TrainAccuracy: 0.5, TestAccuracy: 0.625, TestLoss: 0.75, SpikesPerSample: 12})
	p.handle(engine.CommandEvent{Step: 13, Command: engine.Command{Kind: engine.CmdStop}, Applied: true})
	p.handle(engine.EvalEvent{Step: 13, Epoch: 1, TestAccuracy: 0.7})
	p.handle(engine.DoneEvent{})
	want := `training: epochs 3, chip mode, chip seed 4 (calibrated), lr 0.005
step 3: set lr x refused: lr: "x" is not a number
epoch 1/3  step 10  train 50.00 %  test 62.50 %  loss 0.7500  12.0 spikes/sample
step 13: stop
stopped in epoch 2/3  step 13  train 0.00 %  test 70.00 %  loss 0.0000  0.0 spikes/sample
`
	if b.String() != want {
		t.Errorf("plain output:\n%s\nwant:\n%s", b.String(), want)
	}
	if strings.ContainsAny(b.String(), "\r\x1b") {
		t.Error("plain output has terminal controls")
	}
}

// TestProgressResumeReplay feeds what a resumed run replays (evaluations
// and commands before the first progress): they print under the header,
// with the epoch count the progress brings, and an old stop does not make
// the next evaluation a "stopped" one.
func TestProgressResumeReplay(t *testing.T) {
	var b bytes.Buffer
	p := newProgressPrinter(&b)
	p.now = func() time.Time { return time.Unix(0, 0) }
	p.handle(engine.HistoryEvent{Steps: []int{1}})
	p.handle(engine.EvalEvent{Step: 10, Epoch: 1})
	p.handle(engine.CommandEvent{Step: 12, Command: engine.Command{Kind: engine.CmdStop}, Applied: true})
	p.handle(engine.ProgressEvent{Step: 12, Epoch: 1, Batch: 2, BatchesPerEpoch: 10, Epochs: 5, Mode: engine.ModeSoftware, Calibration: "uncalibrated"})
	p.handle(engine.EvalEvent{Step: 20, Epoch: 2})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{"resuming at step 12 (epoch 2/5, batch 2/10)", "epoch 1/5  step 10", "step 12: stop", "epoch 2/5  step 20"}
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s", b.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want it to start with %q", i, lines[i], w)
		}
	}
}

func TestProgressBarRedrawsInPlace(t *testing.T) {
	var b bytes.Buffer
	clock := time.Unix(0, 0)
	p := &progressPrinter{w: &b, tty: true, width: func() int { return 40 }, now: func() time.Time { return clock }}
	p.handle(engine.ProgressEvent{Epochs: 2, BatchesPerEpoch: 10})
	b.Reset()
	clock = clock.Add(barEvery)
	p.handle(engine.ProgressEvent{Step: 5, Epochs: 2, Batch: 5, BatchesPerEpoch: 10, Loss: 0.25, Accuracy: 0.5})
	got := b.String()
	if !strings.HasPrefix(got, "\r\x1b[K") || strings.Contains(got, "\n") {
		t.Fatalf("bar %q: want a redraw in place", got)
	}
	bar := strings.TrimPrefix(got, "\r\x1b[K")
	if n := len([]rune(bar)); n != 39 || !strings.HasPrefix(bar, "epoch 1/2 [█████·····] batch 5/10") {
		t.Errorf("bar %q (%d cells): want the epoch, half the bar, cut to 39 cells", bar, n)
	}
	b.Reset()
	p.handle(engine.EvalEvent{Step: 10, Epoch: 1, TestAccuracy: 0.5})
	if got := b.String(); !strings.HasPrefix(got, "\r\x1b[Kepoch 1/2  step 10") || !strings.Contains(got, "\n\r\x1b[Kepoch 1/2 [") {
		t.Errorf("an evaluation should clear the bar, print its line and redraw the bar: %q", got)
	}
	b.Reset()
	p.handle(engine.DoneEvent{})
	if b.String() != "\r\x1b[K" {
		t.Errorf("done leaves %q, want the bar cleared", b.String())
	}
}
