package tui

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"inloop/engine"
	"inloop/tui/demo"
	"inloop/tui/plot"
)

// recorder is a Source that records commands and hands out a channel the
// test does not use (tests feed events to Update directly).
type recorder struct {
	sent []engine.Command
}

func (r *recorder) Subscribe() *engine.Stream { return engine.NewStream(true, nil) }
func (r *recorder) Send(c engine.Command)     { r.sent = append(r.sent, c) }

// runEvents are the events of a run some 240 steps in, with a change applied
// at step 120 and a refused one.
func runEvents() []engine.Event {
	h := demo.Hyper()
	hist := engine.HistoryEvent{}
	for s := 1; s <= 240; s++ {
		l, a := demo.Curve(s, 7)
		hist.Steps, hist.Loss, hist.Accuracy = append(hist.Steps, s), append(hist.Loss, l), append(hist.Accuracy, a)
	}
	return []engine.Event{
		hist,
		engine.HyperEvent{Step: 0, Hyper: h, Mode: engine.ModeChip},
		demo.Chip(1, true),
		demo.Eval(100, 7), demo.Eval(200, 7),
		engine.CommandEvent{Step: 120, Command: engine.Command{Kind: engine.CmdSet, Name: "lr", Value: "0.002"}, Applied: true},
		engine.CommandEvent{Step: 130, Command: engine.Command{Kind: engine.CmdSet, Name: "dropout", Value: "2"}, Err: "dropout: 2 out of range (accepted: a number in [0, 1))"},
		demo.Progress(240, 7, h, false),
		demo.Sample(240, 7),
		demo.Map(240, 7),
	}
}

// newTestModel returns a model at a size with a fixed colour profile,
// having taken the run events.
func newTestModel(w, h int, p colorprofile.Profile, opts Options) (*Model, *recorder) {
	src := &recorder{}
	m := newModel(src, opts)
	m.interval = 0
	m.Update(tea.ColorProfileMsg{Profile: p})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(eventsMsg{events: runEvents()})
	return m, src
}

func press(m *Model, keys ...string) {
	for _, k := range keys {
		m.Update(keyMsg(k))
	}
}

// keyMsg builds the key press a terminal would send for a key name.
func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	}
	r, _ := utf8.DecodeRuneInString(k)
	return tea.KeyPressMsg{Code: r, Text: k}
}

func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func plain(m *Model) string { return ansi.Strip(m.View().Content) }

func TestSettingsCount(t *testing.T) {
	if settings[firstCalibration].Kind != engine.CmdRecalibrate || firstCalibration == 0 {
		t.Fatalf("settings table and its constants disagree")
	}
}

// checkFits asserts the frame has at most h lines of at most w cells.
func checkFits(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Fatalf("%d×%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Fatalf("%d×%d: line %d is %d cells: %q", w, h, i, n, ansi.Strip(l))
		}
	}
}

func TestEventsFoldIntoState(t *testing.T) {
	m, _ := newTestModel(80, 24, colorprofile.ASCII, Options{})
	st := &m.state
	if len(st.steps) != 240 || st.steps[239] != 240 {
		t.Fatalf("curve has %d points, want the 240 of the history (the progress at 240 adds none)", len(st.steps))
	}
	if !st.hasSample || !st.hasChip || !st.hasHyper || !st.hasProgress || len(st.evals) != 2 {
		t.Fatalf("latest copies not kept: %+v", st)
	}
	if len(st.marks) != 1 || st.marks[0].step != 120 || markLabel(st.marks[0].cmd) != "lr 0.002" {
		t.Fatalf("marks = %+v, want the applied lr change only", st.marks)
	}
	if m.pend[0].status != editApplied || m.pend[8].status != editRefused || !strings.Contains(m.pend[8].reason, "out of range") {
		t.Fatalf("command results not matched to rows: %+v", m.pend)
	}
	// A progress event for an older step does not add a point.
	m.Update(eventsMsg{events: []engine.Event{demo.Progress(10, 7, demo.Hyper(), false)}})
	if len(st.steps) != 240 {
		t.Fatalf("stale progress added a point")
	}
}

