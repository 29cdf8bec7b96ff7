package tui

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"inloop/engine"
)

// Update implements tea.Model. It is a pure step: a message in, the state
// changed, commands out. It never blocks (Source.Send never blocks).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd, changed := m.update(msg)
	if changed {
		m.dirty = true
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return nil, true
	case tea.ColorProfileMsg:
		m.styles = NewStyles(msg.Profile, m.dark)
		return nil, true
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.styles = NewStyles(m.styles.Profile, m.dark)
		return nil, true
	case eventsMsg:
		return m.takeEvents(msg), true
	case exportedMsg:
		if msg.err != nil {
			m.setFlash("✗ NIR export failed: "+msg.err.Error(), true)
		} else {
			m.setFlash("✓ network exported as NIR to "+msg.path, false)
		}
		return nil, true
	case quitTimeoutMsg:
		m.unsubscribe()
		return tea.Quit, false
	case tea.KeyPressMsg:
		return m.handleKey(msg), true
	case tea.MouseClickMsg:
		return m.handleClick(msg.Mouse()), true
	case tea.MouseWheelMsg:
		return m.handleWheel(msg.Mouse()), true
	}
	return nil, false
}

// takeEvents folds a batch of events into the state and re-arms the
// subscription.
func (m *Model) takeEvents(msg eventsMsg) tea.Cmd {
	wasAtEnd := m.state.progress.AtEnd
	var export tea.Cmd
	for _, ev := range msg.events {
		m.state.apply(ev)
		switch e := ev.(type) {
		case engine.CommandEvent:
			m.commandResult(e)
			if e.Command.Kind == engine.CmdSave && m.exportPending {
				m.exportPending = false
				if e.Applied {
					m.setFlash("exporting the network as NIR…", false)
					export = exportNIR(m.opts.Export)
				}
			}
		case engine.ProgressEvent:
			if e.AtEnd && !wasAtEnd {
				m.setFlash(fmt.Sprintf("trained all %d epochs: + trains %d more, r starts over, q quits", e.Epochs, moreEpochs), false)
			}
			wasAtEnd = e.AtEnd
		case engine.RunEvent:
			m.takeRunEvent(e)
			m.setFlash(fmt.Sprintf("✓ %s: a new run from seed %d; the previous run's curves are faded (o hides them)", e.Why, e.Seed), false)
			if e.RunDir != "" {
				m.flash += "; writing " + e.RunDir
			}
		case engine.DoneEvent:
			if e.Err != nil {
				m.setFlash("the run failed: "+e.Err.Error(), true)
			} else {
				m.setFlash(fmt.Sprintf("the run ended: test accuracy %.1f %% after %d steps", 100*e.Summary.TestAccuracy, e.Summary.Steps), false)
			}
		}
	}
	m.clampSelections()
	if msg.closed {
		m.state.closed = true
		if m.quitting {
			m.unsubscribe()
			return tea.Quit
		}
		return nil
	}
	if m.quitting && m.state.done != nil {
		m.unsubscribe()
		return tea.Quit
	}
	delay := m.interval
	if m.quitting {
		delay = 0
	}
	if export != nil {
		return tea.Batch(waitForEvents(m.events, delay), export)
	}
	return waitForEvents(m.events, delay)
}

// exportedMsg reports a NIR export.
type exportedMsg struct {
	path string
	err  error
}

// exportNIR runs the export hook as a command (off the UI goroutine).
func exportNIR(export func() (string, error)) tea.Cmd {
	return func() tea.Msg {
		p, err := export()
		return exportedMsg{p, err}
	}
}

