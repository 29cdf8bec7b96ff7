package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"

	"inloop/engine"
)

// TestExportKey: x saves a checkpoint, then calls the export hook once the
// save is applied, and flashes the file; without a hook it says what is
// needed; a refused save exports nothing.
func TestExportKey(t *testing.T) {
	m, src := newTestModel(100, 30, colorprofile.ASCII, Options{})
	press(m, "x")
	if len(src.sent) != 0 || !strings.Contains(m.flash, "NIR export needs a run directory") {
		t.Fatalf("no hook: sent %v, flash %q", src.sent, m.flash)
	}

	calls := 0
	m, src = newTestModel(100, 30, colorprofile.ASCII, Options{Export: func() (string, error) {
		calls++
		return "run/network.nir", nil
	}})
	press(m, "x")
	if len(src.sent) != 1 || src.sent[0].Kind != engine.CmdSave || !m.exportPending {
		t.Fatalf("sent %v, pending %v", src.sent, m.exportPending)
	}
	m.Update(eventsMsg{events: []engine.Event{engine.CommandEvent{Step: 7, Command: src.sent[0], Applied: true}}})
	if m.exportPending || m.flash != "exporting the network as NIR…" {
		t.Fatalf("after the save: pending %v, flash %q", m.exportPending, m.flash)
	}
	msg := exportNIR(m.opts.Export)()
	m.Update(msg)
	if calls != 1 || m.flash != "✓ network exported as NIR to run/network.nir" {
		t.Fatalf("calls %d, flash %q", calls, m.flash)
	}
	m.Update(exportedMsg{err: errors.New("disk full")})
	if !strings.Contains(m.flash, "NIR export failed: disk full") || !m.flashBad {
		t.Fatalf("failure flash %q", m.flash)
	}

	press(m, "x")
	m.Update(eventsMsg{events: []engine.Event{engine.CommandEvent{Step: 8, Command: src.sent[1], Err: "no run directory"}}})
	if m.exportPending || calls != 1 {
		t.Fatalf("refused save: pending %v, calls %d", m.exportPending, calls)
	}
}
