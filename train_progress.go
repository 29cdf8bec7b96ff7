package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"inloop/engine"
)

// progressPrinter shows a training run on stderr: on a terminal, one live
// bar redrawn in place (at most 10 times a second) with the epochs' results
// printed above it; elsewhere (a file, a pipe, CI) plain lines: one per
// epoch, command and, every 10 s, one of progress.
type progressPrinter struct {
	w        io.Writer
	tty      bool
	width    func() int
	bar      bool // the bar is on the current line
	started  bool
	early    []engine.Event // replayed before the first progress, which says how many epochs
	stopping bool           // a live stop was applied: the next evaluation is the final one
	replay   bool           // printing the replayed state
	last     engine.ProgressEvent
	lastDraw time.Time
	now      func() time.Time
}

const (
	barEvery   = 100 * time.Millisecond
	plainEvery = 10 * time.Second
)

func newProgressPrinter(w io.Writer) *progressPrinter {
	p := &progressPrinter{w: w, width: func() int { return 80 }, now: time.Now}
	if f, ok := w.(*os.File); ok && term.IsTerminal(f.Fd()) && os.Getenv("TERM") != "dumb" {
		p.tty = true
		p.width = func() int {
			if w, _, err := term.GetSize(f.Fd()); err == nil && w > 20 {
				return w
			}
			return 80
		}
	}
	return p
}

func (p *progressPrinter) handle(e engine.Event) {
	if _, ok := e.(engine.ProgressEvent); !ok && !p.started {
		if _, done := e.(engine.DoneEvent); !done {
			p.early = append(p.early, e)
			return
		}
	}
	switch e := e.(type) {
	case engine.ProgressEvent:
		p.last = e
		if !p.started {
			p.started = true
			if e.Step == 0 {
				p.line(fmt.Sprintf("training: epochs %d, %s mode, chip seed %d (%s), lr %.3g", e.Epochs, e.Mode, e.ChipSeed, e.Calibration, e.LR))
			} else {
				p.line(fmt.Sprintf("resuming at step %d (epoch %d/%d, batch %d/%d) in %s mode on chip seed %d (%s), lr %.3g; so far:",
					e.Step, e.Epoch+1, e.Epochs, e.Batch, e.BatchesPerEpoch, e.Mode, e.ChipSeed, e.Calibration, e.LR))
			}
			p.replay = true
			for _, r := range p.early {
				p.handle(r)
			}
			p.early, p.replay = nil, false
			p.lastDraw = p.now()
			return
		}
		now := p.now()
		every := plainEvery
		if p.tty {
			every = barEvery
		}
		if now.Sub(p.lastDraw) < every || e.Step == 0 || (!p.tty && e.Batch == e.BatchesPerEpoch) {
			return // plain output: the epoch's evaluation line tells the end of an epoch
		}
		p.lastDraw = now
		if p.tty {
			p.drawBar()
		} else {
			p.line(fmt.Sprintf("epoch %d/%d  %s", e.Epoch+1, e.Epochs, progressText(e)))
		}
	case engine.EvalEvent:
		label := fmt.Sprintf("epoch %d/%d", e.Epoch, max(p.last.Epochs, e.Epoch))
		if p.stopping {
			label = fmt.Sprintf("stopped in epoch %d/%d", e.Epoch+1, max(p.last.Epochs, e.Epoch+1))
		}
		p.line(fmt.Sprintf("%s  step %d  train %.2f %%  test %.2f %%  loss %.4f  %.1f spikes/sample",
			label, e.Step, 100*e.TrainAccuracy, 100*e.TestAccuracy, e.TestLoss, e.SpikesPerSample))
	case engine.CommandEvent:
		c := e.Command
		what := string(c.Kind)
		if c.Name != "" {
			what += " " + c.Name
		}
		if c.Value != "" {
			what += " " + c.Value
		}
		if e.Applied {
			p.stopping = p.stopping || (c.Kind == engine.CmdStop && !p.replay)
			p.line(fmt.Sprintf("step %d: %s", e.Step, what))
		} else {
			p.line(fmt.Sprintf("step %d: %s refused: %s", e.Step, what, e.Err))
		}
	case engine.DoneEvent:
		p.clearBar()
	}
}

// line prints s on its own line, above the bar if one is shown.
func (p *progressPrinter) line(s string) {
	p.clearBar()
	fmt.Fprintln(p.w, s)
	if p.tty && p.started && p.last.Step > 0 {
		p.drawBar()
	}
}

func (p *progressPrinter) clearBar() {
	if p.bar {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.bar = false
	}
}

// drawBar redraws the bar in place, cut to the terminal's width.
func (p *progressPrinter) drawBar() {
	e := p.last
	text := progressText(e)
	const cells = 10
	done := 0
	if e.BatchesPerEpoch > 0 {
		done = min(cells, cells*e.Batch/e.BatchesPerEpoch)
	}
	s := fmt.Sprintf("epoch %d/%d [%s%s] %s", e.Epoch+1, e.Epochs, strings.Repeat("█", done), strings.Repeat("·", cells-done), text)
	if r := []rune(s); len(r) > p.width()-1 {
		s = string(r[:p.width()-1])
	}
	fmt.Fprint(p.w, "\r\x1b[K"+s)
	p.bar = true
}

// progressText is the state after the latest batch.
func progressText(e engine.ProgressEvent) string {
	s := fmt.Sprintf("batch %d/%d  loss %.4f  acc %.1f %%  %.0f samples/s  %.0f spikes",
		e.Batch, e.BatchesPerEpoch, e.Loss, 100*e.Accuracy, e.SamplesPerSec, e.SpikesPerSample)
	if e.Paused {
		s += "  (paused)"
	}
	return s
}