// commandResult records what became of a command this or another session sent.
func (m *Model) commandResult(ce engine.CommandEvent) {
	for i, st := range settings {
		if !st.matches(ce.Command) {
			continue
		}
		p := &m.pend[i]
		if p.status == editSent && p.value != ce.Command.Value && st.Kind != engine.CmdUncalibrate {
			continue // a result for an older value; ours is still on its way
		}
		p.value, p.step, p.reason = ce.Command.Value, ce.Step, ce.Err
		p.status = editApplied
		if !ce.Applied {
			p.status = editRefused
		}
	}
	label := commandLabel(ce.Command)
	switch {
	case ce.Auto != "" && ce.Applied:
		msg := fmt.Sprintf("↻ %s: %s", label, ce.Auto)
		if m.flash != "" && !m.flashBad {
			msg = m.flash + " · " + msg
		}
		m.setFlash(msg, false)
	case !ce.Applied && ce.Command.Kind == engine.CmdNewRun:
		m.setFlash(fmt.Sprintf("✗ %s refused, the current run goes on: %s", label, ce.Err), true)
	case !ce.Applied:
		m.setFlash(fmt.Sprintf("✗ %s refused: %s", label, ce.Err), true)
	case ce.Command.Kind == engine.CmdSave:
		m.setFlash(fmt.Sprintf("✓ checkpoint saved at step %d", ce.Step), false)
	case marked(ce.Command.Kind):
		m.setFlash(fmt.Sprintf("✓ %s applied at step %d", label, ce.Step), false)
	}
}

func (m *Model) setFlash(s string, bad bool) { m.flash, m.flashBad = s, bad }

// clampSelections keeps the selected probe and parameter valid as events
// change how many there are.
func (m *Model) clampSelections() {
	if m.state.hasSample {
		m.neuron.pickDefault(&m.state.sample)
	}
	if n := len(m.state.chip.Params); m.param >= n {
		m.param = max(n-1, 0)
	}
}

// send passes a command to the run, unless this instance is read-only.
func (m *Model) send(c engine.Command) bool {
	if m.opts.ReadOnly {
		m.setFlash("read-only: "+m.opts.ReadOnlyReason, true)
		return false
	}
	if m.state.done != nil || m.state.closed {
		m.setFlash("the run has ended: nothing to change (q quits)", true)
		return false
	}
	if m.src != nil {
		m.src.Send(c)
	}
	return true
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.opts.Autopilot != nil && !m.opts.ReadOnly {
		m.opts.Autopilot.TakeOver()
	}
	if m.editing {
		return m.editKey(msg)
	}
	if m.form != nil {
		return m.formKey(msg)
	}
	if m.neuron.typing {
		return m.neuronKey(msg)
	}
	if m.quitting && !key.Matches(msg, k.Quit) {
		return nil // waiting for the run to stop; only a second quit counts
	}
	m.flash = ""
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
	case key.Matches(msg, k.Escape):
		m.showHelp, m.zoom = false, false
	case key.Matches(msg, k.NextPane):
		m.setFocus((m.focus + 1) % numPanes)
	case key.Matches(msg, k.PrevPane):
		m.setFocus((m.focus + numPanes - 1) % numPanes)
	case m.focus == paneParams && key.Matches(msg, k.Submit):
		return m.startEdit()
	case (m.focus == paneTraces || m.focus == paneRaster) && isDigitKey(msg) && m.state.hasSample:
		m.neuron.typing, m.neuron.typed = true, msg.String()
	case key.Matches(msg, k.Zoom):
		m.zoom = !m.zoom
	case key.Matches(msg, k.Pause):
		if m.state.paused() {
			m.send(engine.Command{Kind: engine.CmdResume})
		} else {
			m.send(engine.Command{Kind: engine.CmdPause})
		}
	case key.Matches(msg, k.Step):
		if !m.state.paused() {
			m.setFlash("single steps run while paused: press space first", true)
		} else {
			m.send(engine.Command{Kind: engine.CmdStep})
		}
	case key.Matches(msg, k.More):
		m.moreEpochs()
	case key.Matches(msg, k.StartOver), key.Matches(msg, k.Repeat):
		seed := "next"
		if key.Matches(msg, k.Repeat) {
			seed = "same"
		}
		if m.send(engine.Command{Kind: engine.CmdStartOver, Value: seed}) {
			m.setFlash("starting over with fresh weights ("+seed+" seed)…", false)
		}
	case key.Matches(msg, k.NewRun):
		m.openNewRun()
	case key.Matches(msg, k.Overlay):
		if m.state.prev == nil {
			m.setFlash("no previous run to hide", false)
		} else {
			m.state.prev = nil
		}
	case key.Matches(msg, k.Slower):
		m.stepPace(true)
	case key.Matches(msg, k.Faster):
		m.stepPace(false)
	case key.Matches(msg, k.Export):
		if m.opts.Export == nil {
			m.setFlash("NIR export needs a run directory: start with --run-dir DIR (or inloop export RUN_DIR --nir FILE)", true)
		} else if m.send(engine.Command{Kind: engine.CmdSave}) {
			m.exportPending = true
			m.setFlash("saving a checkpoint to export…", false)
		}
	case key.Matches(msg, k.Save):
		if m.send(engine.Command{Kind: engine.CmdSave}) {
			m.setFlash("saving a checkpoint…", false)
		}
	case key.Matches(msg, k.Edit):
		m.setFocus(paneParams)
		return m.startEdit()
	case key.Matches(msg, k.Variant):
		m.variant = (m.variant + 1) % 3
	case m.focus == paneMismatch && key.Matches(msg, k.Param):
		d := 1
		if msg.String() == "[" {
			d = -1
		}
		if n := len(m.state.chip.Params); n > 0 {
			m.param = ((m.param+d)%n + n) % n
		}
	case m.focus == paneMismatch && key.Matches(msg, k.Scale):
		m.sharedScale = !m.sharedScale
	case key.Matches(msg, k.MapPath):
		m.mapSoftware = !m.mapSoftware
	case key.Matches(msg, k.Up):
		m.move(-1, true)
	case key.Matches(msg, k.Down):
		m.move(1, true)
	case key.Matches(msg, k.Prev):
		m.move(-1, false)
	case key.Matches(msg, k.Next):
		m.move(1, false)
	}
	return nil
}