func TestCurveIsDecimated(t *testing.T) {
	var s runState
	for i := 1; i <= 3*maxCurve; i++ {
		s.apply(engine.ProgressEvent{Step: i, Loss: 1, Accuracy: 0.5})
	}
	if len(s.steps) > maxCurve || len(s.steps) < maxCurve/2 {
		t.Fatalf("%d points kept, want between %d and %d", len(s.steps), maxCurve/2, maxCurve)
	}
	if s.steps[0] != 1 || s.steps[len(s.steps)-1] != 3*maxCurve {
		t.Fatalf("ends not kept: %v … %v", s.steps[0], s.steps[len(s.steps)-1])
	}
}

func TestPauseAndStep(t *testing.T) {
	m, src := newTestModel(80, 24, colorprofile.ASCII, Options{})
	press(m, "n")
	if len(src.sent) != 0 || !m.flashBad {
		t.Fatalf("step while running sent %v", src.sent)
	}
	press(m, "space")
	m.Update(eventsMsg{events: []engine.Event{demo.Progress(241, 7, demo.Hyper(), true)}})
	press(m, "n", "space")
	want := []engine.CommandKind{engine.CmdPause, engine.CmdStep, engine.CmdResume}
	if len(src.sent) != len(want) {
		t.Fatalf("sent %v, want %v", src.sent, want)
	}
	for i, k := range want {
		if src.sent[i].Kind != k {
			t.Fatalf("sent %v, want %v", src.sent, want)
		}
	}
	if !strings.Contains(plain(m), "paused") {
		t.Fatalf("status bar does not say paused")
	}
}

// clearInput deletes what the editor was opened with.
func clearInput(m *Model) {
	for range 40 {
		press(m, "backspace")
	}
}

func TestEditValidAppliedOnlyWhenConfirmed(t *testing.T) {
	m, src := newTestModel(80, 24, colorprofile.ASCII, Options{})
	press(m, "e")
	if !m.editing || m.focus != paneParams || m.input.Value() != "0.002" {
		t.Fatalf("editor not opened on lr with its value: editing=%v value=%q", m.editing, m.input.Value())
	}
	clearInput(m)
	typeText(m, "0.01")
	press(m, "enter")
	if len(src.sent) != 1 || src.sent[0] != (engine.Command{Kind: engine.CmdSet, Name: "lr", Value: "0.01"}) {
		t.Fatalf("sent %v", src.sent)
	}
	if m.editing || m.pend[0].status != editSent {
		t.Fatalf("after enter: editing=%v pending=%+v", m.editing, m.pend[0])
	}
	if out := plain(m); !strings.Contains(out, "→ 0.01") {
		t.Fatalf("pending value not shown:\n%s", out)
	}
	h := demo.Hyper()
	h.LR = 0.01
	m.Update(eventsMsg{events: []engine.Event{
		engine.CommandEvent{Step: 241, Command: src.sent[0], Applied: true},
		engine.HyperEvent{Step: 241, Hyper: h, Mode: engine.ModeChip},
	}})
	if m.pend[0].status != editApplied || len(m.state.marks) != 2 {
		t.Fatalf("not applied: %+v marks %v", m.pend[0], m.state.marks)
	}
	if out := plain(m); !strings.Contains(out, "0.01 ✓") || !strings.Contains(out, "lr=0.01 applied at step 241") {
		t.Fatalf("applied value not shown:\n%s", out)
	}
}

func TestEditInvalidSendsNothing(t *testing.T) {
	m, src := newTestModel(80, 24, colorprofile.ASCII, Options{})
	press(m, "e")
	clearInput(m)
	typeText(m, "fast")
	press(m, "enter")
	if len(src.sent) != 0 || !m.editing || !strings.Contains(m.editErr, "not a number") {
		t.Fatalf("sent %v editing %v err %q", src.sent, m.editing, m.editErr)
	}
	if out := plain(m); !strings.Contains(out, "✗ lr:") {
		t.Fatalf("inline error not shown:\n%s", out)
	}
	press(m, "esc")
	if m.editing || len(src.sent) != 0 {
		t.Fatalf("esc did not cancel")
	}
	// Mode and seed are checked here too.
	m.row = rowOf(t, engine.CmdMode, "")
	press(m, "e")
	clearInput(m)
	typeText(m, "quantum")
	press(m, "enter")
	if len(src.sent) != 0 || !strings.Contains(m.editErr, "accepted: chip, software or transfer") {
		t.Fatalf("bad mode: sent %v err %q", src.sent, m.editErr)
	}
}

