package tui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"inloop/engine"
	"inloop/tui/demo"
)

// TestEndToEnd runs the app in a real program on a synthetic run: it waits
// for events to show, edits the learning rate (a bad value first, which is
// not sent), sees the run confirm the good one, and quits, which stops the
// run. (Frames are rate-capped, so intermediate states are checked in the
// Update tests, not in this output.)
func TestEndToEnd(t *testing.T) {
	src := demo.NewSource(3, 2*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan struct{})
	go func() { src.Run(ctx); close(ran) }()

	tm := teatest.NewTestModel(t, New(src, Options{Dataset: "yinyang", StopOnQuit: true}),
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	// Wait for the first sample to show. The renderer writes only the cells
	// that changed, so the wait looks for one word on a line of its own.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("label")) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))

	// Keys are taken in order: a bad value (refused inline), then a good one.
	tm.Send(tea.KeyPressMsg{Code: 'e', Text: "e"})
	tm.Send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}) // clear the field
	tm.Type("0.0x")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	tm.Type("1")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("quitting did not stop the run")
	}

	m := tm.FinalModel(t).(*Model)
	if m.pend[0].status != editApplied || m.pend[0].value != "0.01" {
		t.Fatalf("lr edit: %+v", m.pend[0])
	}
	if m.state.hyper.Hyper.LR != 0.01 {
		t.Fatalf("hyperparameters in force: lr %v", m.state.hyper.Hyper.LR)
	}
	if m.state.done == nil {
		t.Fatalf("the app quit before the run's DoneEvent")
	}
	var stops, sets int
	for _, ce := range m.state.log {
		switch ce.Command.Kind {
		case engine.CmdStop:
			stops++
		case engine.CmdSet:
			sets++
		}
	}
	if stops != 1 || sets != 1 {
		t.Fatalf("the run saw %d stops and %d sets, want 1 and 1 (the bad value is never sent)", stops, sets)
	}
}
