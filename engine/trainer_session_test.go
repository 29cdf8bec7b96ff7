package engine

import (
	"context"
	"fmt"
	"math"
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
		`16 lr=0.1 ok "warm restart after decalibrate 0.2, held while the test accuracy improves"`,
		`26 lr=0.05 ok ""`,
		`37 chip-seed 5 ok ""`,
		`37 lr=0.05 ok "warm restart after chip-seed 5, held while the test accuracy improves"`,
		`41 stop ok ""`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fl.lrs[15] == 0.1 || fl.lrs[16] != 0.1 || fl.lrs[37] != 0.05 {
		t.Errorf("lr of steps 16, 17, 38: %v %v %v", fl.lrs[15], fl.lrs[16], fl.lrs[37])
	}
}

// TestTrainerPace: a pace is applied (and shown in the progress), a bad
// one refused with what is accepted; at a slow pace every batch is shown.
func TestTrainerPace(t *testing.T) {
	tr, fl, err := fakeTrainer(fakeConfig(1, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	tr.Send(Command{Kind: CmdPace, Value: "fast"})
	tr.Send(Command{Kind: CmdPace, Value: "5"})
	tr.Start(context.Background())
	var cmds []CommandEvent
	for e := range events {
		switch e := e.(type) {
		case ProgressEvent:
			if len(cmds) == 2 && e.Pace != 5 {
				t.Fatalf("progress at step %d shows pace %v, want 5", e.Step, e.Pace)
			}
		case CommandEvent:
			cmds = append(cmds, e)
		}
	}
	if len(cmds) != 2 || cmds[0].Applied || !strings.Contains(cmds[0].Err, "full speed") || !cmds[1].Applied {
		t.Fatalf("pace commands: %+v", cmds)
	}
	if fl.views != 6 { // the first view, then one per batch
		t.Errorf("%d sample views for 5 batches at a slow pace, want 6", fl.views)
	}
	for _, c := range []struct {
		in   string
		want float64
	}{{"full", 0}, {"0", 0}, {" 2.5 ", 2.5}, {"0.1", 0.1}} {
		if p, err := ParsePace(c.in); err != nil || p != c.want {
			t.Errorf("ParsePace(%q) = %v, %v", c.in, p, err)
		}
	}
	for _, in := range []string{"-1", "0.01", "1e5", "NaN", ""} {
		if _, err := ParsePace(in); err == nil {
			t.Errorf("ParsePace(%q) accepted", in)
		}
	}
}

// TestTrainerHoldsLRWhileAccuracyImproves: after a warm restart the lr
// stays at its base while the test accuracy improves, and decays again
// (recorded) after two epochs without a better one.
func TestTrainerHoldsLRWhileAccuracyImproves(t *testing.T) {
	accs := map[int]float64{4: 0.6, 5: 0.7, 6: 0.65, 7: 0.68}
	var tr *Trainer
	tr, fl, err := fakeTrainer(fakeConfig(9, ""), func(fl *fakeLearner) {
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
		"16 lr=0.1 warm restart after decalibrate 0.2, held while the test accuracy improves",
		"35 lr=0.09 lr decay resumes: the test accuracy was best (70.0 %) 2 epochs ago",
	}
	if !slices.Equal(autos, want) {
		t.Fatalf("automatic changes:\n%s\nwant:\n%s", strings.Join(autos, "\n"), strings.Join(want, "\n"))
	}
	for k := 16; k < 35; k++ { // steps 17..35
		if fl.lrs[k] != 0.1 {
			t.Errorf("step %d trained at lr %v, want the held 0.1", k+1, fl.lrs[k])
		}
	}
	if lr := fl.lrs[35]; math.Abs(lr-0.09) > 1e-12 {
		t.Errorf("step 36 after the hold trained at lr %v, want 0.09", lr)
	}
}