// paces are the pace keys' steps in batches per second, slowest last.
var paces = []float64{100, 30, 10, 3, 1}

// stepPace asks for the next slower or faster pace: below the slowest
// step nothing, above the fastest full speed.
func (m *Model) stepPace(slower bool) {
	cur := m.state.progress.Pace
	eff := cur
	if eff == 0 {
		eff = math.Inf(1)
	}
	next := -1.0 // none
	if slower {
		for _, p := range paces {
			if p < eff {
				next = p
				break
			}
		}
	} else if cur != 0 {
		next = 0
		for i := len(paces) - 1; i >= 0; i-- {
			if paces[i] > eff {
				next = paces[i]
				break
			}
		}
	}
	if next < 0 {
		m.setFlash("the pace is already "+engine.PaceText(cur), false)
		return
	}
	v := strconv.FormatFloat(next, 'g', -1, 64)
	if m.send(engine.Command{Kind: engine.CmdPace, Value: v}) {
		m.setFlash("pace: "+engine.PaceText(next), false)
	}
}

// moreEpochs extends a bounded run by moreEpochs epochs (a run without an
// end has nothing to extend).
func (m *Model) moreEpochs() {
	p := &m.state.progress
	if !m.state.hasProgress || p.Epochs == 0 {
		m.setFlash("this run has no end: it trains until you quit", true)
		return
	}
	n := p.Epochs + moreEpochs
	c := engine.Command{Kind: engine.CmdSet, Name: "epochs", Value: strconv.Itoa(n)}
	if m.send(c) {
		m.setFlash(fmt.Sprintf("asking for %d more epochs (%d in all)…", moreEpochs, n), false)
	}
}

func (m *Model) setFocus(p pane) {
	m.focus = p
	if p != paneParams {
		m.lastPlot = p
	}
	if p == paneMismatch || p == paneMap {
		m.lastChip = p
	}
}

// move steps the focused pane's selection: settings rows, membrane probes,
// mismatch parameters. vertical is ↑/↓ (rows), else ←/→.
func (m *Model) move(d int, vertical bool) {
	wrap := func(i, n int) int {
		if n == 0 {
			return 0
		}
		return ((i+d)%n + n) % n
	}
	switch m.focus {
	case paneParams:
		if vertical {
			m.row = wrap(m.row, len(settings))
		}
	case paneTraces, paneRaster:
		if vertical {
			m.neuron.toggleLayer(&m.state.sample)
		} else {
			m.neuron.step(&m.state.sample, d)
		}
		m.neuron.set = true
	case paneMismatch: // the inspector's cursor: a circuit, or a row of them
		step := d
		if vertical {
			step *= max(m.die.cols, 1)
		}
		m.circuit = ((m.circuit+step)%(2*circuitsPerHemisphere) + 2*circuitsPerHemisphere) % (2 * circuitsPerHemisphere)
	case paneCurves:
		if vertical { // ↑ smooths more
			m.smooth = min(max(m.smooth-d, 0), len(smoothLevels)-1)
		}
	}
}

