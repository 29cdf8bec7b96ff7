package tui

import (
	"fmt"
	"math"

	"github.com/charmbracelet/colorprofile"

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

// dieGeometry is where the last frame drew the die: each hemisphere's map,
// its circuits per row and rows, and whether each circuit had cells of its
// own (else the cursor and marks are not drawn). The mouse reads it.
type dieGeometry struct {
	maps     [2]plot.Rect
	cols, k  int
	ownCells bool
}

// circuitAt returns the circuit under the cell (x, y), if any.
func (d dieGeometry) circuitAt(x, y int) (int, bool) {
	if !d.ownCells {
		return 0, false
	}
	for h, r := range d.maps {
		if r.Empty() || !r.Contains(x, y) {
			continue
		}
		col := (x - r.X) * d.cols / r.W
		row := (y - r.Y) * d.k / r.H
		return h*circuitsPerHemisphere + row*d.cols + col, true
	}
	return 0, false
}

// cellsOf is the rectangle of circuit c's cells.
func (d dieGeometry) cellsOf(c int) plot.Rect {
	r := d.maps[c/circuitsPerHemisphere]
	i := c % circuitsPerHemisphere
	cw, ch := r.W/d.cols, r.H/d.k
	return plot.Rect{X: r.X + i%d.cols*cw, Y: r.Y + i/d.cols*ch, W: cw, H: ch}
}

// drawMismatch draws one parameter over the 512 circuits as on the die: each
// hemisphere's 256 columns wrapped into rows of a power-of-two width that
// fits, one block per circuit where there is room (else the mean of
// neighbours). The colour scale spans the state shown, so a calibrated
// chip shows its residual pattern (c: one scale over all three states).
// Circuits that failed this parameter's calibration are marked ×, those
// the network leaves unused are shaded, and the circuit under the cursor
// is inspected beside the map: its parameters before and after
// calibration, its CapMem codes and its role in the network.
func (m *Model) drawMismatch(r plot.Rect) {
	g, s, st := &m.grid, m.styles, &m.state
	m.die = dieGeometry{}
	if !st.hasChip || len(st.chip.Params) == 0 {
		m.waiting(r, "the chip")
		return
	}
	pi := min(m.param, len(st.chip.Params)-1)
	pm := &st.chip.Params[pi]
	vals := variantValues(pm, m.variant)
	// Header: parameter, state and scale.
	x := r.X
	x += g.Text(x, r.Y, "‹ "+pm.Name+" ›", s.Accent, r.W)
	names := variantNames
	if x+plot.Len(" uncalibrated calibrated current") > r.X+r.W {
		names = [3]string{"uncal", "cal", "now"}
	}
	for i, n := range names {
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
	failed := m.failedOf(pm.Name)
	lo, hi := math.Inf(1), math.Inf(-1)
	scale := "scale: this state"
	if m.sharedScale {
		scale = "scale: all states"
		lo, hi = plot.Extent(lo, hi, pm.Uncalibrated)
		lo, hi = plot.Extent(lo, hi, pm.Calibrated)
		lo, hi = plot.Extent(lo, hi, pm.Current)
	} else {
		for k, v := range vals {
			if !failed[k] { // a failed circuit must not stretch the scale of the rest
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if x+3+plot.Len(scale) <= r.X+r.W {
		g.TextRight(r.X, r.Y, r.W, scale, s.Dim)
	}
	mapR, insp := inspectorLayout(r)
	gut := 3
	aw := mapR.W - gut
	if mapR.H >= 2 && aw >= 4 {
		cols, k, ch := dieLayout(aw, mapR.H)
		gap := 0
		if 2*k*ch+1 <= mapR.H {
			gap = 1
		}
		rows := min(k*ch, mapR.H/2)
		m.die.cols, m.die.k = cols, k
		for h := 0; h < 2; h++ {
			y := mapR.Y + h*(rows+gap)
			g.Text(mapR.X, y, "H"+itoa(h), s.Label, gut)
			hv := vals[h*circuitsPerHemisphere : (h+1)*circuitsPerHemisphere]
			m.die.maps[h] = plot.Heatmap(g, plot.Rect{X: mapR.X + gut, Y: y, W: aw, H: rows}, hv, k, cols, lo, hi, s.Ramp, s.NaN)
		}
		m.die.ownCells = m.die.maps[0].W >= cols && m.die.maps[0].H >= k
		if m.die.ownCells {
			m.markCircuits(failed)
		}
	}
	if r.H >= 3 {
		plot.ColorBar(g, r.X, r.Y+r.H-2, mapR.W, lo, hi, pm.Unit, s.Ramp, s.Label)
	}
	mean, sd, n := plot.MeanSD(vals)
	line := fmt.Sprintf("mean %s  SD %s %s  n %d", num(mean), num(sd), pm.Unit, n)
	if um, usd, _ := plot.MeanSD(pm.Uncalibrated); m.variant != 0 && len(pm.Uncalibrated) > 0 && !math.IsNaN(um) {
		line += "  (uncal. SD " + num(usd) + ")"
	}
	if st.chip.Failed > 0 {
		line += fmt.Sprintf("  failed %d (× %d here)", st.chip.Failed, len(failed))
	}
	m.wrapText(r.X, r.Y+r.H-1, mapR.W, r.Y+r.H, line, s.Text, 1)
	if !insp.Empty() {
		m.drawInspector(insp, insp.H > 2)
	}
}

// inspectorLayout splits the pane below its header into the map and the
// inspector: a column beside the map where the map keeps a cell per circuit,
// else two lines below it, else beside it anyway.
func inspectorLayout(r plot.Rect) (mapR, insp plot.Rect) {
	full := plot.Rect{X: r.X, Y: r.Y + 1, W: r.W, H: r.H - 3} // above the colour bar and stats
	own := func(m plot.Rect) bool {
		cols, k, _ := dieLayout(m.W-3, m.H)
		return cols <= m.W-3 && 2*k <= m.H && cols < 256 || cols == 256 && 2 <= m.H && m.W-3 >= 256
	}
	side := full
	side.W -= 35
	sideInsp := plot.Rect{X: r.X + r.W - 34, Y: r.Y + 1, W: 34, H: r.H - 1}
	below := full
	below.H -= 2
	belowInsp := plot.Rect{X: r.X, Y: r.Y + r.H - 4, W: r.W, H: 2}
	switch {
	case r.W >= 76 && own(side):
		return side, sideInsp
	case r.H >= 12 && own(below):
		return below, belowInsp
	case r.W >= 76:
		return side, sideInsp
	case r.H >= 12:
		return below, belowInsp
	}
	return full, plot.Rect{}
}

// markCircuits shades the circuits the network leaves unused, marks those
// that failed the shown parameter with × and the cursor with ◆.
func (m *Model) markCircuits(failed map[int]bool) {
	g, s, st := &m.grid, m.styles, &m.state
	if st.chip.Roles != nil && s.Profile >= colorprofile.ANSI {
		for c, role := range st.chip.Roles {
			if role.Layer != "" {
				continue
			}
			cr := m.die.cellsOf(c)
			for y := cr.Y; y < cr.Y+cr.H; y++ {
				for x := cr.X; x < cr.X+cr.W; x++ {
					g.Set(x, y, '▒', g.At(x, y).S)
				}
			}
		}
	}
	for c := range failed {
		cr := m.die.cellsOf(c)
		g.Set(cr.X, cr.Y, s.NaN.R, s.NaN.S)
	}
	cr := m.die.cellsOf(min(max(m.circuit, 0), 2*circuitsPerHemisphere-1))
	for x := cr.X; x < cr.X+cr.W; x++ {
		g.Set(x, cr.Y, '◆', s.Cursor)
	}
}

// failedOf returns the circuits that missed the named parameter's target
// in the calibration in force.
func (m *Model) failedOf(param string) map[int]bool {
	out := map[int]bool{}
	for _, f := range m.state.chip.Failures {
		if f.Param == param {
			out[f.Circuit] = true
		}
	}
	return out
}

// drawInspector shows the circuit under the cursor: where it is, what the
// network uses it for, and every parameter before calibration and now with
// its CapMem code. Without room for a column (full false) it writes two
// lines: the role, and the shown parameter.
func (m *Model) drawInspector(r plot.Rect, full bool) {
	g, s, st := &m.grid, m.styles, &m.state
	c := min(max(m.circuit, 0), 2*circuitsPerHemisphere-1)
	head := fmt.Sprintf("circuit %d · H%d col %d", c, c/circuitsPerHemisphere, c%circuitsPerHemisphere)
	role := "unused by the network"
	rows := ""
	if c < len(st.chip.Roles) {
		if ro := st.chip.Roles[c]; ro.Layer != "" {
			which := "1st circuit (fires, read out)"
			if ro.Second {
				which = "2nd circuit"
			}
			role = fmt.Sprintf("%s %d · %s", ro.Layer, ro.Index, which)
			if ro.Rows != "" {
				rows = "rows " + ro.Rows + " ("
				if ro.Inputs > 0 {
					rows += fmt.Sprintf("%d inputs", ro.Inputs)
				}
				if ro.Hidden > 0 {
					if ro.Inputs > 0 {
						rows += ", "
					}
					rows += fmt.Sprintf("%d hidden", ro.Hidden)
				}
				rows += ")"
			} else {
				rows = "no synapse rows in use"
			}
		}
	} else if st.chip.Roles == nil {
		role = "no network placed"
	}
	if !full {
		pm := &st.chip.Params[min(m.param, len(st.chip.Params)-1)]
		y := m.wrapText(r.X, r.Y, r.W, r.Y+r.H, head+" · "+role, s.Accent, 1)
		m.wrapText(r.X, y, r.W, r.Y+r.H, m.paramLine(pm, c, false), s.Text, 1)
		return
	}
	y := r.Y
	y = m.wrapText(r.X, y, r.W, r.Y+r.H, head, s.Accent, 1)
	y = m.wrapText(r.X, y, r.W, r.Y+r.H, role, s.Text, 2)
	if rows != "" {
		y = m.wrapText(r.X, y, r.W, r.Y+r.H, rows, s.Label, 2)
	}
	if y < r.Y+r.H {
		g.Text(r.X, y, "uncal → now      code", s.Dim, r.W)
		y++
	}
	failed := map[string]engine.CircuitFailure{}
	for _, f := range st.chip.Failures {
		if f.Circuit == c {
			failed[f.Param] = f
		}
	}
	for i := range st.chip.Params {
		if y >= r.Y+r.H {
			return
		}
		pm := &st.chip.Params[i]
		sty := s.Text
		if i == m.param {
			sty = s.Bold
		}
		if _, bad := failed[pm.Name]; bad {
			sty = s.Bad
		}
		g.Text(r.X, y, m.paramLine(pm, c, true), sty, r.W)
		y++
	}
	for _, f := range st.chip.Failures {
		if f.Circuit == c && y < r.Y+r.H {
			y = m.wrapText(r.X, y, r.W, r.Y+r.H, fmt.Sprintf("× %s missed %s (reached %s)", f.Param, num(f.Target), num(f.Reached)), s.Bad, 2)
		}
	}
}

// paramLine is one parameter of circuit c: its value before calibration
// and now, and its CapMem code before and now where it has one.
func (m *Model) paramLine(pm *engine.ParamMap, c int, column bool) string {
	val := func(v []float64) string {
		if c < len(v) {
			return num(v[c])
		}
		return "–"
	}
	name := pm.Name
	if column {
		name = fmt.Sprintf("%-11s", shortParam(pm.Name))
	} else {
		name += ":"
	}
	line := fmt.Sprintf("%s %s→%s %s", name, val(pm.Uncalibrated), val(pm.Current), pm.Unit)
	if c < len(pm.Codes) && c < len(pm.UncalibratedCodes) {
		line += fmt.Sprintf(" %d→%d", pm.UncalibratedCodes[c], pm.Codes[c])
	}
	return line
}

// shortParam abbreviates the longest parameter names for the inspector's
// column.
func shortParam(name string) string {
	switch name {
	case "cadc_offset":
		return "cadc_off"
	case "refractory":
		return "refrac"
	}
	return name
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
