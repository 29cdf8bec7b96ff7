package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"

	"inloop/engine/experiment"
)

// experimentProgress is one progress bar over all the runs of a plan, with
// an ETA from the rate of this session: on a terminal redrawn in place,
// elsewhere one line every plainEvery. Runs weigh by their epochs.
type experimentProgress struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	weight   []float64
	frac     []float64
	sum      float64
	from     float64 // fraction done when this session started
	start    time.Time
	lastDraw time.Time
	drawn    bool
	now      func() time.Time
}

func newExperimentProgress(w io.Writer, p experiment.Plan) *experimentProgress {
	b := &experimentProgress{w: w, now: time.Now}
	if f, ok := w.(*os.File); ok && term.IsTerminal(f.Fd()) && os.Getenv("TERM") != "dumb" {
		b.tty = true
	}
	b.weight = make([]float64, len(p.Runs))
	b.frac = make([]float64, len(p.Runs))
	for k, r := range p.Runs {
		b.weight[k] = float64(max(r.Config.Epochs, 1))
		b.sum += b.weight[k]
		if p.Status(k) == experiment.Done {
			b.frac[k] = 1
		}
	}
	b.from = b.fraction()
	b.start = b.now()
	return b
}

func (b *experimentProgress) fraction() float64 {
	var f float64
	for k, w := range b.weight {
		f += w * b.frac[k]
	}
	return f / max(b.sum, 1e-9)
}

// update is Env.Progress: run k trained done of total steps.
func (b *experimentProgress) update(k, done, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if total > 0 {
		b.frac[k] = float64(done) / float64(total)
	}
	now := b.now()
	every := plainEvery
	if b.tty {
		every = barEvery
	}
	if now.Sub(b.lastDraw) < every {
		return
	}
	b.lastDraw = now
	b.draw(now)
}

func (b *experimentProgress) draw(now time.Time) {
	f := b.fraction()
	trained := 0
	for _, x := range b.frac {
		if x >= 1 {
			trained++
		}
	}
	const width = 30
	n := int(f * width)
	bar := strings.Repeat("█", n) + strings.Repeat("░", width-n)
	eta := "ETA —"
	if f > b.from && f < 1 {
		el := now.Sub(b.start)
		rest := time.Duration(float64(el) * (1 - f) / (f - b.from))
		eta = "ETA " + rest.Round(time.Second).String()
	}
	line := fmt.Sprintf("%s %5.1f %%  %d/%d runs trained  %s", bar, 100*f, trained, len(b.frac), eta)
	if b.tty {
		fmt.Fprintf(b.w, "\r\x1b[2K%s", line)
		b.drawn = true
		return
	}
	fmt.Fprintln(b.w, line)
}

// finish draws the final state and ends the bar's line.
func (b *experimentProgress) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fraction() > b.from || b.drawn {
		b.draw(b.now())
	}
	if b.tty && b.drawn {
		fmt.Fprintln(b.w)
	}
}
