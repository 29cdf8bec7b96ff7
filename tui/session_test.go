package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"

	"inloop/engine"
	"inloop/tui/demo"
)

// progressAt is the run's progress with the given length, pace and end state.
func progressAt(epochs int, pace float64, atEnd bool) engine.ProgressEvent {
	p := demo.Progress(240, 7, demo.Hyper(), false)
	p.Epochs, p.Pace, p.AtEnd = epochs, pace, atEnd
	return p
}

// TestMoreEpochsAtTheEnd: a bounded run at its end is shown as done with
// the offer; + asks for ten more epochs; a run without an end has none.
func TestMoreEpochsAtTheEnd(t *testing.T) {
	m, src := newTestModel(120, 40, colorprofile.ASCII, Options{})
	m.Update(eventsMsg{events: []engine.Event{progressAt(25, 0, true)}})
	if out := plain(m); !strings.Contains(out, "all epochs done") || !strings.Contains(out, "trained all 25 epochs") {
		t.Fatalf("the end of a bounded run is not shown:\n%s", out)
	}
	press(m, "+")
	if len(src.sent) != 1 || src.sent[0] != (engine.Command{Kind: engine.CmdSet, Name: "epochs", Value: "35"}) {
		t.Fatalf("+ sent %v", src.sent)
	}
	m.Update(eventsMsg{events: []engine.Event{progressAt(0, 0, false)}})
	press(m, "+")
	if len(src.sent) != 1 || !strings.Contains(m.flash, "no end") {
		t.Fatalf("+ on a run without an end: sent %v, flash %q", src.sent, m.flash)
	}
	out := plain(m)
	if line := firstLine(out); !strings.Contains(line, "│ epoch 3 │") {
		t.Errorf("a run without an end does not show its epoch alone: %s", line)
	}
	if !strings.Contains(out, "no end") {
		t.Errorf("the settings do not say the run has no end:\n%s", out)
	}
}

// TestPaceKeys: < and > step through the paces from full speed down to one
// batch a second and back; the status bar shows the pace.
func TestPaceKeys(t *testing.T) {
	m, src := newTestModel(120, 40, colorprofile.ASCII, Options{})
	pace := func(p float64) { m.Update(eventsMsg{events: []engine.Event{progressAt(0, p, false)}}) }
	var got []string
	for _, step := range []struct {
		key  string
		now  float64
		want string // the value sent; "" nothing
	}{
		{"<", 0, "100"}, {"<", 100, "30"}, {"<", 3, "1"}, {"<", 1, ""},
		{">", 1, "3"}, {">", 100, "0"}, {">", 0, ""}, {">", 7, "10"}, {"<", 7, "3"},
	} {
		pace(step.now)
		n := len(src.sent)
		press(m, step.key)
		sent := ""
		if len(src.sent) > n {
			c := src.sent[n]
			if c.Kind != engine.CmdPace {
				t.Fatalf("%s sent %v", step.key, c)
			}
			sent = c.Value
		}
		if sent != step.want {
			got = append(got, step.key+" at "+engine.PaceText(step.now)+" sent "+sent+", want "+step.want)
		}
	}
	if len(got) > 0 {
		t.Fatal(strings.Join(got, "\n"))
	}
	pace(1)
	if line := firstLine(plain(m)); !strings.Contains(line, "pace 1 batch/s") {
		t.Errorf("the status bar does not show the pace: %s", line)
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// TestStartOverKeepsThePreviousRunFaded: r and R ask for a start over
// (next and same seed); when the new run begins, its curves start empty and
// the old ones stay as an overlay until o hides them.
func TestStartOverKeepsThePreviousRunFaded(t *testing.T) {
	m, src := newTestModel(120, 40, colorprofile.ASCII, Options{})
	press(m, "r", "R")
	want := []engine.Command{{Kind: engine.CmdStartOver, Value: "next"}, {Kind: engine.CmdStartOver, Value: "same"}}
	if len(src.sent) != 2 || src.sent[0] != want[0] || src.sent[1] != want[1] {
		t.Fatalf("r, R sent %v", src.sent)
	}
	n := len(m.state.steps)
	m.Update(eventsMsg{events: []engine.Event{engine.RunEvent{Why: "start over (next seed)", Seed: 8}, progressAt(0, 0, false)}})
	if m.state.prev == nil || len(m.state.prev.steps) != n || len(m.state.evals) != 0 || len(m.state.steps) != 1 {
		t.Fatalf("after the new run: previous %v, %d evaluations, %d points", m.state.prev != nil, len(m.state.evals), len(m.state.steps))
	}
	if out := plain(m); !strings.Contains(out, "previous run") || !strings.Contains(out, "seed 8") {
		t.Fatalf("the overlay or the new run is not shown:\n%s", out)
	}
	press(m, "o")
	if m.state.prev != nil || strings.Contains(plain(m), "previous run") {
		t.Fatal("o did not hide the previous run")
	}
}
