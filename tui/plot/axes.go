package plot

import "math"

// Axis is a data range and its unit.
type Axis struct {
	Min, Max float64
	Unit     string // shown beside the tick labels, e.g. "µs", "LSB"
}

// AxisStyle styles the axis lines and tick labels.
type AxisStyle struct {
	Line, Label Style
	// Gutter is the least width of the y label column.
	Gutter int
	// NoYTicks leaves the y axis without ticks and labels (rasters label
	// their own rows).
	NoYTicks bool
}

// Plot is a Braille canvas with data coordinates, inside axes drawn by
// NewPlot. A zero Plot (too small a rectangle) draws nothing.
type Plot struct {
	Canvas
	X, Y Axis
	Area Rect // the cells of the canvas
	// AxisRow is the grid row of the x axis line; marks go there.
	AxisRow int
}

// Extent widens [lo, hi] to hold the finite values of v.
func Extent(lo, hi float64, v []float64) (float64, float64) {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

// fix makes an axis non-degenerate.
func (a Axis) fix() Axis {
	if math.IsNaN(a.Min) || math.IsInf(a.Min, 0) || math.IsNaN(a.Max) || math.IsInf(a.Max, 0) {
		a.Min, a.Max = 0, 1
	}
	if a.Max < a.Min {
		a.Min, a.Max = a.Max, a.Min
	}
	if a.Max == a.Min {
		d := math.Max(math.Abs(a.Min)*0.1, 1e-9)
		if a.Min == 0 {
			d = 1
		}
		a.Min, a.Max = a.Min-d, a.Max+d
	}
	return a
}

// NewPlot draws a y axis with tick labels on the left of r and an x axis
// with tick labels along its bottom, and returns the plot inside them. The
// x unit ends the x label row; the y unit sits below the y labels.
func NewPlot(g *Grid, r Rect, x, y Axis, st AxisStyle) Plot {
	x, y = x.fix(), y.fix()
	p := Plot{X: x, Y: y}
	if r.W < 8 || r.H < 3 {
		return p
	}
	areaH := r.H - 2
	// y ticks and the gutter width.
	var step float64
	g.ticks, step = Ticks(g.ticks, y.Min, y.Max, max(1, min(areaH/2, 6)))
	gutter := max(Len(y.Unit), st.Gutter)
	if st.NoYTicks {
		g.ticks = g.ticks[:0]
	}
	for _, v := range g.ticks {
		g.num = AppendTick(g.num[:0], v, step)
		gutter = max(gutter, len(g.num))
	}
	gutter = min(gutter, r.W/3)
	area := Rect{r.X + gutter + 1, r.Y, r.W - gutter - 1, areaH}
	p.Area, p.AxisRow = area, r.Y+areaH
	p.Canvas = NewCanvas(g, area)
	// y axis line and labels.
	for yy := area.Y; yy < area.Y+area.H; yy++ {
		g.Set(area.X-1, yy, '│', st.Line)
	}
	lastRow := -1
	for _, v := range g.ticks {
		row := area.Y + p.DotY(v)/4
		if row == lastRow || row < area.Y || row >= area.Y+area.H {
			continue
		}
		lastRow = row
		g.Set(area.X-1, row, '┤', st.Line)
		g.num = AppendTick(g.num[:0], v, step)
		n := min(len(g.num), gutter)
		g.TextBytes(area.X-1-n, row, g.num[:n], st.Label, n)
	}
	// x axis line, ticks and labels.
	g.Set(area.X-1, p.AxisRow, '└', st.Line)
	for xx := area.X; xx < area.X+area.W; xx++ {
		g.Set(xx, p.AxisRow, '─', st.Line)
	}
	g.Text(r.X, p.AxisRow+1, y.Unit, st.Label, gutter)
	unit := Len(x.Unit)
	labelEnd := area.X + area.W
	if unit > 0 && unit+2 < area.W {
		labelEnd -= unit + 1
		g.Text(labelEnd+1, p.AxisRow+1, x.Unit, st.Label, unit)
	}
	g.ticks, step = Ticks(g.ticks, x.Min, x.Max, max(1, min(area.W/10, 8)))
	next := area.X
	for _, v := range g.ticks {
		col := p.Col(v)
		if col < area.X || col >= area.X+area.W {
			continue
		}
		g.Set(col, p.AxisRow, '┬', st.Line)
		g.num = AppendTick(g.num[:0], v, step)
		n := len(g.num)
		at := max(col-n/2, area.X-1)
		if at < next || at+n > labelEnd {
			continue
		}
		g.TextBytes(at, p.AxisRow+1, g.num, st.Label, n)
		next = at + n + 1
	}
	return p
}

// DotX is the canvas dot column of the data value v.
func (p Plot) DotX(v float64) int {
	return int(math.Round((v - p.X.Min) / (p.X.Max - p.X.Min) * float64(p.W-1)))
}

// DotY is the canvas dot row of the data value v.
func (p Plot) DotY(v float64) int {
	return p.H - 1 - int(math.Round((v-p.Y.Min)/(p.Y.Max-p.Y.Min)*float64(p.H-1)))
}

// Col is the grid column of the data value v.
func (p Plot) Col(v float64) int { return p.Area.X + p.DotX(v)/2 }

// Row is the grid row of the data value v.
func (p Plot) Row(v float64) int { return p.Area.Y + p.DotY(v)/4 }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// clampDot keeps far-away coordinates in int range.
func clampDot(v int, n int) int { return min(max(v, -4*n-8), 5*n+8) }

// Line joins the points (xs[i], ys[i]); NaN values break the line.
func (p Plot) Line(xs, ys []float64, s Style) {
	if p.W == 0 {
		return
	}
	n := min(len(xs), len(ys))
	px, py, have := 0, 0, false
	for i := 0; i < n; i++ {
		if !finite(xs[i]) || !finite(ys[i]) {
			have = false
			continue
		}
		x, y := clampDot(p.DotX(xs[i]), p.W), clampDot(p.DotY(ys[i]), p.H)
		if have {
			p.Canvas.Line(px, py, x, y, s)
		} else {
			p.Dot(x, y, s)
		}
		px, py, have = x, y, true
	}
}

// LineDx joins the points (x0 + i·dx, ys[i]).
func (p Plot) LineDx(x0, dx float64, ys []float64, s Style) {
	if p.W == 0 {
		return
	}
	px, py, have := 0, 0, false
	for i, v := range ys {
		if !finite(v) {
			have = false
			continue
		}
		x, y := clampDot(p.DotX(x0+float64(i)*dx), p.W), clampDot(p.DotY(v), p.H)
		if have {
			p.Canvas.Line(px, py, x, y, s)
		} else {
			p.Dot(x, y, s)
		}
		px, py, have = x, y, true
	}
}

// StepDx draws a sample-and-hold trace: ys[i] holds from x0 + i·dx until the
// next sample (as an ADC reading does).
func (p Plot) StepDx(x0, dx float64, ys []float64, s Style) {
	if p.W == 0 {
		return
	}
	py, have := 0, false
	for i, v := range ys {
		if !finite(v) {
			have = false
			continue
		}
		xa := clampDot(p.DotX(x0+float64(i)*dx), p.W)
		xb := clampDot(p.DotX(x0+float64(i+1)*dx), p.W)
		y := clampDot(p.DotY(v), p.H)
		if have && py != y {
			p.Canvas.Line(xa, py, xa, y, s)
		}
		p.Canvas.Line(xa, y, xb, y, s)
		py, have = y, true
	}
}

// Points marks each (xs[i], ys[i]) with a 2×2 dot block.
func (p Plot) Points(xs, ys []float64, s Style) {
	if p.W == 0 {
		return
	}
	for i := 0; i < min(len(xs), len(ys)); i++ {
		if !finite(xs[i]) || !finite(ys[i]) {
			continue
		}
		x, y := p.DotX(xs[i]), p.DotY(ys[i])
		p.Dot(x, y, s)
		p.Dot(x+1, y, s)
		p.Dot(x, y+1, s)
		p.Dot(x+1, y+1, s)
	}
}

// HLine draws a horizontal line at y; dashed lines leave every other pair of
// dots out, so a trace crossing them stays readable.
func (p Plot) HLine(y float64, s Style, dashed bool) {
	if p.W == 0 || !finite(y) || y < p.Y.Min || y > p.Y.Max {
		return
	}
	dy := p.DotY(y)
	for x := 0; x < p.W; x++ {
		if dashed && x&2 != 0 {
			continue
		}
		p.Dot(x, dy, s)
	}
}

// VLine draws a vertical line at x.
func (p Plot) VLine(x float64, s Style, dashed bool) {
	if p.W == 0 || !finite(x) || x < p.X.Min || x > p.X.Max {
		return
	}
	dx := p.DotX(x)
	for y := 0; y < p.H; y++ {
		if dashed && y&2 != 0 {
			continue
		}
		p.Dot(dx, y, s)
	}
}

// MarkX puts the glyph r on the x axis line below data value x.
func (p Plot) MarkX(g *Grid, x float64, r rune, s Style) {
	if p.W == 0 || !finite(x) || x < p.X.Min || x > p.X.Max {
		return
	}
	g.Set(p.Col(x), p.AxisRow, r, s)
}

// Glyphs puts the glyph r in the cell of each point (xs[i], ys[i]), over
// whatever dots are there: markers that stand out from Braille lines.
func (p Plot) Glyphs(g *Grid, xs, ys []float64, r rune, s Style) {
	if p.W == 0 {
		return
	}
	for i := 0; i < min(len(xs), len(ys)); i++ {
		if !finite(xs[i]) || !finite(ys[i]) || xs[i] < p.X.Min || xs[i] > p.X.Max || ys[i] < p.Y.Min || ys[i] > p.Y.Max {
			continue
		}
		g.Set(p.Col(xs[i]), p.Row(ys[i]), r, s)
	}
}

// Dots marks each (xs[i], ys[i]) with one dot: a light cloud of raw points
// behind a smoothed line.
func (p Plot) Dots(xs, ys []float64, s Style) {
	if p.W == 0 {
		return
	}
	for i := 0; i < min(len(xs), len(ys)); i++ {
		if finite(xs[i]) && finite(ys[i]) {
			p.Dot(clampDot(p.DotX(xs[i]), p.W), clampDot(p.DotY(ys[i]), p.H), s)
		}
	}
}