// startEdit opens the editor on the selected settings row; actions without
// a value are sent at once.
func (m *Model) startEdit() tea.Cmd {
	if m.opts.ReadOnly {
		m.setFlash("read-only: "+m.opts.ReadOnlyReason, true)
		return nil
	}
	st := settings[m.row]
	if st.NoValue {
		c, _ := st.command("")
		if m.send(c) {
			m.pend[m.row] = pending{status: editSent}
		}
		return nil
	}
	m.editing, m.editErr = true, ""
	v := st.value(&m.state)
	if st.Name == "epochs" && v == "0" {
		v = "" // no end: any length typed bounds the session
	}
	m.input.SetValue(v)
	if p := m.pend[m.row]; p.status == editRefused {
		// the refused text comes back beside the reason, to be corrected
		m.input.SetValue(p.value)
		m.editErr = p.reason
	}
	m.input.Focus()
	m.input.CursorEnd()
	return nil
}

// editKey handles a key while a value is being typed.
func (m *Model) editKey(msg tea.KeyPressMsg) tea.Cmd {
	switch k := m.keys; {
	case key.Matches(msg, k.Interrupt):
		m.editing = false
		return m.quit()
	case key.Matches(msg, k.Escape):
		m.editing, m.editErr = false, ""
		m.input.Blur()
		return nil
	case key.Matches(msg, k.Submit):
		st := settings[m.row]
		c, err := st.command(m.input.Value())
		if err != nil {
			m.editErr = err.Error() // inline; nothing is sent
			return nil
		}
		if m.send(c) {
			m.pend[m.row] = pending{value: c.Value, status: editSent}
		}
		m.editing, m.editErr = false, ""
		m.input.Blur()
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.editErr = ""
	_ = cmd // the cursor does not blink: no timers while typing
	return nil
}

// quit ends the app. Where the app owns the run it first asks the run to
// stop and waits briefly for its DoneEvent, so a checkpoint is written.
func (m *Model) quit() tea.Cmd {
	if m.quitting {
		m.unsubscribe()
		return tea.Quit // a second quit does not wait
	}
	if m.opts.StopOnQuit && !m.opts.ReadOnly && m.events != nil && !m.state.closed && m.state.done == nil {
		m.quitting = true
		m.src.Send(engine.Command{Kind: engine.CmdStop})
		m.setFlash("stopping the run: writing a checkpoint…", false)
		return tea.Tick(quitWait, func(time.Time) tea.Msg { return quitTimeoutMsg{} })
	}
	m.unsubscribe()
	return tea.Quit
}

func (m *Model) handleClick(ms tea.Mouse) tea.Cmd {
	if ms.Button != tea.MouseLeft {
		return nil
	}
	if p, ok := m.lay.tabAt(ms.X, ms.Y); ok {
		m.setFocus(p)
		return nil
	}
	for p := pane(0); p < numPanes; p++ {
		r := m.lay.panes[p]
		if !r.Empty() && r.Contains(ms.X, ms.Y) {
			m.setFocus(p)
			if p == paneParams && !m.editing {
				if i := m.lay.rowAt(ms.Y); i >= 0 {
					m.row = i
				}
			}
			if c, ok := m.die.circuitAt(ms.X, ms.Y); ok && p == paneMismatch {
				m.circuit = c
			}
		}
	}
	return nil
}

func (m *Model) handleWheel(ms tea.Mouse) tea.Cmd {
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = -1
	case tea.MouseWheelDown:
		d = 1
	default:
		return nil
	}
	for p := pane(0); p < numPanes; p++ {
		if r := m.lay.panes[p]; !r.Empty() && r.Contains(ms.X, ms.Y) {
			m.setFocus(p)
			m.move(d, p == paneParams)
		}
	}
	return nil
}
