package tui

import (
	"math"

	"inloop/tui/plot"
)

// drawCurves draws training loss and accuracy per step (lines) with the test
// evaluations (points) and a marker at each change the user made.
func (m *Model) drawCurves(r plot.Rect) {
	g, s, st := &m.grid, m.styles, &m.state
	if len(st.steps) == 0 && len(st.evals) == 0 {
		m.waiting(r, "the first batch")
		return
	}
	x := r.X
	legend := [...]struct {
		glyph, text string
		st          plot.Style
	}{{"━", "train ", s.Train}, {"●", "test ", s.Test}, {"━", "train acc ", s.TrainAcc}, {"●", "test acc ", s.TestAcc}, {"▲", "change", s.Marker}}
	for _, l := range legend {
		x += g.Text(x, r.Y, l.glyph, l.st, r.X+r.W-x)
		x += g.Text(x, r.Y, l.text, s.Label, r.X+r.W-x)
	}
	body := plot.Rect{X: r.X, Y: r.Y + 1, W: r.W, H: r.H - 1}
	maxStep := 1.0
	if n := len(st.steps); n > 0 {
		maxStep = math.Max(maxStep, st.steps[n-1])
	}
	for _, e := range st.evals {
		maxStep = math.Max(maxStep, float64(e.Step))
	}
	xa := plot.Axis{Min: 0, Max: maxStep, Unit: "step"}
	ax := plot.AxisStyle{Line: s.Axis, Label: s.Label, Gutter: 4}
	lossH := body.H
	if body.H >= 8 {
		lossH = body.H / 2
	}
	// Loss.
	hi := 0.0
	_, hi = plot.Extent(0, hi, st.loss)
	evX, evY := m.scratchPair(len(st.evals))
	for i, e := range st.evals {
		evX[i], evY[i] = float64(e.Step), e.TestLoss
	}
	_, hi = plot.Extent(0, hi, evY)
	lp := plot.NewPlot(g, plot.Rect{X: body.X, Y: body.Y, W: body.W, H: lossH}, xa, plot.Axis{Min: 0, Max: hi * 1.05, Unit: "loss"}, ax)
	m.drawMarks(lp)
	lp.Line(st.steps, st.loss, s.Train)
	lp.Glyphs(g, evX, evY, '●', s.Test)
	if lossH == body.H {
		return
	}
	// Accuracy in %.
	ap := plot.NewPlot(g, plot.Rect{X: body.X, Y: body.Y + lossH, W: body.W, H: body.H - lossH}, xa, plot.Axis{Min: 0, Max: 100, Unit: "acc %"}, ax)
	m.drawMarks(ap)
	acc := m.scratchAcc(len(st.acc))
	for i, a := range st.acc {
		acc[i] = 100 * a
	}
	ap.Line(st.steps, acc, s.TrainAcc)
	for i, e := range st.evals {
		evY[i] = 100 * e.TestAccuracy
	}
	ap.Glyphs(g, evX, evY, '●', s.TestAcc)
}

func (m *Model) drawMarks(p plot.Plot) {
	for _, mk := range m.state.marks {
		p.VLine(float64(mk.step), m.styles.Marker, true)
		p.MarkX(&m.grid, float64(mk.step), '▲', m.styles.Marker)
	}
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