func TestRefusedShowsReason(t *testing.T) {
	m, src := newTestModel(80, 24, colorprofile.ASCII, Options{})
	row := rowOf(t, engine.CmdDecalibrate, "")
	m.row = row
	press(m, "e")
	typeText(m, "0.3")
	press(m, "enter")
	if len(src.sent) != 1 || src.sent[0].Kind != engine.CmdDecalibrate || src.sent[0].Value != "0.3" {
		t.Fatalf("sent %v", src.sent)
	}
	m.Update(eventsMsg{events: []engine.Event{engine.CommandEvent{Step: 250, Command: src.sent[0], Err: "the chip is busy"}}})
	if m.pend[row].status != editRefused || !strings.Contains(plain(m), "the chip is busy") {
		t.Fatalf("refusal not shown: %+v", m.pend[row])
	}
	// Editing the row again brings the refused text back beside the reason.
	press(m, "e")
	if !m.editing || m.input.Value() != "0.3" || m.editErr != "the chip is busy" {
		t.Fatalf("re-edit: editing %v text %q err %q", m.editing, m.input.Value(), m.editErr)
	}
}

// rowOf is the settings row of a setting.
func rowOf(t *testing.T, kind engine.CommandKind, name string) int {
	t.Helper()
	for i, st := range settings {
		if st.Kind == kind && (kind != engine.CmdSet || st.Name == name) {
			return i
		}
	}
	t.Fatalf("no settings row %s %s", kind, name)
	return -1
}

// TestInlineCheckIsTheEngines: the app refuses inline what the run would
// refuse, with the engine's reason, and keeps the typed text.
func TestInlineCheckIsTheEngines(t *testing.T) {
	cases := []struct {
		kind        engine.CommandKind
		name, typed string
		want        string
	}{
		{engine.CmdSet, "batch", "2.5", "batch: 2.5 is not an integer"},
		{engine.CmdRecalibrate, "", "leak=90,foo=3", `"foo", not a calibration target`},
		{engine.CmdDecalibrate, "", "1.5", "out of range"},
	}
	for _, c := range cases {
		m, src := newTestModel(120, 40, colorprofile.ASCII, Options{})
		m.row = rowOf(t, c.kind, c.name)
		press(m, "e")
		clearInput(m)
		typeText(m, c.typed)
		press(m, "enter")
		if len(src.sent) != 0 || !m.editing || m.input.Value() != c.typed || !strings.Contains(m.editErr, c.want) {
			t.Errorf("%s: sent %v editing %v text %q err %q", c.typed, src.sent, m.editing, m.input.Value(), m.editErr)
		}
		if out := plain(m); !strings.Contains(out, c.typed) {
			t.Errorf("%s: the typed text is not on screen:\n%s", c.typed, out)
		}
	}
	// σ_d = 0 (back to a plain calibration) is accepted here as by the trainer.
	m, src := newTestModel(120, 40, colorprofile.ASCII, Options{})
	m.row = rowOf(t, engine.CmdDecalibrate, "")
	press(m, "e")
	clearInput(m)
	typeText(m, "0")
	press(m, "enter")
	if len(src.sent) != 1 || src.sent[0].Value != "0" {
		t.Errorf("σ_d 0: sent %v, err %q", src.sent, m.editErr)
	}
}

func TestReadOnlyRefusesEdits(t *testing.T) {
	m, src := newTestModel(80, 24, colorprofile.ASCII, Options{ReadOnly: true, ReadOnlyReason: "watching only"})
	press(m, "space", "s", "e")
	if len(src.sent) != 0 || m.editing {
		t.Fatalf("read-only sent %v, editing %v", src.sent, m.editing)
	}
	if out := plain(m); !strings.Contains(out, "watching only") || !strings.Contains(out, "read-only") {
		t.Fatalf("reason not shown:\n%s", out)
	}
}

