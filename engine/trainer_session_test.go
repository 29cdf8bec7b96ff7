package engine

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTrainerWithoutEndTrainsUntilStopped: a run of 0 epochs has no end: it
// trains past any length until a stop, and a resumed one goes on the same way.
func TestTrainerWithoutEndTrainsUntilStopped(t *testing.T) {
	dir := t.TempDir()
	var tr *Trainer
	tr, _, err := fakeTrainer(fakeConfig(0, dir), func(fl *fakeLearner) {
		fl.hook = func(k int) {
			if k == 57 {
				tr.Send(Command{Kind: CmdStop})
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := runToEnd(t, tr)
	if err != nil || sum.Steps != 57 || sum.Epochs != 11 || sum.Completed {
		t.Fatalf("stopped at step 57: %+v, %v", sum, err)
	}
	tr, _, err = fakeTrainer(Config{Resume: dir}, func(fl *fakeLearner) {
		fl.hook = func(k int) {
			if k == 20 { // the resumed learner counts its own steps
				tr.Send(Command{Kind: CmdStop})
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	sum, err = runToEnd(t, tr)
	if err != nil || sum.Steps != 77 || sum.Completed {
		t.Fatalf("resumed and stopped 20 steps later: %+v, %v", sum, err)
	}
}

// TestTrainerKeptOpenWaitsForMoreEpochs: with KeepOpen a bounded run says
// it reached its end and waits; more epochs continue it from where it was.
func TestTrainerKeptOpenWaitsForMoreEpochs(t *testing.T) {
	tr, fl, err := fakeTrainer(fakeConfig(2, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	tr.KeepOpen()
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	tr.Start(context.Background())
	atEnd := func(after int) ProgressEvent { // the end reached after step after
		t.Helper()
		for e := range events {
			if p, ok := e.(ProgressEvent); ok && p.AtEnd && p.Step > after {
				return p
			}
		}
		t.Fatal("the stream ended before the run reached its end")
		return ProgressEvent{}
	}
	if p := atEnd(0); p.Step != 10 || p.Epochs != 2 {
		t.Fatalf("at the end: %+v", p)
	}
	tr.Send(Command{Kind: CmdStep})
	tr.Send(Command{Kind: CmdSet, Name: "epochs", Value: "3"})
	if p := atEnd(10); p.Step != 15 || p.Epochs != 3 {
		t.Fatalf("at the new end: %+v", p)
	}
	tr.Send(Command{Kind: CmdStop})
	sum, err := tr.Wait()
	if err != nil || sum.Steps != 15 || !sum.Completed || fl.steps != 15 {
		t.Fatalf("after stop: %+v, %v (learner steps %d)", sum, err, fl.steps)
	}
}

// TestTrainerWarmRestartsLRAfterChipChanges: after a change to the chip,
// once the lr has decayed below a quarter of its base (configured, or last
// set by the user), it returns there, recorded as the trainer's own change;
// a change while the lr is higher restarts nothing.
func TestTrainerWarmRestartsLRAfterChipChanges(t *testing.T) {
	cfg := fakeConfig(0, "")
	cfg.Hyper.LRDecay = 0.5
	var tr *Trainer
	tr, fl, err := fakeTrainer(cfg, func(fl *fakeLearner) {
		fl.acc = func(n int) float64 { return float64(n) / 100 } // always better: held
		fl.hook = func(k int) {
			switch k {
			case 2:
				tr.Send(Command{Kind: CmdUncalibrate}) // lr not decayed yet
			case 16:
				tr.Send(Command{Kind: CmdDecalibrate, Value: "0.2"}) // lr 0.0125
			case 26:
				tr.Send(Command{Kind: CmdSet, Name: "lr", Value: "0.05"})
			case 41:
				tr.Send(Command{Kind: CmdChipSeed, Value: "5"}) // lr 0.05/8
			case 43:
				tr.Send(Command{Kind: CmdStop})
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	if _, err := runToEnd(t, tr); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range commandEvents(drain(events)) {
		got = append(got, fmt.Sprintf("%d %s %s %q", c.Step, commandText(c.Command), map[bool]string{true: "ok", false: "refused"}[c.Applied], c.Auto))
	}
	want := []string{
		`2 uncalibrate ok ""`,
		`16 decalibrate 0.2 ok ""`,
		`16 lr=0.025 ok "warm restart after decalibrate 0.2, held while the test accuracy improves"`,
		`26 lr=0.05 ok ""`,
		`41 chip-seed 5 ok ""`,
		`41 lr=0.0125 ok "warm restart after chip-seed 5, held while the test accuracy improves"`,
		`43 stop ok ""`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fl.lrs[15] != 0.0125 || fl.lrs[16] != 0.025 || fl.lrs[24] != 0.025 || fl.lrs[41] != 0.0125 {
		t.Errorf("lr of steps 16, 17, 25, 42: %v %v %v %v", fl.lrs[15], fl.lrs[16], fl.lrs[24], fl.lrs[41])
	}
}

// TestTrainerHoldsLRWhileAccuracyImproves: after a warm restart the lr
// stays where it restarted while the test accuracy improves, and decays
// again (recorded) after an epoch without a better one.
func TestTrainerHoldsLRWhileAccuracyImproves(t *testing.T) {
	cfg := fakeConfig(9, "")
	cfg.Hyper.LRDecay = 0.5
	accs := map[int]float64{4: 0.6, 5: 0.7, 6: 0.65}
	var tr *Trainer
	tr, fl, err := fakeTrainer(cfg, func(fl *fakeLearner) {
		fl.acc = func(n int) float64 { return accs[n] }
		fl.hook = func(k int) {
			if k == 16 {
				tr.Send(Command{Kind: CmdDecalibrate, Value: "0.2"})
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	if _, err := runToEnd(t, tr); err != nil {
		t.Fatal(err)
	}
	var autos []string
	for _, c := range commandEvents(drain(events)) {
		if c.Auto != "" {
			autos = append(autos, fmt.Sprintf("%d %s %s", c.Step, commandText(c.Command), c.Auto))
		}
	}
	want := []string{
		"16 lr=0.025 warm restart after decalibrate 0.2, held while the test accuracy improves",
		"30 lr=0.0125 lr decay resumes: the test accuracy did not improve on 70.0 %",
	}
	if !slices.Equal(autos, want) {
		t.Fatalf("automatic changes:\n%s\nwant:\n%s", strings.Join(autos, "\n"), strings.Join(want, "\n"))
	}
	for k := 16; k < 30; k++ { // steps 17..30
		if fl.lrs[k] != 0.025 {
			t.Errorf("step %d trained at lr %v, want the held 0.025", k+1, fl.lrs[k])
		}
	}
	if lr := fl.lrs[30]; math.Abs(lr-0.0125) > 1e-12 {
		t.Errorf("step 31 after the hold trained at lr %v, want 0.0125", lr)
	}
}

// TestTrainerStartsOver: a start over ends the run (its directory stays
// resumable at that step) and trains fresh weights from the next seed in a
// new directory beside it; consumers are told, and the replay starts anew.
func TestTrainerStartsOver(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	var tr *Trainer
	var learners []*fakeLearner
	tr, err := newTrainer(fakeConfig(0, dir), func(c Config) (trainee, error) {
		fl := newFake(c, 23)
		n := len(learners)
		fl.hook = func(k int) {
			switch {
			case n == 0 && k == 7:
				tr.Send(Command{Kind: CmdStartOver, Value: "sideways"})
				tr.Send(Command{Kind: CmdStartOver, Value: "next"})
			case n == 1 && k == 3:
				tr.Send(Command{Kind: CmdStop})
			}
		}
		learners = append(learners, fl)
		return fl, nil
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
	second := dir + "-2"
	if len(learners) != 2 || learners[1].Cfg.Seed != 8 || sum.Steps != 3 || sum.RunDir != second || sum.Seed != 8 {
		t.Fatalf("after the start over: %d learners, summary %+v", len(learners), sum)
	}
	if cp, err := readCheckpoint(dir); err != nil || cp.Position.Step != 7 {
		t.Fatalf("the first run is not resumable where it was left: %+v, %v", cp, err)
	}
	var runs []RunEvent
	var cmds []CommandEvent
	for _, e := range drain(events) {
		switch e := e.(type) {
		case RunEvent:
			runs = append(runs, e)
		case CommandEvent:
			cmds = append(cmds, e)
		}
	}
	if len(runs) != 1 || runs[0].Seed != 8 || runs[0].RunDir != second {
		t.Fatalf("run events %+v", runs)
	}
	if len(cmds) != 3 || cmds[0].Applied || !strings.Contains(cmds[0].Err, "same, next") || !cmds[1].Applied || cmds[1].Step != 0 {
		t.Fatalf("commands %+v", cmds)
	}
	replay, _ := tr.Subscribe().Take()
	if h := replay[0].(HistoryEvent); len(h.Steps) != 3 || h.Steps[0] != 1 {
		t.Errorf("the replay after the start over holds steps %v, want the new run's 1..3", h.Steps)
	}
}
