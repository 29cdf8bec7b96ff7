package tui

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"inloop/engine"
)

// newRunOpts are the options of an app that started a Yin-Yang run.
func newRunOpts() Options {
	cfg, _ := engine.DefaultConfig("yinyang")
	return Options{Dataset: "yinyang", NewRun: engine.NewRunValues(cfg)}
}

// formValues are the form's fields as typed.
func formValues(m *Model) map[string]string {
	v := map[string]string{}
	for i, name := range engine.NewRunFields {
		v[name] = m.form.inputs[i].Value()
	}
	return v
}

// setField replaces the focused field's text.
func setField(m *Model, text string) {
	press(m, "ctrl+u")
	typeText(m, text)
}

// TestNewRunFormOpensPrefilled: N opens the form with the run's values,
// the mode, die and chip state of the latest progress included.
func TestNewRunFormOpensPrefilled(t *testing.T) {
	m, src := newTestModel(120, 40, colorprofile.ASCII, newRunOpts())
	press(m, "?")
	if !strings.Contains(plain(m), "N          new run (form)") {
		t.Fatalf("the help does not show the new-run key:\n%s", plain(m))
	}
	press(m, "esc", "N")
	if m.form == nil {
		t.Fatal("N did not open the new-run form")
	}
	want := map[string]string{"dataset": "yinyang", "data-dir": "", "mode": "chip", "chip-seed": "1", "calibration": "calibrated", "hidden": "", "epochs": "20"}
	cfg, _ := engine.DefaultConfig("yinyang")
	want["hidden"] = engine.NewRunValues(cfg)["hidden"]
	if got := formValues(m); !equalMaps(got, want) {
		t.Errorf("prefilled %v, want %v", got, want)
	}
	// Typing goes to the field, not to the app's keys.
	typeText(m, "q r")
	if m.quitting || len(src.sent) != 0 || m.form.inputs[0].Value() != "yinyangq r" {
		t.Fatalf("keys typed in the form reached the app: quitting %v, sent %v, field %q", m.quitting, src.sent, m.form.inputs[0].Value())
	}
	press(m, "esc")
	if m.form != nil || len(src.sent) != 0 {
		t.Fatalf("esc: form open %v, sent %v", m.form != nil, src.sent)
	}
}

// TestNewRunFormRefusesAndKeepsText: a refused field keeps its text and
// shows its reason beside it; nothing is sent until every field passes;
// enter then sends the new-run command with the fields typed.
func TestNewRunFormRefusesAndKeepsText(t *testing.T) {
	m, src := newTestModel(120, 40, colorprofile.ASCII, newRunOpts())
	press(m, "N")
	setField(m, "mnist")
	press(m, "tab")
	missing := filepath.Join(t.TempDir(), "nowhere")
	setField(m, missing)
	press(m, "tab") // leaving a field checks it
	if e := m.form.errs[1]; !strings.Contains(e, "is not a directory") {
		t.Fatalf("data dir %q: reason %q", missing, e)
	}
	setField(m, "gpu") // mode
	press(m, "down", "down", "down")
	setField(m, "9999") // hidden
	press(m, "enter")
	if len(src.sent) != 0 || m.form == nil {
		t.Fatalf("refused fields were sent: %v", src.sent)
	}
	if m.form.focus != 1 || m.form.inputs[1].Value() != missing || m.form.inputs[2].Value() != "gpu" || m.form.inputs[5].Value() != "9999" {
		t.Fatalf("focus %d, kept texts %v", m.form.focus, formValues(m))
	}
	if !strings.Contains(m.form.errs[2], "chip, software or transfer") || !strings.Contains(m.form.errs[5], "1 to 256 neurons") {
		t.Fatalf("reasons %q", m.form.errs)
	}
	out := plain(m)
	if !strings.Contains(out, "gpu") || !strings.Contains(out, "gpu  ") || !strings.Contains(out, "✗ is not a mode (accepted: chip, software or transfer)") {
		t.Fatalf("the refused mode and its reason are not shown together:\n%s", out)
	}
	// Fix the fields; enter starts the new run.
	dir := t.TempDir()
	setField(m, dir)
	press(m, "tab")
	setField(m, "software")
	press(m, "tab")
	setField(m, "4")
	press(m, "tab", "tab")
	setField(m, "")
	press(m, "tab")
	setField(m, "3")
	press(m, "enter")
	if m.form != nil || len(src.sent) != 1 || src.sent[0].Kind != engine.CmdNewRun {
		t.Fatalf("enter: form open %v, sent %v", m.form != nil, src.sent)
	}
	q, _ := url.ParseQuery(src.sent[0].Value)
	want := map[string]string{"dataset": "mnist", "data-dir": dir, "mode": "software", "chip-seed": "4", "calibration": "calibrated", "hidden": "", "epochs": "3"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("sent %s=%q, want %q", k, q.Get(k), v)
		}
	}
	// The run begins: the status bar names the new dataset, the old curves
	// stay faded, and the next form starts from the new run.
	m.Update(eventsMsg{events: []engine.Event{engine.RunEvent{Why: "new mnist run", Dataset: "mnist", Seed: 1, DataDir: dir, Hidden: 0, Mode: engine.ModeSoftware}, progressAt(0, 0, false)}})
	if m.state.prev == nil || !strings.Contains(plain(m), "mnist") {
		t.Fatalf("after the new run: previous run kept %v\n%s", m.state.prev != nil, plain(m))
	}
	press(m, "N")
	if v := formValues(m); v["dataset"] != "mnist" || v["data-dir"] != dir || v["hidden"] != "" {
		t.Errorf("the next form starts from %v", v)
	}
}

// TestNewRunRefusedSaysSo: a new run the trainer refuses (missing data
// files) says so on one line, naming the dataset, and the run goes on.
func TestNewRunRefusedSaysSo(t *testing.T) {
	m, _ := newTestModel(120, 40, colorprofile.ASCII, newRunOpts())
	c, _ := engine.NewRunCommand(map[string]string{"dataset": "mnist", "mode": "chip", "chip-seed": "1", "calibration": "calibrated"})
	m.Update(eventsMsg{events: []engine.Event{engine.CommandEvent{Step: 241, Command: c, Err: "mnist: train-images-idx3-ubyte.gz is missing"}}})
	want := "✗ new run mnist refused, the current run goes on: mnist: train-images-idx3-ubyte.gz is missing"
	if m.flash != want || !m.flashBad {
		t.Errorf("flash %q, want %q", m.flash, want)
	}
}

// TestNewRunFormReadOnly: a viewer that may not steer gets no form.
func TestNewRunFormReadOnly(t *testing.T) {
	m, _ := newTestModel(120, 40, colorprofile.ASCII, Options{ReadOnly: true, ReadOnlyReason: "watching"})
	press(m, "N")
	if m.form != nil {
		t.Fatal("a read-only viewer opened the new-run form")
	}
}

// TestNewRunFormGolden pins the form with a refused field at 120×40.
func TestNewRunFormGolden(t *testing.T) {
	m, _ := newTestModel(120, 40, colorprofile.ANSI256, newRunOpts())
	press(m, "N")
	setField(m, "cifar")
	press(m, "tab")
	out := m.View().Content
	checkFits(t, out, 120, 40)
	golden.RequireEqual(t, out)
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