func TestQuit(t *testing.T) {
	m, src := newTestModel(80, 24, colorprofile.ASCII, Options{})
	_, cmd := m.Update(keyMsg("q"))
	if len(src.sent) != 0 || cmd == nil {
		t.Fatalf("quit without owning the run sent %v", src.sent)
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatalf("quit did not quit")
	}

	m, src = newTestModel(80, 24, colorprofile.ASCII, Options{StopOnQuit: true})
	m.events = engine.NewStream(true, nil) // subscribed
	_, cmd = m.Update(keyMsg("q"))
	if len(src.sent) != 1 || src.sent[0].Kind != engine.CmdStop || !m.quitting || cmd == nil {
		t.Fatalf("quit sent %v, quitting %v", src.sent, m.quitting)
	}
	_, cmd = m.Update(eventsMsg{events: []engine.Event{engine.DoneEvent{}}})
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatalf("DoneEvent did not end the app")
	}
}

func TestFocusZoomAndSelections(t *testing.T) {
	m, _ := newTestModel(200, 60, colorprofile.ASCII, Options{})
	press(m, "tab")
	if m.focus != paneTraces {
		t.Fatalf("focus %v", m.focus)
	}
	first := m.neuron.index
	press(m, "right", "right")
	want := (first + 2) % demo.Hidden
	if m.neuron.index != want || !strings.Contains(plain(m), fmt.Sprintf("‹ hidden %d ›", want)) {
		t.Fatalf("neuron %d after two steps from %d", m.neuron.index, first)
	}
	press(m, "shift+tab", "shift+tab")
	if m.focus != paneParams {
		t.Fatalf("focus %v after shift+tab", m.focus)
	}
	press(m, "tab", "tab", "tab", "tab", "]", "v")
	if m.focus != paneMismatch || m.param != 1 || m.variant != 0 || !strings.Contains(plain(m), "‹ reset ›") {
		t.Fatalf("mismatch selection: focus %v param %d variant %d", m.focus, m.param, m.variant)
	}
	press(m, "z")
	out := plain(m)
	if !m.zoom || strings.Contains(out, "settings") || !strings.Contains(out, "mismatch") {
		t.Fatalf("zoom did not show the mismatch pane alone:\n%s", out)
	}
	press(m, "esc")
	if m.zoom {
		t.Fatalf("esc did not unzoom")
	}
	// A click focuses the pane under the pointer (of the frame last drawn).
	m.View()
	r := m.lay.panes[paneCurves]
	m.Update(tea.MouseClickMsg{X: r.X + 3, Y: r.Y + 3, Button: tea.MouseLeft})
	if m.focus != paneCurves {
		t.Fatalf("click focus %v", m.focus)
	}
	// The wheel over the settings moves the selected row.
	r = m.lay.panes[paneParams]
	m.Update(tea.MouseWheelMsg{X: r.X + 3, Y: r.Y + 3, Button: tea.MouseWheelDown})
	if m.focus != paneParams || m.row != 1 {
		t.Fatalf("wheel: focus %v row %d", m.focus, m.row)
	}
}

