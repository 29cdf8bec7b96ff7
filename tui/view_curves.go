package tui

import (
	"fmt"
	"math"
	"slices"
	"time"

	"inloop/engine"
	"inloop/tui/plot"
)

// smoothLevels are the smoothing factors ↑/↓ step through in the curves
// pane: the weight of the past in an exponential moving average (0 = raw).
var smoothLevels = []float64{0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99}

// defaultSmooth indexes smoothLevels: 0.9, which turns MNIST's per-batch
// noise into a readable trend.
const defaultSmooth = 3

// drawCurves draws training loss and accuracy per step, smoothed (an
// exponential moving average) over faint raw points, the test evaluations as
// lines with their points, and a labelled marker at each change a user
// made. y ranges fit the data.
func (m *Model) drawCurves(r plot.Rect) {
	g, s, st := &m.grid, m.styles, &m.state
	if len(st.steps) == 0 && len(st.evals) == 0 {
		m.waiting(r, "the first batch")
		return
	}
	alpha := smoothLevels[m.smooth]
	// Train and test keep their styles in both panels; the axes say which
	// panel is loss and which accuracy.
	items := []legendItem{
		{"━", "train", "train", s.Train}, {"━●", "test", "test", s.Test},
		{"▲", "change", "chg", s.Marker},
		{"", fmt.Sprintf("smoothing %.2g", alpha), fmt.Sprintf("α %.2g", alpha), s.Label},
	}
	if st.prev != nil {
		items = slices.Insert(items, 3, legendItem{"━", "previous run", "prev", s.Dim})
	}
	m.legend(r.X, r.Y, r.W, items)
	body := plot.Rect{X: r.X, Y: r.Y + 1, W: r.W, H: r.H - 1}
	maxStep := 1.0
	if n := len(st.steps); n > 0 {
		maxStep = math.Max(maxStep, st.steps[n-1])
	}
	for _, e := range st.evals {
		maxStep = math.Max(maxStep, float64(e.Step))
	}
	if pr := st.prev; pr != nil && len(pr.steps) > 0 {
		maxStep = math.Max(maxStep, pr.steps[len(pr.steps)-1])
	}
	xa := plot.Axis{Min: 0, Max: maxStep, Unit: "step"}
	ax := plot.AxisStyle{Line: s.Axis, Label: s.Label, Gutter: 4}
	lossH := body.H
	if body.H >= 8 {
		lossH = body.H / 2
	}
	evX, evY := m.scratchPair(len(st.evals))
	for i, e := range st.evals {
		evX[i], evY[i] = float64(e.Step), e.TestLoss
	}
	sm := m.scratchSmooth(len(st.loss))
	ema(sm, st.loss, alpha)
	lo, hi := m.fitRange(st.loss, sm, evY)
	lp := plot.NewPlot(g, plot.Rect{X: body.X, Y: body.Y, W: body.W, H: lossH}, xa, plot.Axis{Min: math.Max(0, lo), Max: hi, Unit: "loss"}, ax)
	m.drawPrevious(lp, false, alpha)
	m.drawSeries(lp, st.steps, st.loss, sm, evX, evY, alpha, s.Train, s.Test)
	m.drawMarks(lp, true)
	if lossH == body.H {
		return
	}
	// Accuracy in %.
	acc := m.scratchAcc(len(st.acc))
	for i, a := range st.acc {
		acc[i] = 100 * a
	}
	for i, e := range st.evals {
		evY[i] = 100 * e.TestAccuracy
	}
	ema(sm, acc, alpha)
	lo, hi = m.fitRange(acc, sm, evY)
	ap := plot.NewPlot(g, plot.Rect{X: body.X, Y: body.Y + lossH, W: body.W, H: body.H - lossH}, xa,
		plot.Axis{Min: math.Max(0, lo), Max: math.Min(100, hi), Unit: "acc %"}, ax)
	m.drawPrevious(ap, true, alpha)
	m.drawSeries(ap, st.steps, acc, sm, evX, evY, alpha, s.Train, s.Test)
	m.drawMarks(ap, false)
}

// drawPrevious draws the session's previous run (before a start over)
// faded under the current one: its smoothed training curve and its test
// points, loss or (acc) accuracy in %.
func (m *Model) drawPrevious(p plot.Plot, acc bool, alpha float64) {
	pr := m.state.prev
	if pr == nil {
		return
	}
	ys, ev := pr.loss, make([]float64, len(pr.evals))
	if acc {
		ys = make([]float64, len(pr.acc))
		for i, a := range pr.acc {
			ys[i] = 100 * a
		}
	}
	evX := make([]float64, len(pr.evals))
	for i, e := range pr.evals {
		evX[i], ev[i] = float64(e.Step), e.TestLoss
		if acc {
			ev[i] = 100 * e.TestAccuracy
		}
	}
	sm := make([]float64, len(ys))
	ema(sm, ys, alpha)
	p.Line(pr.steps, sm, m.styles.Dim)
	p.Points(evX, ev, m.styles.Dim)
}

// drawSeries draws one panel: the raw training points faint (when smoothed),
// the smoothed training line, and the test evaluations as a line with a
// glyph on each point where they are far enough apart to tell.
func (m *Model) drawSeries(p plot.Plot, xs, raw, smooth, evX, evY []float64, alpha float64, train, test plot.Style) {
	if alpha > 0 {
		p.Dots(xs, raw, m.styles.Dim)
	}
	p.Line(xs, smooth, train)
	p.Line(evX, evY, test)
	// A glyph on the test points, every k-th where they crowd, so they stay
	// apart (and tell test from train where there is no colour).
	n := len(evX)
	k := max(1, (3*n+p.Area.W-1)/max(p.Area.W, 1))
	for i := n - 1; i >= 0; i -= k {
		p.Glyphs(&m.grid, evX[i:i+1], evY[i:i+1], '●', test)
	}
}

