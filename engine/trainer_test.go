package engine

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"inloop/data"
)

// drain reads events until the channel closes.
func drain(ch <-chan Event) []Event {
	var evs []Event
	for e := range ch {
		evs = append(evs, e)
	}
	return evs
}

func commandEvents(evs []Event) []CommandEvent {
	var cs []CommandEvent
	for _, e := range evs {
		if c, ok := e.(CommandEvent); ok {
			cs = append(cs, c)
		}
	}
	return cs
}

func runToEnd(t *testing.T, tr *Trainer) (Summary, error) {
	t.Helper()
	tr.Start(context.Background())
	return tr.Wait()
}

// metricsLines reads a run's metrics log as generic JSON objects.
func metricsLines(t *testing.T, dir string) []map[string]any {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, runMetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("metrics line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func TestTrainerEpochsShuffledAndEvaluated(t *testing.T) {
	tr, fl, err := fakeTrainer(fakeConfig(3, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := runToEnd(t, tr)
	if err != nil {
		t.Fatal(err)
	}
	// 23 samples in batches of 5: 5 batches per epoch, the last of 3.
	if sum.Steps != 15 || sum.Epochs != 3 || !sum.Completed {
		t.Fatalf("summary steps %d epochs %d completed %v, want 15, 3, true", sum.Steps, sum.Epochs, sum.Completed)
	}
	if fl.evals != 3 {
		t.Errorf("evaluations = %d, want one per epoch (3)", fl.evals)
	}
	for e := range 3 {
		var got []int
		for _, b := range fl.seen[5*e : 5*e+5] {
			got = append(got, b...)
		}
		if want := data.Permutation(23, 7, e); !slices.Equal(got, want) {
			t.Errorf("epoch %d trained %v, want the permutation %v", e, got, want)
		}
	}
	if len(fl.seen[4]) != 3 {
		t.Errorf("last batch of the epoch has %d samples, want 3", len(fl.seen[4]))
	}
	// the learning rate decays once per epoch
	lr, decay := 0.1, 0.9
	if fl.lrs[5] != lr*decay || fl.lrs[14] != lr*decay*decay {
		t.Errorf("lr in epochs 2, 3 = %v, %v; want 0.09, 0.081", fl.lrs[5], fl.lrs[14])
	}
	if slices.Contains(fl.seeds[1:], fl.seeds[0]) {
		t.Errorf("step seeds repeat: %v", fl.seeds)
	}
	if sum.TestAccuracy <= 0 || sum.TestLoss <= 0 || sum.HiddenSpikesPerSample != 3 {
		t.Errorf("summary lacks the final evaluation: %+v", sum)
	}
}

func TestTrainerSameSeedsSameRun(t *testing.T) {
	var ws [2][]float64
	for i := range ws {
		tr, fl, err := fakeTrainer(fakeConfig(2, ""), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runToEnd(t, tr); err != nil {
			t.Fatal(err)
		}
		ws[i] = fl.W
	}
	if !slices.Equal(ws[0], ws[1]) {
		t.Fatalf("same seeds gave different weights: %v vs %v", ws[0], ws[1])
	}
	cfg := fakeConfig(2, "")
	cfg.Seed = 8
	tr, fl, _ := fakeTrainer(cfg, nil)
	runToEnd(t, tr)
	if slices.Equal(ws[0], fl.W) {
		t.Fatal("another seed gave the same weights")
	}
}

func TestTrainerCommandsAppliedBetweenBatchesAndLogged(t *testing.T) {
	dir := t.TempDir()
	var tr *Trainer
	tr, fl, err := fakeTrainer(fakeConfig(2, dir), func(f *fakeLearner) {
		f.hook = func(k int) {
			if k == 3 { // sent during step 3: applied before step 4
				tr.Send(Command{Kind: CmdSet, Name: "lr", Value: "0.5"})
				tr.Send(Command{Kind: CmdSet, Name: "lr", Value: "abc"})
				tr.Send(Command{Kind: CmdDecalibrate, Value: "0.3"})
				tr.Send(Command{Kind: CmdDecalibrate, Value: "-1"})
				tr.Send(Command{Kind: CmdChipSeed, Value: "x"})
				tr.Send(Command{Kind: CmdChipSeed, Value: "13"})
				tr.Send(Command{Kind: CmdChipSeed, Value: "5"})
				tr.Send(Command{Kind: CmdMode, Value: "gpu"})
				tr.Send(Command{Kind: CmdMode, Value: "software"})
				tr.Send(Command{Kind: CmdStep})
				tr.Send(Command{Kind: "warp"})
				tr.Send(Command{Kind: CmdSave})
				tr.Send(Command{Kind: CmdSet, Name: "epochs", Value: "0"})
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	sum, err := runToEnd(t, tr)
	if err != nil {
		t.Fatal(err)
	}
	if fl.lrs[2] != 0.1 || fl.lrs[3] != 0.5 {
		t.Errorf("lr at steps 3, 4 = %v, %v; want 0.1, then 0.5 (applied between batches)", fl.lrs[2], fl.lrs[3])
	}
	if sum.Mode != ModeSoftware || sum.ChipSeed != 5 || sum.Decalibrate != 0.3 || sum.Calibration != "decalibrated σ=0.30" {
		t.Errorf("summary mode %q chip %d σ %v calibration %q; want software, 5, 0.3, decalibrated", sum.Mode, sum.ChipSeed, sum.Decalibrate, sum.Calibration)
	}
	if sum.Steps != 10 || !sum.Completed {
		t.Errorf("the run did not go on after refused commands: %+v", sum)
	}
	want := []struct {
		kind    CommandKind
		applied bool
		errHas  string
	}{
		{CmdSet, true, ""}, {CmdSet, false, "lr"}, {CmdDecalibrate, true, ""}, {CmdDecalibrate, false, "-1 is out of range (accepted: a number in [0, 1])"},
		{CmdChipSeed, false, "whole number"}, {CmdChipSeed, false, "unlucky"}, {CmdChipSeed, true, ""},
		{CmdMode, false, "gpu is not a mode (accepted: chip, software or transfer)"}, {CmdMode, true, ""},
		{CmdStep, false, "pause first"}, {"warp", false, "accepted: pause"}, {CmdSave, true, ""}, {CmdSet, false, "epochs: 0 is out of range"},
	}
	got := commandEvents(drain(events))
	if len(got) != len(want) {
		t.Fatalf("got %d command events, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Command.Kind != w.kind || g.Applied != w.applied || !strings.Contains(g.Err, w.errHas) || g.Step != 3 {
			t.Errorf("command %d: got %+v, want %s applied=%v err~%q at step 3", i, g, w.kind, w.applied, w.errHas)
		}
	}
	var logged []map[string]any
	for _, m := range metricsLines(t, dir) {
		if m["kind"] == "command" {
			logged = append(logged, m)
		}
	}
	if len(logged) != len(want) {
		t.Fatalf("metrics log has %d command lines, want %d", len(logged), len(want))
	}
	if logged[1]["applied"] != false || !strings.Contains(logged[1]["error"].(string), "lr") || logged[1]["value"] != "abc" {
		t.Errorf("refused command logged as %v", logged[1])
	}
}

func TestTrainerPauseStepResume(t *testing.T) {
	tr, fl, err := fakeTrainer(fakeConfig(1, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	tr.Send(Command{Kind: CmdPause}) // applied before the first batch
	tr.Start(context.Background())
	awaitCommand := func(kind CommandKind) CommandEvent {
		t.Helper()
		for e := range events {
			if c, ok := e.(CommandEvent); ok && c.Command.Kind == kind {
				return c
			}
		}
		t.Fatalf("stream ended before the %s command", kind)
		return CommandEvent{}
	}
	if c := awaitCommand(CmdPause); !c.Applied || c.Step != 0 {
		t.Fatalf("pause: %+v", c)
	}
	tr.Send(Command{Kind: CmdStep})
	if c := awaitCommand(CmdStep); !c.Applied || c.Step != 1 {
		t.Fatalf("step: %+v", c)
	}
	tr.Send(Command{Kind: CmdStep})
	if c := awaitCommand(CmdStep); !c.Applied || c.Step != 2 {
		t.Fatalf("second step: %+v", c)
	}
	// while paused, nothing else trains: a command after the steps sees step 2
	tr.Send(Command{Kind: CmdSet, Name: "lr", Value: "0.2"})
	if c := awaitCommand(CmdSet); c.Step != 2 {
		t.Fatalf("the trainer ran on while paused: set applied at step %d", c.Step)
	}
	tr.Send(Command{Kind: CmdResume})
	sum, err := tr.Wait()
	if err != nil || sum.Steps != 5 {
		t.Fatalf("after resume: steps %d err %v, want 5 steps", sum.Steps, err)
	}
	if fl.lrs[1] != 0.1 || fl.lrs[2] != 0.2 {
		t.Errorf("lrs %v", fl.lrs)
	}
}

func TestTrainerStopCheckpointsAndEvaluates(t *testing.T) {
	dir := t.TempDir()
	var tr *Trainer
	tr, fl, err := fakeTrainer(fakeConfig(3, dir), func(f *fakeLearner) {
		f.hook = func(k int) {
			if k == 7 {
				tr.Send(Command{Kind: CmdStop})
				tr.Send(Command{Kind: CmdPause})
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := runToEnd(t, tr)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Steps != 7 || sum.Completed || sum.Epochs != 1 {
		t.Fatalf("stopped run: %+v", sum)
	}
	if fl.evals != 2 {
		t.Errorf("evaluations %d, want 2 (epoch 1 and the stop)", fl.evals)
	}
	cp, err := readCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Position.Step != 7 || cp.Position.Epoch != 1 || cp.Position.Offset != 10 {
		t.Fatalf("checkpoint position %+v, want step 7, epoch 1, offset 10", cp.Position)
	}
	cs := cp.Commands
	if len(cs) != 2 || !cs[0].Applied || cs[1].Applied || cs[1].Err != errStopped.Error() {
		t.Errorf("commands after stop: %+v", cs)
	}
}

func TestTrainerCancelCheckpoints(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	tr, _, err := fakeTrainer(fakeConfig(3, dir), func(f *fakeLearner) {
		f.hook = func(k int) {
			if k == 4 {
				cancel()
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	tr.Start(ctx)
	sum, err := tr.Wait()
	if !errors.Is(err, context.Canceled) || sum.Steps != 4 {
		t.Fatalf("cancelled run: steps %d err %v", sum.Steps, err)
	}
	cp, err := readCheckpoint(dir)
	if err != nil || cp.Position.Step != 4 {
		t.Fatalf("checkpoint on quit: %+v, %v", cp, err)
	}
}

// TestTrainerResumeEqualsUninterrupted stops a run mid-epoch (with a
// hyperparameter changed before), resumes it from its checkpoint and
// compares everything after with a run that was never interrupted.
func TestTrainerResumeEqualsUninterrupted(t *testing.T) {
	setLR := func(tr **Trainer) func(*fakeLearner) {
		return func(f *fakeLearner) {
			f.hook = func(k int) {
				if k == 3 {
					(*tr).Send(Command{Kind: CmdSet, Name: "lr", Value: "0.3"})
				}
			}
		}
	}
	var whole *Trainer
	whole, wf, err := fakeTrainer(fakeConfig(3, t.TempDir()), setLR(&whole))
	if err != nil {
		t.Fatal(err)
	}
	wsum, err := runToEnd(t, whole)
	if err != nil {
		t.Fatal(err)
	}

	for _, stopAt := range []int{5, 8, 13} { // epoch end, mid-epoch, mid-epoch
		dir := t.TempDir()
		var first *Trainer
		first, _, err = fakeTrainer(fakeConfig(3, dir), func(f *fakeLearner) {
			setLR(&first)(f)
			hook := f.hook
			f.hook = func(k int) {
				hook(k)
				if k == stopAt {
					first.Send(Command{Kind: CmdStop})
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runToEnd(t, first); err != nil {
			t.Fatal(err)
		}
		second, sf, err := fakeTrainer(Config{Resume: dir}, nil)
		if err != nil {
			t.Fatal(err)
		}
		events, cancel := eventChan(second.Subscribe())
		ssum, err := runToEnd(t, second)
		evs := drain(events)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(sf.W, wf.W) {
			t.Errorf("stop at %d: resumed weights %v, uninterrupted %v", stopAt, sf.W, wf.W)
		}
		if !slices.EqualFunc(sf.seen, wf.seen[stopAt:], slices.Equal) || !slices.Equal(sf.seeds, wf.seeds[stopAt:]) || !slices.Equal(sf.lrs, wf.lrs[stopAt:]) {
			t.Errorf("stop at %d: resumed batches, seeds or lrs differ from the uninterrupted run", stopAt)
		}
		if ssum.TestAccuracy != wsum.TestAccuracy || ssum.TrainAccuracy != wsum.TrainAccuracy || ssum.Steps != wsum.Steps || ssum.Epochs != 3 {
			t.Errorf("stop at %d: resumed summary %+v, uninterrupted %+v", stopAt, ssum, wsum)
		}
		// subscribed before it started, the resumed run replays the first
		// session's history up to the checkpoint
		h, ok := evs[0].(HistoryEvent)
		if !ok || len(h.Steps) != stopAt || h.Steps[0] != 1 || h.Steps[stopAt-1] != stopAt {
			t.Errorf("stop at %d: replayed history %+v", stopAt, evs[0])
		}
		if cs := commandEvents(evs); len(cs) == 0 || cs[0].Command.Name != "lr" {
			t.Errorf("stop at %d: the first session's commands were not replayed: %+v", stopAt, cs)
		}
	}
}

func TestTrainerResumeExtendsEpochsAndRefusesFewer(t *testing.T) {
	dir := t.TempDir()
	tr, _, err := fakeTrainer(fakeConfig(2, dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runToEnd(t, tr); err != nil {
		t.Fatal(err)
	}
	if _, _, err := fakeTrainer(Config{Resume: dir, Epochs: 1}, nil); err == nil || !strings.Contains(err.Error(), "fewer") {
		t.Fatalf("resume with fewer epochs: %v", err)
	}
	tr, fl, err := fakeTrainer(Config{Resume: dir, Epochs: 3, Changes: []Command{{Kind: CmdSet, Name: "lr", Value: "0.5"}, {Kind: CmdSet, Name: "batch", Value: "4"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := runToEnd(t, tr)
	if err != nil || sum.Steps != 16 || sum.Epochs != 3 {
		t.Fatalf("extended run (23 samples in batches of 4): %+v %v", sum, err)
	}
	if fl.lrs[0] != 0.5 || len(fl.seen[0]) != 4 {
		t.Errorf("resumed with lr %v and batch %d, want the overrides 0.5 and 4", fl.lrs[0], len(fl.seen[0]))
	}
	if _, _, err := fakeTrainer(fakeConfig(1, dir), nil); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("a new run in a used directory: %v", err)
	}
	var resumes, sets int
	for _, m := range metricsLines(t, dir) {
		if m["kind"] == "command" && m["command"] == "set" && m["applied"] == true && m["step"] == 10.0 {
			sets++
		}
		if m["kind"] == "resume" {
			resumes++
			if m["from_step"] != 10.0 {
				t.Errorf("resume line %v", m)
			}
		}
	}
	if resumes != 1 || sets != 2 {
		t.Errorf("%d resume lines and %d set commands logged, want 1 and 2", resumes, sets)
	}
}

func TestTrainerDivergenceKeepsLastGoodCheckpoint(t *testing.T) {
	dir := t.TempDir()
	tr, _, err := fakeTrainer(fakeConfig(3, dir), func(f *fakeLearner) { f.nanAt = 8 })
	if err != nil {
		t.Fatal(err)
	}
	_, err = runToEnd(t, tr)
	var de *DivergedError
	if !errors.As(err, &de) || de.Step != 8 || de.CheckpointStep != 5 || !strings.Contains(err.Error(), "NaN") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("divergence error: %v", err)
	}
	cp, err := readCheckpoint(dir)
	if err != nil || cp.Position.Step != 5 {
		t.Fatalf("last good checkpoint: %+v, %v", cp, err)
	}
	var s fakeState
	if err := json.Unmarshal(cp.Learner, &s); err != nil || !finiteValues(s.W...) {
		t.Fatalf("checkpoint weights %v, %v", s.W, err)
	}
	lines := metricsLines(t, dir)
	last := lines[len(lines)-1]
	if last["kind"] != "done" || !strings.Contains(last["error"].(string), "diverged") {
		t.Errorf("last metrics line %v", last)
	}
	if lines[len(lines)-2]["loss"] != nil {
		t.Errorf("the NaN batch is logged as %v, want loss null", lines[len(lines)-2])
	}
}

// TestTrainerSlowConsumerNeverBlocks runs many batches while one subscriber
// never reads: the trainer must finish, and the subscriber's stream must
// still hold every evaluation while keeping at most two of the throttled
// events (one in flight, one queued).
func TestTrainerSlowConsumerNeverBlocks(t *testing.T) {
	tr, _, err := fakeTrainer(fakeConfig(200, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	sum, err := runToEnd(t, tr)
	if err != nil || sum.Steps != 1000 {
		t.Fatalf("run with a stuck consumer: %+v %v", sum, err)
	}
	var evals, progress, samples int
	evs := drain(events)
	for _, e := range evs {
		switch e.(type) {
		case EvalEvent:
			evals++
		case ProgressEvent:
			progress++
		case SampleEvent:
			samples++
		}
	}
	if evals != 200 {
		t.Errorf("the stuck consumer got %d of 200 evaluations", evals)
	}
	if progress > 2 || samples > 2 {
		t.Errorf("the stuck consumer's queue kept %d progress and %d sample events, want at most 2 each", progress, samples)
	}
	if _, ok := evs[len(evs)-1].(DoneEvent); !ok {
		t.Errorf("last event %T, want DoneEvent", evs[len(evs)-1])
	}
}

func TestSubscribeReplaysStateAfterTheRun(t *testing.T) {
	dir := t.TempDir()
	tr, _, err := fakeTrainer(fakeConfig(2, dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	tr.Send(Command{Kind: CmdSet, Name: "lr", Value: "0.2"})
	sum, err := runToEnd(t, tr)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	evs := drain(events)
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, strings.TrimPrefix(strings.TrimSuffix(typeName(e), "Event"), "engine."))
	}
	want := []string{"History", "Hyper", "Chip", "Eval", "Eval", "Command", "Progress", "Done"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("replay %v, want %v", kinds, want)
	}
	h := evs[0].(HistoryEvent)
	if len(h.Steps) != 10 || h.Steps[9] != 10 {
		t.Errorf("history steps %v", h.Steps)
	}
	if hy, lr, decay := evs[1].(HyperEvent), 0.2, 0.9; hy.Hyper.LR != lr*decay*decay {
		t.Errorf("replayed hyper lr %v", hy.Hyper.LR)
	}
	if d := evs[7].(DoneEvent); d.Summary != sum {
		t.Errorf("replayed summary %+v, want %+v", d.Summary, sum)
	}
}

func typeName(e Event) string { return fmt.Sprintf("%T", e) }

func TestTrainerSaveWithoutRunDirRefused(t *testing.T) {
	tr, _, err := fakeTrainer(fakeConfig(1, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	tr.Send(Command{Kind: CmdSave})
	if _, err := runToEnd(t, tr); err != nil {
		t.Fatal(err)
	}
	cs := commandEvents(drain(events))
	if len(cs) != 1 || cs[0].Applied || !strings.Contains(cs[0].Err, "--run-dir") {
		t.Fatalf("save without a run dir: %+v", cs)
	}
}

func TestTrainerResumeForksIntoNewDirectory(t *testing.T) {
	dir := t.TempDir()
	tr, _, err := fakeTrainer(fakeConfig(1, dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runToEnd(t, tr); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, runCheckpointFile))
	fork := filepath.Join(t.TempDir(), "fork")
	tr, _, err = fakeTrainer(Config{Resume: dir, RunDir: fork, Epochs: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cp, err := readCheckpoint(fork); err != nil || cp.Position.Step != 5 {
		t.Fatalf("the fork is not resumable before it trains: %+v, %v", cp, err)
	}
	sum, err := runToEnd(t, tr)
	if err != nil || sum.Steps != 10 || sum.RunDir != fork {
		t.Fatalf("fork: %+v, %v", sum, err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, runCheckpointFile))
	if !bytes.Equal(before, after) {
		t.Error("forking changed the original run's checkpoint")
	}
}

// TestTrainerSampleViews checks that a subscriber gets a view of a sample
// before the first batch and again after a chip change while paused, each
// a copy the learner's later views do not overwrite.
func TestTrainerSampleViews(t *testing.T) {
	tr, _, err := fakeTrainer(fakeConfig(1, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	tr.Send(Command{Kind: CmdPause})
	tr.Start(context.Background())
	nextSample := func() SampleEvent {
		t.Helper()
		for e := range events {
			if s, ok := e.(SampleEvent); ok {
				return s
			}
		}
		t.Fatal("stream ended without a sample")
		return SampleEvent{}
	}
	first := nextSample()
	w0 := first.OutputTraces[0][1]
	tr.Send(Command{Kind: CmdStep}) // moves the weights the fake's view shows
	tr.Send(Command{Kind: CmdDecalibrate, Value: "0.2"})
	second := nextSample()
	for second.Step != 1 {
		second = nextSample()
	}
	if first.OutputTraces[0][1] != w0 {
		t.Error("a later view overwrote an event already delivered")
	}
	if second.OutputTraces[0][1] == w0 {
		t.Error("the view after a step and a chip change shows the old weights")
	}
	tr.Send(Command{Kind: CmdResume})
	for range events {
	}
	if _, err := tr.Wait(); err != nil {
		t.Fatal(err)
	}
}

// eventChan adapts s to a channel of single events, for tests that range
// over a run's events; the channel closes at the stream's end or on cancel.
func eventChan(s *Stream) (<-chan Event, func()) {
	ch := make(chan Event)
	quit := make(chan struct{})
	go func() {
		defer close(ch)
		for {
			evs, ended := s.Wait()
			for _, e := range evs {
				select {
				case ch <- e:
				case <-quit:
					return
				}
			}
			if ended {
				return
			}
		}
	}()
	var once sync.Once
	return ch, func() { once.Do(func() { close(quit); s.Cancel() }) }
}
