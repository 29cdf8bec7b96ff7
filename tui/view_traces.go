package tui

import (
	"fmt"
	"math"

	"inloop/tui/plot"
)

// drawTraces draws one probed neuron's membrane: the CADC's 8-bit samples as
// steps beside the true analog membrane, both in CADC LSB over µs, with the
// threshold and leak marked and spikes on the time axis.
func (m *Model) drawTraces(r plot.Rect) {
	g, s, st := &m.grid, m.styles, &m.state
	if !st.hasSample || len(st.sample.Probes) == 0 {
		m.waiting(r, "membrane probes")
		return
	}
	c := &m.neuron
	n := layerSize(&st.sample, c.output)
	pr := m.selectedProbe()
	if c.typing {
		x := r.X + g.Text(r.X, r.Y, c.layer()+" neuron ", s.Label, r.W)
		x += g.Text(x, r.Y, c.typed, s.Input, r.X+r.W-x)
		x += g.Text(x, r.Y, " ", s.Cursor, r.X+r.W-x)
		g.Text(x, r.Y, fmt.Sprintf(" 0–%d · enter · esc", n-1), s.Dim, r.X+r.W-x)
	} else {
		x := r.X + g.Text(r.X, r.Y, fmt.Sprintf("‹ %s %d ›", c.layer(), c.index), s.Accent, r.W)
		info := fmt.Sprintf(" of %d", n)
		if pr != nil {
			info += fmt.Sprintf(" · chip neuron %d", pr.Neuron)
		}
		g.Text(x, r.Y, info, s.Label, r.X+r.W-x)
	}
	if pr == nil {
		m.waiting(plot.Rect{X: r.X, Y: r.Y + 1, W: r.W, H: r.H - 1}, "a probe of this neuron")
		return
	}
	// Legend.
	x := r.X
	legend := [...]struct {
		glyph, text string
		st          plot.Style
	}{{"━", "CADC ", s.CADC}, {"━", "true ", s.True}, {"┄", "θ ", s.Threshold}, {"┄", "L leak ", s.Leak}, {"▲", "spike", s.Spike}}
	if r.H > 4 {
		for _, l := range legend {
			x += g.Text(x, r.Y+1, l.glyph, l.st, r.X+r.W-x)
			x += g.Text(x, r.Y+1, l.text, s.Label, r.X+r.W-x)
		}
	}
	body := plot.Rect{X: r.X, Y: r.Y + 2, W: r.W, H: r.H - 2}
	if r.H <= 4 {
		body = plot.Rect{X: r.X, Y: r.Y + 1, W: r.W, H: r.H - 1}
	}
	window := st.sample.Window
	if n := float64(len(pr.CADC)) * pr.CADCDt; !(window > 0) {
		window = n
	}
	lo, hi := plot.Extent(math.Inf(1), math.Inf(-1), pr.CADC)
	lo, hi = plot.Extent(lo, hi, pr.True)
	lo, hi = math.Min(lo, pr.Leak), math.Max(hi, pr.Threshold)
	pad := (hi - lo) * 0.05
	p := plot.NewPlot(g, body, plot.Axis{Min: 0, Max: window, Unit: "µs"},
		plot.Axis{Min: math.Max(lo-pad, -8), Max: math.Min(hi+pad, 263), Unit: "LSB"},
		plot.AxisStyle{Line: s.Axis, Label: s.Label})
	p.HLine(pr.Threshold, s.Threshold, true)
	p.HLine(pr.Leak, s.Leak, true)

	p.LineDx(0, pr.TrueDt, pr.True, s.True)
	p.StepDx(0, pr.CADCDt, pr.CADC, s.CADC)
	// The two levels named at their left ends, over the traces (their
	// dashes look alike without colour).
	if p.W > 0 {
		g.Text(p.Area.X, p.Row(pr.Threshold), "θ", s.Threshold, 1)
		g.Text(p.Area.X, p.Row(pr.Leak), "L", s.Leak, 1)
	}
	for _, t := range pr.Spikes {
		p.MarkX(g, t, '▲', s.Spike)
	}
}
