package demo

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"inloop/engine"
)

// Source is a synthetic run for the app: one goroutine (Run) makes a batch
// every interval and emits events to every subscriber, and applies the
// commands it is sent between batches, as the trainer does. It is safe for
// concurrent use.
type Source struct {
	seed     uint64
	interval time.Duration
	cmds     chan engine.Command

	mu   sync.Mutex
	subs map[*engine.Stream]struct{}
	// run state, for replay to new subscribers
	hyper    engine.Hyper
	mode     engine.Mode
	chip     engine.ChipEvent
	steps    []int
	loss     []float64
	acc      []float64
	evals    []engine.EvalEvent
	commands []engine.CommandEvent
	progress *engine.ProgressEvent
	sample   *engine.SampleEvent
	done     *engine.DoneEvent
}

// NewSource returns a synthetic run making one batch every interval.
func NewSource(seed uint64, interval time.Duration) *Source {
	return &Source{
		seed: seed, interval: interval, cmds: make(chan engine.Command, 64),
		subs: map[*engine.Stream]struct{}{}, hyper: Hyper(), mode: engine.ModeChip,
		chip: Chip(1, true),
	}
}

// Subscribe implements tui.Source: a replay of the run so far, then live
// events. The stream ends after the DoneEvent or on cancel.
func (s *Source) Subscribe() *engine.Stream {
	var st *engine.Stream
	st = engine.NewStream(true, func() {
		s.mu.Lock()
		delete(s.subs, st)
		s.mu.Unlock()
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	st.Push(engine.HistoryEvent{Steps: append([]int(nil), s.steps...), Loss: append([]float64(nil), s.loss...), Accuracy: append([]float64(nil), s.acc...)})
	st.Push(engine.HyperEvent{Hyper: s.hyper, Mode: s.mode})
	st.Push(s.chip)
	for _, e := range s.evals {
		st.Push(e)
	}
	for _, e := range s.commands {
		st.Push(e)
	}
	if s.progress != nil {
		st.Push(*s.progress)
	}
	if s.sample != nil {
		st.Push(*s.sample)
	}
	if s.done != nil {
		st.Push(*s.done)
		return st
	}
	s.subs[st] = struct{}{}
	return st
}

// Send implements tui.Source; it never blocks (commands beyond the queue
// are dropped).
func (s *Source) Send(c engine.Command) {
	select {
	case s.cmds <- c:
	default:
	}
}

// emit queues ev for every subscriber (a Stream never blocks); streams
// whose consumer cancelled are forgotten at the end of the run.
func (s *Source) emit(ev engine.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for st := range s.subs {
		st.Push(ev)
	}
}

// Run makes batches until ctx ends or a stop command arrives, then emits
// the DoneEvent and closes every subscription.
func (s *Source) Run(ctx context.Context) {
	step, paused := 0, false
	tick := time.NewTicker(s.interval)
	defer tick.Stop()
	finish := func() {
		s.mu.Lock()
		s.done = &engine.DoneEvent{Summary: engine.Summary{Dataset: "yinyang", Mode: s.mode, Steps: step}}
		s.mu.Unlock()
		s.emit(*s.done)
		s.mu.Lock()
		clear(s.subs)
		s.mu.Unlock()
	}
	s.emit(engine.HyperEvent{Hyper: s.hyper, Mode: s.mode})
	s.emit(s.chip)
	for {
		batch := false
		select {
		case <-ctx.Done():
			finish()
			return
		case c := <-s.cmds:
			switch c.Kind {
			case engine.CmdStop:
				s.command(step, c, nil)
				finish()
				return
			case engine.CmdPause:
				paused = true
			case engine.CmdResume:
				paused = false
			case engine.CmdStep:
				batch = paused
			}
			s.command(step, c, s.apply(c))
			if !batch {
				s.progressEvent(step, paused)
				continue
			}
		case <-tick.C:
			batch = !paused
		}
		if !batch {
			continue
		}
		step++
		s.mu.Lock()
		loss, acc := Curve(step, s.seed)
		s.steps, s.loss, s.acc = append(s.steps, step), append(s.loss, loss), append(s.acc, acc)
		s.mu.Unlock()
		s.progressEvent(step, paused)
		if step%5 == 0 {
			sm := Sample(step, s.seed)
			s.mu.Lock()
			s.sample = &sm
			s.mu.Unlock()
			s.emit(sm)
		}
		if step%25 == 0 {
			s.emit(Map(step, s.seed))
		}
		if step%50 == 0 {
			ev := Eval(step, s.seed)
			s.mu.Lock()
			s.evals = append(s.evals, ev)
			s.mu.Unlock()
			s.emit(ev)
		}
	}
}

func (s *Source) progressEvent(step int, paused bool) {
	s.mu.Lock()
	p := Progress(step, s.seed, s.hyper, paused)
	p.Mode, p.ChipSeed, p.Calibration = s.mode, s.chip.ChipSeed, s.chip.Calibration
	s.progress = &p
	s.mu.Unlock()
	s.emit(p)
}

// apply carries out a command on the synthetic run.
func (s *Source) apply(c engine.Command) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch c.Kind {
	case engine.CmdSet:
		if err := s.hyper.Set(c.Name, c.Value); err != nil {
			return err
		}
	case engine.CmdMode:
		if err := check(c); err != nil {
			return err
		}
		s.mode = engine.Mode(strings.TrimSpace(c.Value))
	case engine.CmdChipSeed:
		if err := check(c); err != nil {
			return err
		}
		seed, _ := strconv.ParseUint(strings.TrimSpace(c.Value), 10, 64)
		s.chip = Chip(seed, s.chip.Calibration != "uncalibrated")
	case engine.CmdUncalibrate:
		s.chip = Chip(s.chip.ChipSeed, false)
	case engine.CmdRecalibrate:
		if err := check(c); err != nil {
			return err
		}
		s.chip = Chip(s.chip.ChipSeed, true)
	case engine.CmdDecalibrate:
		if err := check(c); err != nil {
			return err
		}
		s.chip = Chip(s.chip.ChipSeed, true)
		s.chip.Calibration = "decalibrated σ=" + c.Value
	}
	return nil
}

// check validates a command's value by the engine's settings table.
func check(c engine.Command) error {
	st, err := engine.FindSetting(c.Kind, c.Name)
	if err == nil {
		_, err = st.Check(c.Value)
	}
	return err
}

// command reports a command's result, and the new hyperparameters or chip.
func (s *Source) command(step int, c engine.Command, err error) {
	ev := engine.CommandEvent{Step: step, Command: c, Applied: err == nil}
	if err != nil {
		ev.Err = err.Error()
	}
	s.mu.Lock()
	s.commands = append(s.commands, ev)
	h, mode, chip := s.hyper, s.mode, s.chip
	s.mu.Unlock()
	s.emit(ev)
	if err != nil {
		return
	}
	switch c.Kind {
	case engine.CmdSet, engine.CmdMode:
		s.emit(engine.HyperEvent{Step: step, Hyper: h, Mode: mode})
	case engine.CmdChipSeed, engine.CmdUncalibrate, engine.CmdRecalibrate, engine.CmdDecalibrate:
		s.emit(chip)
	}
}