// TestNoOverflow checks that at every size, in every state, the frame has
// at most as many lines as the terminal and no line is wider than it.
func TestNoOverflow(t *testing.T) {
	states := map[string]func(m *Model){
		"plain": func(*Model) {},
		"zoom":  func(m *Model) { press(m, "tab", "tab", "z") },
		"help":  func(m *Model) { press(m, "?") },
		"edit": func(m *Model) {
			m.row = firstCalibration
			press(m, "e")
			typeText(m, "leak=80,threshold=150,tau_mem=broken")
			press(m, "enter")
		},
		"empty": nil,
		// The newer panes and states, zoomed and in their slots.
		"map":       func(m *Model) { m.setFocus(paneMap) },
		"map_zoom":  func(m *Model) { m.setFocus(paneMap); press(m, "z", "m") },
		"inspector": func(m *Model) { m.setFocus(paneMismatch); press(m, "z", "right", "down", "c") },
		"neuron":    func(m *Model) { m.setFocus(paneTraces); typeText(m, "12345") },
		"confusion": func(m *Model) {
			m.state.hasMap = false
			m.Update(eventsMsg{events: []engine.Event{engine.EvalEvent{Step: 9, Confusion: make([]int, 400)}}})
			m.state.hasMap = false
			m.setFocus(paneMap)
		},
	}
	var sizes [][2]int
	for w := 1; w <= 260; w += 13 {
		for h := 1; h <= 80; h += 7 {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	// The layout thresholds and their neighbours.
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {minW, minH}, {minW - 1, minH - 1}, {69, 24}, {70, 24},
		{midW - 1, midH}, {midW, midH}, {gridW - 1, gridH}, {gridW, gridH}, {gridW, gridH - 1}, {300, 100}} {
		sizes = append(sizes, sz)
	}
	for name, prep := range states {
		for _, sz := range sizes {
			w, h := sz[0], sz[1]
			{
				var m *Model
				if prep == nil {
					m = newModel(&recorder{}, Options{Title: "shared run", Dataset: "yinyang"})
					m.Update(tea.WindowSizeMsg{Width: w, Height: h})
				} else {
					m, _ = newTestModel(w, h, colorprofile.ANSI256, Options{Dataset: "fashion-mnist", ReadOnly: name == "plain", ReadOnlyReason: "a long reason that has to wrap over more than one line of the settings pane"})
					prep(m)
				}
				out := m.View().Content
				checkFits(t, out, w, h)
			}
		}
	}
}

func BenchmarkRender(b *testing.B) {
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			m, _ := newTestModel(sz[0], sz[1], colorprofile.TrueColor, Options{Dataset: "yinyang"})
			b.ReportAllocs()
			for b.Loop() {
				m.dirty = true
				_ = m.View()
			}
		})
	}
}

func TestDieLayoutFits(t *testing.T) {
	for _, c := range []struct{ w, h, cols, k, ch int }{
		{45, 16, 32, 8, 1},   // 80×24 compact: one cell per circuit
		{145, 23, 64, 4, 2},  // 200×60: circuits 2×2 cells
		{300, 40, 128, 2, 2}, // wide
		{10, 2, 256, 1, 1},   // tiny: 256 columns binned to the width
	} {
		cols, k, ch := dieLayout(c.w, c.h)
		if cols != c.cols || k != c.k || ch != c.ch {
			t.Errorf("dieLayout(%d,%d) = %d,%d,%d want %d,%d,%d", c.w, c.h, cols, k, ch, c.cols, c.k, c.ch)
		}
		if cols*k != circuitsPerHemisphere {
			t.Errorf("dieLayout(%d,%d): %d×%d is not one hemisphere", c.w, c.h, k, cols)
		}
	}
}

func TestUncalibratedChipHasNoCalibratedMap(t *testing.T) {
	m, _ := newTestModel(200, 60, colorprofile.ASCII, Options{})
	m.Update(eventsMsg{events: []engine.Event{demo.Chip(2, false)}})
	press(m, "v", "v") // current → uncalibrated → calibrated
	if out := plain(m); !strings.Contains(out, "never calibrated") {
		t.Fatalf("calibrated map of an uncalibrated chip:\n%s", out)
	}
}

func TestWaitForEventsCoalesces(t *testing.T) {
	s := engine.NewStream(true, nil)
	for i := 1; i <= 5; i++ {
		s.Push(demo.Eval(i, 1))
		s.Push(demo.Progress(i, 1, demo.Hyper(), false))
	}
	msg := waitForEvents(s, 0)().(eventsMsg)
	if len(msg.events) != 6 || msg.closed {
		t.Fatalf("got %d events (closed %v), want the 5 evaluations and the newest progress in one message", len(msg.events), msg.closed)
	}
	s.Push(engine.DoneEvent{})
	msg = waitForEvents(s, 0)().(eventsMsg)
	if len(msg.events) != 1 || !msg.closed {
		t.Fatalf("got %d events (closed %v), want the DoneEvent and the end", len(msg.events), msg.closed)
	}
	m, _ := newTestModel(80, 24, colorprofile.ASCII, Options{})
	if _, cmd := m.Update(msg); cmd != nil || !m.state.closed || !strings.Contains(plain(m), "finished") {
		t.Fatalf("a closed stream is re-armed or not shown as finished")
	}
}

