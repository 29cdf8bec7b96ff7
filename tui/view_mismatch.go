package tui

import (
	"fmt"
	"math"

	"inloop/engine"
	"inloop/tui/plot"
)

// circuitsPerHemisphere is the number of neuron circuits in one hemisphere.
const circuitsPerHemisphere = 256

var variantNames = [3]string{"uncalibrated", "calibrated", "current"}

// variantValues returns the selected variant of a map (nil if absent).
func variantValues(pm *engine.ParamMap, v int) []float64 {
	switch v {
	case 0:
		return pm.Uncalibrated
	case 1:
		return pm.Calibrated
	}
	return pm.Current
}

// drawMismatch draws one parameter over the 512 circuits as on the die: each
// hemisphere's 256 columns wrapped into rows of a power-of-two width that
// fits, one cell per circuit where there is room (else the mean of
// neighbours). The colour scale spans all three variants, so calibration
// shows as a narrower spread of colours.
func (m *Model) drawMismatch(r plot.Rect) {
	g, s, st := &m.grid, m.styles, &m.state
	if !st.hasChip || len(st.chip.Params) == 0 {
		m.waiting(r, "the chip")
		return
	}
	pm := &st.chip.Params[min(m.param, len(st.chip.Params)-1)]
	vals := variantValues(pm, m.variant)
	// Header: parameter and variant.
	x := r.X
	x += g.Text(x, r.Y, "‹ "+pm.Name+" ›", s.Accent, r.W)
	for i, n := range variantNames {
		if x+2 >= r.X+r.W {
			break
		}
		x += g.Text(x, r.Y, " ", s.Label, 1)
		sty := s.Dim
		if i == m.variant {
			sty = s.Selected
		}
		x += g.Text(x, r.Y, n, sty, r.X+r.W-x)
	}
	if len(vals) < 2*circuitsPerHemisphere {
		body := plot.Rect{X: r.X, Y: r.Y + 1, W: r.W, H: r.H - 1}
		if m.variant == 1 && body.H > 0 {
			txt := "this chip was never calibrated (v: other maps)"
			g.Text(r.X+max(0, (r.W-plot.Len(txt))/2), body.Y+body.H/2, txt, s.Dim, r.W)
			return
		}
		m.waiting(body, variantNames[m.variant]+" values")
		return
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	lo, hi = plot.Extent(lo, hi, pm.Uncalibrated)
	lo, hi = plot.Extent(lo, hi, pm.Calibrated)
	lo, hi = plot.Extent(lo, hi, pm.Current)
	// Heatmap area: below the header, above the colour bar and stats.
	mapH := r.H - 3
	gut := 3
	aw := r.W - gut
	if mapH >= 2 && aw >= 4 {
		cols, k, ch := dieLayout(aw, mapH)
		gap := 0
		if 2*k*ch+1 <= mapH {
			gap = 1
		}
		rows := min(k*ch, mapH/2)
		for h := 0; h < 2; h++ {
			y := r.Y + 1 + h*(rows+gap)
			g.Text(r.X, y, "H"+itoa(h), s.Label, gut)
			hv := vals[h*circuitsPerHemisphere : (h+1)*circuitsPerHemisphere]
			plot.Heatmap(g, plot.Rect{X: r.X + gut, Y: y, W: aw, H: rows}, hv, k, cols, lo, hi, s.Ramp, s.NaN)
		}
	}
	if r.H >= 3 {
		plot.ColorBar(g, r.X, r.Y+r.H-2, r.W, lo, hi, pm.Unit, s.Ramp, s.Label)
	}
	mean, sd, n := plot.MeanSD(vals)
	line := fmt.Sprintf("mean %s  SD %s %s  n %d", num(mean), num(sd), pm.Unit, n)
	if um, usd, _ := plot.MeanSD(pm.Uncalibrated); m.variant != 0 && len(pm.Uncalibrated) > 0 && !math.IsNaN(um) {
		line += "  (uncal. SD " + num(usd) + ")"
	}
	if st.chip.Failed > 0 {
		line += fmt.Sprintf("  failed %d", st.chip.Failed)
	}
	g.Text(r.X, r.Y+r.H-1, line, s.Text, r.W)
}

// dieLayout wraps a hemisphere's 256 columns into k rows of cols circuits
// (a power of two) for an area of w×h cells (both hemispheres and a gap),
// each circuit ch rows tall: the widest layout whose circuits are at least
// two cells wide, else the widest that fits one cell per circuit, else 256
// columns binned to the width.
func dieLayout(w, h int) (cols, k, ch int) {
	for cols = 256; cols >= 16; cols /= 2 {
		if k = circuitsPerHemisphere / cols; 2*cols <= w && 2*k+1 <= h {
			return cols, k, min(2, (h-1)/(2*k))
		}
	}
	for cols = 256; cols >= 16; cols /= 2 {
		if k = circuitsPerHemisphere / cols; cols <= w && 2*k <= h {
			return cols, k, 1
		}
	}
	return 256, 1, 1
}

// num formats a value with about 3 significant digits.
func num(v float64) string { return string(plot.AppendValue(nil, v)) }
