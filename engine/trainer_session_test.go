package engine

import (
	"context"
	"fmt"
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
	atEnd := func() ProgressEvent {
		t.Helper()
		for e := range events {
			if p, ok := e.(ProgressEvent); ok && p.AtEnd {
				return p
			}
		}
		t.Fatal("the stream ended before the run reached its end")
		return ProgressEvent{}
	}
	if p := atEnd(); p.Step != 10 || p.Epochs != 2 {
		t.Fatalf("at the end: %+v", p)
	}
	tr.Send(Command{Kind: CmdStep})
	tr.Send(Command{Kind: CmdSet, Name: "epochs", Value: "3"})
	if p := atEnd(); p.Step != 15 || p.Epochs != 3 {
		t.Fatalf("at the new end: %+v", p)
	}
	tr.Send(Command{Kind: CmdStop})
	sum, err := tr.Wait()
	if err != nil || sum.Steps != 15 || !sum.Completed || fl.steps != 15 {
		t.Fatalf("after stop: %+v, %v (learner steps %d)", sum, err, fl.steps)
	}
}

// TestTrainerWarmRestartsLRAfterChipChanges: after a change to the chip
// the learning rate returns to its base (configured, or last set by the
// user), recorded as the trainer's own change; a change while the lr has
// not decayed restarts nothing.
func TestTrainerWarmRestartsLRAfterChipChanges(t *testing.T) {
	var tr *Trainer
	tr, fl, err := fakeTrainer(fakeConfig(0, ""), func(fl *fakeLearner) {
		fl.hook = func(k int) {
			switch k {
			case 2:
				tr.Send(Command{Kind: CmdUncalibrate}) // lr not decayed yet
			case 16:
				tr.Send(Command{Kind: CmdDecalibrate, Value: "0.2"})
			case 26:
				tr.Send(Command{Kind: CmdSet, Name: "lr", Value: "0.05"})
			case 37:
				tr.Send(Command{Kind: CmdChipSeed, Value: "5"})
			case 41:
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
		`16 lr=0.1 ok "warm restart after decalibrate 0.2"`,
		`26 lr=0.05 ok ""`,
		`37 chip-seed 5 ok ""`,
		`37 lr=0.05 ok "warm restart after chip-seed 5"`,
		`41 stop ok ""`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fl.lrs[15] == 0.1 || fl.lrs[16] != 0.1 || fl.lrs[37] != 0.05 {
		t.Errorf("lr of steps 16, 17, 38: %v %v %v", fl.lrs[15], fl.lrs[16], fl.lrs[37])
	}
}