func TestCompactTabsAreClickable(t *testing.T) {
	m, _ := newTestModel(80, 24, colorprofile.ASCII, Options{})
	m.View()
	x0, _ := m.lay.tabSpan(paneCurves)
	m.Update(tea.MouseClickMsg{X: x0 + 1, Y: m.lay.tabs.Y, Button: tea.MouseLeft})
	if out := plain(m); m.focus != paneCurves || !strings.Contains(out, "loss & accuracy") {
		t.Fatalf("click on the curves tab: focus %v\n%s", m.focus, out)
	}
}

// TestOddEventsDoNotPanic feeds events with empty, short, NaN and
// mismatched fields and draws them at several sizes.
func TestOddEventsDoNotPanic(t *testing.T) {
	nan := math.NaN()
	odd := []engine.Event{
		engine.HistoryEvent{Steps: []int{1, 2, 3}, Loss: []float64{nan}, Accuracy: nil},
		engine.ProgressEvent{Step: 5, Loss: nan, Accuracy: math.Inf(1), Epochs: 0},
		engine.EvalEvent{Step: 5, TestLoss: math.Inf(1), TestAccuracy: nan},
		engine.SampleEvent{Label: -1, Prediction: 99, Window: 0, Inputs: 0, Hidden: 2,
			HiddenSpikes: []engine.SpikeAt{{Index: 7, Time: -1}, {Index: 1, Time: nan}},
			OutputTraces: [][]float64{{}, {nan, nan}},
			Probes:       []engine.ProbeTrace{{Layer: "hidden", CADC: []float64{nan, 300, -5}, True: nil, Threshold: nan}}},
		engine.ChipEvent{Params: []engine.ParamMap{{Name: "leak", Current: make([]float64, 100)}, {Name: "reset", Current: make([]float64, 512)}}},
		engine.CommandEvent{Command: engine.Command{Kind: "unknown"}, Err: ""},
		engine.DoneEvent{Err: errors.New("the chip melted")},
	}
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {45, 12}} {
		m := newModel(&recorder{}, Options{})
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		m.Update(eventsMsg{events: odd})
		press(m, "tab", "right", "tab", "right", "v", "tab", "z")
		checkFits(t, m.View().Content, sz[0], sz[1])
		if !strings.Contains(plain(m), "failed") {
			t.Fatalf("the failure is not shown")
		}
	}
}

func TestEndedRunTakesNoCommands(t *testing.T) {
	m, src := newTestModel(80, 24, colorprofile.ASCII, Options{})
	m.Update(eventsMsg{events: []engine.Event{engine.DoneEvent{}}, closed: true})
	press(m, "space", "s")
	if len(src.sent) != 0 || !strings.Contains(m.flash, "ended") {
		t.Fatalf("sent %v to an ended run; flash %q", src.sent, m.flash)
	}
}