// ema writes into dst the exponential moving average of src with weight
// alpha on the past, bias-corrected so the first points are not pulled
// toward zero: s_t = α·s_{t−1} + (1−α)·x_t, shown as s_t/(1−α^t).
func ema(dst, src []float64, alpha float64) {
	s, w := 0.0, 0.0
	for i, x := range src {
		if !(x == x) || math.IsInf(x, 0) {
			dst[i] = math.NaN()
			continue
		}
		s = alpha*s + (1-alpha)*x
		w = alpha*w + (1 - alpha)
		dst[i] = s / w
	}
}

// fitRange is the y range of a panel: the smoothed line and the test points
// whole, the raw points from their 2nd to 98th percentile (a few outliers
// must not squeeze the rest), with a margin.
func (m *Model) fitRange(raw, smooth, test []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	lo, hi = plot.Extent(lo, hi, smooth)
	lo, hi = plot.Extent(lo, hi, test)
	if n := len(raw); n > 0 {
		q := append(m.quant[:0], raw...)
		q = slices.DeleteFunc(q, func(v float64) bool { return !(v == v) || math.IsInf(v, 0) })
		slices.Sort(q)
		if k := len(q); k > 0 {
			lo, hi = math.Min(lo, q[k*2/100]), math.Max(hi, q[(k-1)*98/100])
		}
		m.quant = q
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return 0, 1
	}
	pad := math.Max((hi-lo)*0.08, math.Abs(hi)*1e-3+1e-9)
	return lo - pad, hi + pad
}

// drawMarks draws a dashed line at each change a user made; with labels, a
// short text beside each, stacked downwards where several would overlap.
func (m *Model) drawMarks(p plot.Plot, labels bool) {
	g, s := &m.grid, m.styles
	for _, mk := range m.state.marks {
		p.VLine(float64(mk.step), s.Marker, true)
		p.MarkX(g, float64(mk.step), '▲', s.Marker)
	}
	if !labels || p.Area.W == 0 {
		return
	}
	// ends[k] is the first free column of label row k.
	var ends [8]int
	rows := min(len(ends), max(1, p.Area.H-1))
	hidden := 0
	for _, mk := range m.state.marks {
		x := float64(mk.step)
		if x < p.X.Min || x > p.X.Max {
			continue
		}
		text := markLabel(mk.cmd)
		if mk.auto {
			text += " ↻" // the trainer's own change
		}
		col := p.Col(x) + 1
		if col+plot.Len(text) > p.Area.X+p.Area.W { // right edge: label to the left
			col = max(p.Area.X, p.Col(x)-plot.Len(text))
		}
		placed := false
		for k := 0; k < rows; k++ {
			if ends[k] <= col {
				n := g.Text(col, p.Area.Y+k, text, s.Marker, p.Area.X+p.Area.W-col)
				ends[k] = col + n + 1
				placed = true
				break
			}
		}
		if !placed {
			hidden++
		}
	}
	if hidden > 0 {
		txt := fmt.Sprintf("+%d", hidden)
		g.Text(p.Area.X+p.Area.W-plot.Len(txt), p.Area.Y+rows-1, txt, s.Marker, plot.Len(txt))
	}
}

// markLabel is the short text of a change on the curves: "lr 1e-3",
// "σ_d 0.3", "chip 5".
func markLabel(c engine.Command) string {
	switch c.Kind {
	case engine.CmdSet:
		name := c.Name
		if st, err := engine.FindSetting(c.Kind, c.Name); err == nil && plot.Len(st.Label) <= 8 {
			name = st.Label
		}
		return name + " " + c.Value
	case engine.CmdDecalibrate:
		return "σ_d " + c.Value
	case engine.CmdRecalibrate:
		if c.Value == "" {
			return "recal"
		}
		return "recal " + c.Value
	case engine.CmdUncalibrate:
		return "uncal"
	case engine.CmdChipSeed:
		return "chip " + c.Value
	case engine.CmdMode:
		return c.Value
	}
	return string(c.Kind)
}

// eta is the time left of a bounded run at its average pace so far, or ""
// when it cannot be told (not started, paused, finished).
func eta(p engine.ProgressEvent) string {
	total := p.Epochs * p.BatchesPerEpoch
	done := p.Epoch*p.BatchesPerEpoch + p.Batch
	if total <= 0 || done <= 0 || done >= total || p.Paused || p.Elapsed <= 0 {
		return ""
	}
	left := time.Duration(float64(p.Elapsed) / float64(done) * float64(total-done))
	return "ETA " + shortDuration(left)
}

// shortDuration prints a duration in at most two units: 45s, 3m20s, 2h05m.
func shortDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s/60%60)
}

// scratchPair returns two slices of length n from the model's scratch
// memory (reused across frames).
func (m *Model) scratchPair(n int) ([]float64, []float64) {
	if len(m.scratch) < 2*n+maxCurve {
		m.scratch = make([]float64, 2*n+maxCurve)
	}
	return m.scratch[:n], m.scratch[n : 2*n]
}

// scratchAcc returns a slice of length n after the scratchPair slices.
func (m *Model) scratchAcc(n int) []float64 {
	k := 2 * len(m.state.evals)
	if len(m.scratch) < k+n {
		grown := make([]float64, k+n+maxCurve)
		copy(grown, m.scratch) // keeps the evaluation points already there
		m.scratch = grown
	}
	return m.scratch[k : k+n]
}

// scratchSmooth returns a slice of length n for the smoothed curve.
func (m *Model) scratchSmooth(n int) []float64 {
	if cap(m.smoothed) < n {
		m.smoothed = make([]float64, n, maxCurve)
	}
	return m.smoothed[:n]
}
