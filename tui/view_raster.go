package tui

import (
	"inloop/engine"
	"inloop/tui/plot"
)

// drawRaster draws the latest sample: input and hidden spikes over the
// sample's window, the output membranes (normalised model units) below, and
// the label against the prediction.
func (m *Model) drawRaster(r plot.Rect) {
	g, s, st := &m.grid, m.styles, &m.state
	if !st.hasSample {
		m.waiting(r, "the first sample")
		return
	}
	e := &st.sample
	window := e.Window
	if !(window > 0) {
		window = 1
	}
	// Header: label, prediction and the class colours.
	x := r.X
	x += g.Text(x, r.Y, "label ", s.Label, r.W-(x-r.X))
	x += g.Text(x, r.Y, className(e.Classes, e.Label), s.ClassStyle(e.Label), r.W-(x-r.X))
	x += g.Text(x, r.Y, "  pred ", s.Label, r.W-(x-r.X))
	x += g.Text(x, r.Y, className(e.Classes, e.Prediction), s.ClassStyle(e.Prediction), r.W-(x-r.X))
	if e.Label == e.Prediction {
		x += g.Text(x, r.Y, " ✓", s.Good, r.W-(x-r.X))
	} else {
		x += g.Text(x, r.Y, " ✗", s.Bad, r.W-(x-r.X))
	}
	// The outputs' key: names where they fit, else class numbers (every
	// class stays identifiable; the traces are numbered at their ends too).
	x += g.Text(x, r.Y, "  out ", s.Label, r.W-(x-r.X))
	items := make([]legendItem, e.Outputs)
	for i := range items {
		items[i] = legendItem{"━", className(e.Classes, i), itoa(i), s.ClassStyle(i)}
	}
	m.legend(x, r.Y, r.X+r.W-x, items)
	body := plot.Rect{X: r.X, Y: r.Y + 1, W: r.W, H: r.H - 1}
	rasterH := body.H
	if body.H >= 9 && len(e.OutputTraces) > 0 {
		rasterH = body.H * 3 / 5
	}
	xa := plot.Axis{Min: 0, Max: window, Unit: "µs"}
	ax := plot.AxisStyle{Line: s.Axis, Label: s.Label, Gutter: 4}
	groups := [2]plot.RasterGroup{
		{Label: "in", N: e.Inputs, Count: len(e.InputSpikes), At: spikeAt(e.InputSpikes), Style: s.Input0},
		{Label: "hid", N: e.Hidden, Count: len(e.HiddenSpikes), At: spikeAt(e.HiddenSpikes), Style: s.Hidden},
	}
	// The neuron shown in the membrane pane is marked here too.
	if pr := m.selectedProbe(); pr != nil && pr.Layer == "hidden" {
		groups[1].Mark, groups[1].Marked, groups[1].MarkStyle = true, pr.Index, s.Spike
	}
	plot.Raster(g, plot.Rect{X: body.X, Y: body.Y, W: body.W, H: rasterH}, xa, groups[:], ax)
	if rasterH == body.H {
		return
	}
	or := plot.Rect{X: body.X, Y: body.Y + rasterH, W: body.W, H: body.H - rasterH}
	lo, hi := 0.0, 1.0
	for _, tr := range e.OutputTraces {
		lo, hi = plot.Extent(lo, hi, tr)
	}
	p := plot.NewPlot(g, or, xa, plot.Axis{Min: lo, Max: hi, Unit: "out"}, ax)
	dt := e.Dt
	if !(dt > 0) && len(e.OutputTraces) > 0 && len(e.OutputTraces[0]) > 1 {
		dt = window / float64(len(e.OutputTraces[0])-1)
	}
	for i, tr := range e.OutputTraces {
		p.LineDx(0, dt, tr, s.ClassStyle(i))
	}
	// Each trace's class number at its end: without colour the traces
	// differ by nothing else.
	for i, tr := range e.OutputTraces {
		if n := len(tr); n > 0 && p.W > 0 {
			g.Text(p.Col(float64(n-1)*dt)+1, p.Row(tr[n-1]), itoa(i), s.ClassStyle(i), 2)
		}
	}
}

// spikeAt adapts a spike list to the raster's accessor.
func spikeAt(sp []engine.SpikeAt) func(int) (int, float64) {
	return func(i int) (int, float64) { return sp[i].Index, sp[i].Time }
}

// className is class i's name, or its number.
func className(classes []string, i int) string {
	if i >= 0 && i < len(classes) && classes[i] != "" {
		return classes[i]
	}
	if i < 0 {
		return "?"
	}
	return "#" + itoa(i)
}

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