// TestNeuronChoice: any hidden or output neuron can be chosen by keys, the
// mouse wheel or a typed number, and the choice stays through new samples.
func TestNeuronChoice(t *testing.T) {
	m, _ := newTestModel(120, 40, colorprofile.ASCII, Options{})
	// The default is the hidden neuron that spiked first.
	e := demo.Sample(240, 7)
	first, at := -1, math.Inf(1)
	for _, s := range e.HiddenSpikes {
		if s.Time < at {
			first, at = s.Index, s.Time
		}
	}
	if first < 0 || m.neuron.index != first || m.neuron.output {
		t.Fatalf("default neuron %s %d, want hidden %d (first to spike)", m.neuron.layer(), m.neuron.index, first)
	}
	press(m, "tab") // membrane
	typeText(m, "97")
	if !m.neuron.typing || !strings.Contains(plain(m), "hidden neuron 97") {
		t.Fatalf("typing not shown:\n%s", plain(m))
	}
	press(m, "enter")
	if m.neuron.index != 97 || !strings.Contains(plain(m), "‹ hidden 97 › of 120 · chip neuron 97") {
		t.Fatalf("typed 97: neuron %d\n%s", m.neuron.index, plain(m))
	}
	// Beyond the layer: refused with the range, the digits kept.
	typeText(m, "500")
	press(m, "enter")
	if m.neuron.index != 97 || !m.neuron.typing || m.neuron.typed != "500" || !strings.Contains(m.flash, "accepted: 0 to 119") {
		t.Fatalf("500 accepted or lost: %+v flash %q", m.neuron, m.flash)
	}
	press(m, "esc")
	// ↓ switches to the outputs; typed numbers then index outputs.
	press(m, "down")
	typeText(m, "2")
	press(m, "enter")
	if !m.neuron.output || m.neuron.index != 2 || !strings.Contains(plain(m), "‹ output 2 › of 3 · chip neuron 122") {
		t.Fatalf("output 2: %+v\n%s", m.neuron, plain(m))
	}
	// The wheel over the pane steps, wrapping within the layer.
	r := m.lay.panes[paneTraces]
	m.Update(tea.MouseWheelMsg{X: r.X + 2, Y: r.Y + 2, Button: tea.MouseWheelDown})
	if m.neuron.index != 0 || !m.neuron.output {
		t.Fatalf("wheel: %+v", m.neuron)
	}
	// New samples with other spikes do not move the choice.
	for s := 241; s < 245; s++ {
		m.Update(eventsMsg{events: []engine.Event{demo.Sample(s, 9)}})
	}
	if !m.neuron.output || m.neuron.index != 0 {
		t.Fatalf("a new sample moved the choice: %+v", m.neuron)
	}
	if pr := m.selectedProbe(); pr == nil || pr.Layer != "output" || pr.Index != 0 {
		t.Fatalf("probe shown %+v", pr)
	}
}

// TestCircuitInspector: the cursor selects a circuit by keys and mouse, the
// inspector shows its role, values and codes from the chip event, failed
// circuits are marked, and the colour scale is the state's own unless the
// shared scale is asked for.
func TestCircuitInspector(t *testing.T) {
	m, _ := newTestModel(120, 40, colorprofile.ASCII, Options{})
	m.setFocus(paneMismatch)
	press(m, "z") // zoomed: the inspector is a column beside the map
	press(m, "right", "right")
	if m.circuit != 2 || !strings.Contains(plain(m), "circuit 2 · H0 col 2") || !strings.Contains(plain(m), "hidden 1 · 1st circuit") {
		t.Fatalf("circuit %d\n%s", m.circuit, plain(m))
	}
	press(m, "down")
	if m.circuit != 2+m.die.cols {
		t.Fatalf("↓ moved to %d, want one row (%d circuits) down", m.circuit, m.die.cols)
	}
	// The mouse picks the circuit under it, by the geometry drawn.
	want := circuitsPerHemisphere + 37
	cr := m.die.cellsOf(want)
	m.Update(tea.MouseClickMsg{X: cr.X, Y: cr.Y, Button: tea.MouseLeft})
	if m.circuit != want {
		t.Fatalf("click on circuit %d's cells selected %d", want, m.circuit)
	}
	// Values and codes are the event's, for that circuit.
	ev := demo.Chip(1, true)
	leak := ev.Params[0]
	line := m.paramLine(&leak, want, true)
	if !strings.Contains(plain(m), line) || !strings.Contains(line, num(leak.Uncalibrated[want])+"→"+num(leak.Current[want])) ||
		!strings.Contains(line, fmt.Sprintf("%d→%d", leak.UncalibratedCodes[want], leak.Codes[want])) {
		t.Fatalf("leak line %q not shown or wrong:\n%s", line, plain(m))
	}
	// Circuit 300 failed τ_mem: marked on that map, and named in the inspector.
	for m.state.chip.Params[m.param].Name != "tau_mem" {
		press(m, "]")
	}
	plain(m) // draw the τ_mem map
	fr := m.die.cellsOf(300)
	if c := m.grid.At(fr.X, fr.Y); c.R != m.styles.NaN.R {
		t.Errorf("failed circuit 300 drawn as %q", c.R)
	}
	m.circuit, m.dirty = 300, true
	if out := plain(m); !strings.Contains(out, "× tau_mem missed 6") {
		t.Errorf("failure not in the inspector:\n%s", out)
	}
	// The scale: the calibrated state's own range by default, all states with c.
	if !strings.Contains(plain(m), "scale: this state") {
		t.Error("default scale not the state's")
	}
	press(m, "c")
	if !m.sharedScale || !strings.Contains(plain(m), "scale: all states") {
		t.Error("c did not switch to the shared scale")
	}
}

