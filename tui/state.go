package tui

import (
	"fmt"

	"inloop/engine"
)

// maxCurve is the most training-curve points kept; beyond it the curve is
// halved (every other point), so memory and drawing stay bounded.
const maxCurve = 4096

// maxLog is how many command results are kept for display.
const maxLog = 32

// runState is what the app knows about the run: the latest copy of each
// throttled event, the curves and the never-dropped events, accumulated by
// apply. It never shares memory with the trainer beyond the event copies.
type runState struct {
	progress    engine.ProgressEvent
	hasProgress bool
	sample      engine.SampleEvent
	hasSample   bool
	chip        engine.ChipEvent
	hasChip     bool
	hyper       engine.HyperEvent
	hasHyper    bool
	dmap        engine.MapEvent
	hasMap      bool

	// training curve, one point per ProgressEvent (decimated)
	steps, loss, acc []float64
	evals            []engine.EvalEvent
	marks            []mark
	log              []engine.CommandEvent

	done   *engine.DoneEvent
	closed bool // the event stream ended
	events int  // events received, for tests and the status bar

	// prev is the previous run of the session (before a start over), drawn
	// faded under the curves until dismissed; nil if none.
	prev *pastRun
}

// pastRun is what the curves keep of a run after a start over.
type pastRun struct {
	steps, loss, acc []float64
	evals            []engine.EvalEvent
}

// mark is a change the user made, shown on the curves at its step; auto
// marks one the trainer made itself (a warm restart of the lr).
type mark struct {
	step int
	cmd  engine.Command
	auto bool
}

// apply folds one event into the state.
func (s *runState) apply(ev engine.Event) {
	s.events++
	switch e := ev.(type) {
	case engine.HistoryEvent:
		n := min(len(e.Steps), len(e.Loss), len(e.Accuracy))
		s.steps, s.loss, s.acc = s.steps[:0], s.loss[:0], s.acc[:0]
		for i := 0; i < n; i++ {
			s.addPoint(e.Steps[i], e.Loss[i], e.Accuracy[i])
		}
	case engine.ProgressEvent:
		s.progress, s.hasProgress = e, true
		if n := len(s.steps); n == 0 || float64(e.Step) > s.steps[n-1] {
			s.addPoint(e.Step, e.Loss, e.Accuracy)
		}
	case engine.EvalEvent:
		s.evals = append(s.evals, e)
	case engine.SampleEvent:
		s.sample, s.hasSample = e, true
	case engine.ChipEvent:
		s.chip, s.hasChip = e, true
	case engine.MapEvent:
		s.dmap, s.hasMap = e, true
	case engine.HyperEvent:
		s.hyper, s.hasHyper = e, true
	case engine.CommandEvent:
		if len(s.log) == maxLog {
			copy(s.log, s.log[1:])
			s.log = s.log[:maxLog-1]
		}
		s.log = append(s.log, e)
		if e.Applied && marked(e.Command.Kind) {
			s.marks = append(s.marks, mark{e.Step, e.Command, e.Auto != ""})
		}
	case engine.RunEvent:
		// A new run in the session: the old one's curves become the
		// overlay; the rest of its state goes.
		if len(s.steps) > 0 || len(s.evals) > 0 {
			s.prev = &pastRun{steps: s.steps, loss: s.loss, acc: s.acc, evals: s.evals}
		}
		*s = runState{events: s.events, prev: s.prev, chip: s.chip, hasChip: s.hasChip, hyper: s.hyper, hasHyper: s.hasHyper}
	case engine.DoneEvent:
		s.done = &e
	}
}

func (s *runState) addPoint(step int, loss, acc float64) {
	if len(s.steps) >= maxCurve {
		k := 0
		for i := 0; i < len(s.steps); i += 2 {
			s.steps[k], s.loss[k], s.acc[k] = s.steps[i], s.loss[i], s.acc[i]
			k++
		}
		s.steps, s.loss, s.acc = s.steps[:k], s.loss[:k], s.acc[:k]
	}
	s.steps = append(s.steps, float64(step))
	s.loss = append(s.loss, loss)
	s.acc = append(s.acc, acc)
}

// marked says which applied commands change training and get a curve marker.
func marked(k engine.CommandKind) bool {
	switch k {
	case engine.CmdSet, engine.CmdRecalibrate, engine.CmdUncalibrate, engine.CmdDecalibrate, engine.CmdChipSeed, engine.CmdMode:
		return true
	}
	return false
}

// commandLabel is a short text for a command: "lr=0.002", "decalibrate 0.3".
func commandLabel(c engine.Command) string {
	switch {
	case c.Kind == engine.CmdNewRun:
		return newRunLabel(c)
	case c.Kind == engine.CmdSet:
		return c.Name + "=" + c.Value
	case c.Value != "":
		return fmt.Sprintf("%s %s", c.Kind, c.Value)
	}
	return string(c.Kind)
}

// paused reports whether the run is paused, as far as the app knows.
func (s *runState) paused() bool { return s.hasProgress && s.progress.Paused }

// epochOf is "3/25" for epoch 3 of a bounded run, "3" for one without an end.
func epochOf(p *engine.ProgressEvent) string {
	if p.Epochs == 0 {
		return fmt.Sprint(p.Epoch + 1)
	}
	return fmt.Sprintf("%d/%d", min(p.Epoch+1, p.Epochs), p.Epochs)
}