// TestMapPane: the map draws the classes of the event's grid where the
// plane's points fall (y rising), marks wrong test points, and m toggles
// between the chip's and the software model's map.
func TestMapPane(t *testing.T) {
	m, _ := newTestModel(120, 40, colorprofile.ASCII, Options{})
	m.setFocus(paneMap)
	press(m, "z")
	out := plain(m)
	e := &m.state.dmap
	if !strings.Contains(out, e.ChipPath) {
		t.Fatalf("the chip path is not named:\n%s", out)
	}
	// Find the map's area from the pane: the region glyphs of the grid's
	// corners (ASCII: class glyphs) must be those of the event.
	r := m.lay.panes[paneMap].Inset(1)
	side := min(r.W/2, r.Y+r.H-1-(r.Y+2))
	area := plot.Rect{X: r.X + (r.W-2*side)/2, Y: r.Y + 2, W: 2 * side, H: side}
	check := func(grid []int) {
		t.Helper()
		for _, c := range [][2]int{{0, 0}, {area.W - 1, 0}, {0, area.H - 1}, {area.W / 2, area.H / 2}, {area.W / 3, area.H * 2 / 3}} {
			ix := min(c[0]*e.Side/area.W, e.Side-1)
			iy := min((area.H-1-c[1])*e.Side/area.H, e.Side-1)
			want := regionGlyphs[grid[iy*e.Side+ix]]
			got := m.grid.At(area.X+c[0], area.Y+c[1]).R
			if got != want && got != '•' && !(got >= '0' && got <= '9') {
				t.Errorf("cell %v: %q, want the region glyph %q of class %d", c, got, want, grid[iy*e.Side+ix])
			}
		}
	}
	check(e.Chip)
	wrong := 0
	for _, p := range e.Test {
		if p.Chip != p.Label {
			wrong++
		}
	}
	if n := strings.Count(out, "chip "+itoa(len(e.Test)-wrong)+"/"+itoa(len(e.Test))); n != 1 {
		t.Errorf("chip score %d/%d not shown:\n%s", len(e.Test)-wrong, len(e.Test), out)
	}
	press(m, "m")
	out = plain(m)
	if !m.mapSoftware || !strings.Contains(out, "software model") {
		t.Fatalf("m did not switch to the software map:\n%s", out)
	}
	check(e.Software)
}

// TestConfusionPane: for datasets without an input plane the map pane shows
// the latest evaluation's confusion matrix, as shares of each true class.
func TestConfusionPane(t *testing.T) {
	m, _ := newTestModel(120, 40, colorprofile.ASCII, Options{})
	m.state.hasMap = false
	conf := []int{8, 2, 0, 0, 10, 0, 1, 0, 9} // 3 classes
	m.Update(eventsMsg{events: []engine.Event{engine.EvalEvent{Step: 300, TestAccuracy: 27.0 / 30, Confusion: conf}}})
	m.state.hasMap = false
	m.setFocus(paneMap)
	press(m, "z")
	out := plain(m)
	for _, want := range []string{"confusion · test at step 300 · 90.0 %", "0    80   20    ·", "1     ·  100    ·", "2    10    ·   90"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q missing:\n%s", want, out)
		}
	}
}
