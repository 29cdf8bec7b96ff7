package tui

import (
	"fmt"

	"github.com/charmbracelet/colorprofile"

	"inloop/tui/plot"
)

// regionGlyphs stand in for the regions' colours where there are none.
var regionGlyphs = []rune{' ', '░', '▒', '▓', '▚', '▞'}

// drawMap draws the decision map of a 2-D dataset: the class the chip (or,
// with m, the software model) predicts over the input plane, one cell per
// region of the plane, with test samples over it: • where the prediction is
// right, × (or, without colour, the label's number) where it is wrong. For
// other datasets it draws the confusion matrix of the latest evaluation.
func (m *Model) drawMap(r plot.Rect) {
	st := &m.state
	if !st.hasMap {
		if len(st.evals) > 0 && len(st.evals[len(st.evals)-1].Confusion) > 0 {
			m.drawConfusion(r)
			return
		}
		m.waiting(r, "a decision map")
		return
	}
	g, s, e := &m.grid, m.styles, &st.dmap
	classes := e.Classes
	grid, path := e.Chip, e.ChipPath
	if m.mapSoftware || grid == nil {
		grid, path = e.Software, "software model (ideal, float weights)"
	}
	// Header: which path, then the classes' key.
	y := m.wrapText(r.X, r.Y, r.W, r.Y+r.H, path, s.Accent, 1)
	items := make([]legendItem, 0, len(classes)+1)
	for i, c := range classes {
		items = append(items, legendItem{m.regionSwatch(i), c, itoa(i), m.regionKeyStyle(i)})
	}
	items = append(items, legendItem{"×", "error", "err", s.Bad})
	m.legend(r.X, y, r.W, items)
	y++
	// Test accuracy of the points drawn, per path.
	acc := func(chip bool) (int, int) {
		right, n := 0, 0
		for _, p := range e.Test {
			pred := p.SoftwarePred
			if chip {
				pred = p.Chip
			}
			if pred < 0 {
				continue
			}
			n++
			if pred == p.Label {
				right++
			}
		}
		return right, n
	}
	foot := ""
	if r, n := acc(true); n > 0 {
		foot = fmt.Sprintf("chip %d/%d", r, n)
	}
	if r, n := acc(false); n > 0 {
		if foot != "" {
			foot += " · "
		}
		foot += fmt.Sprintf("model %d/%d", r, n)
	}
	foot += " right · m: chip/model"
	bottom := r.Y + r.H - 1
	side := min(r.W/2, bottom-y)
	if side < 2 || len(grid) < e.Side*e.Side || e.Side == 0 {
		m.wrapText(r.X, bottom, r.W, r.Y+r.H, foot, s.Label, 1)
		return
	}
	area := plot.Rect{X: r.X + (r.W-2*side)/2, Y: y, W: 2 * side, H: side}
	color := s.Profile >= colorprofile.ANSI
	classAt := func(cx, cy int) int {
		ix := min(cx*e.Side/area.W, e.Side-1)
		iy := min((area.H-1-cy)*e.Side/area.H, e.Side-1) // y rises upwards
		return grid[iy*e.Side+ix]
	}
	for cy := 0; cy < area.H; cy++ {
		for cx := 0; cx < area.W; cx++ {
			c := classAt(cx, cy)
			ch := ' '
			if !color {
				ch = regionGlyphs[c%len(regionGlyphs)]
			}
			g.Set(area.X+cx, area.Y+cy, ch, s.Region[c%len(s.Region)])
		}
	}
	for _, p := range e.Test {
		cx := min(int(p.X*float64(area.W)), area.W-1)
		cy := area.H - 1 - min(int(p.Y*float64(area.H)), area.H-1)
		if cx < 0 || cy < 0 {
			continue
		}
		pred := p.Chip
		if m.mapSoftware || e.Chip == nil {
			pred = p.SoftwarePred
		}
		region := classAt(cx, cy)
		ch := '•'
		if pred != p.Label {
			ch = '×'
			if !color {
				ch = rune('0' + p.Label%10)
			}
		}
		g.Set(area.X+cx, area.Y+cy, ch, s.Point[region%6][p.Label%6])
	}
	m.wrapText(r.X, bottom, r.W, r.Y+r.H, foot, s.Label, 1)
}

// regionSwatch is the key's sample of class i's region.
func (m *Model) regionSwatch(i int) string {
	if m.styles.Profile >= colorprofile.ANSI {
		return "■"
	}
	return "[" + string(regionGlyphs[i%len(regionGlyphs)]) + "]"
}

// regionKeyStyle is the style of class i's swatch in the key.
func (m *Model) regionKeyStyle(i int) plot.Style {
	if m.styles.Profile >= colorprofile.ANSI {
		return m.styles.ClassStyle(i)
	}
	return m.styles.Text
}

// drawConfusion draws the latest evaluation's confusion matrix: rows are
// the true classes, columns the predictions, each cell the share of its
// row, with the diagonal (right answers) in the accent style.
func (m *Model) drawConfusion(r plot.Rect) {
	g, s, st := &m.grid, m.styles, &m.state
	ev := st.evals[len(st.evals)-1]
	n := 0
	for n*n < len(ev.Confusion) {
		n++
	}
	if n*n != len(ev.Confusion) || n == 0 {
		return
	}
	y := m.wrapText(r.X, r.Y, r.W, r.Y+r.H, fmt.Sprintf("confusion · test at step %d · %.1f %%", ev.Step, 100*ev.TestAccuracy), s.Accent, 1)
	g.Text(r.X, y, "true ↓ predicted →", s.Dim, r.W)
	y++
	cellW := min(max((r.W-4)/n, 2), 5)
	for j := 0; j < n && r.X+4+j*cellW+cellW <= r.X+r.W; j++ {
		g.TextRight(r.X+4+j*cellW, y, cellW, itoa(j), s.Label)
	}
	y++
	for i := 0; i < n && y < r.Y+r.H; i++ {
		g.TextRight(r.X, y, 3, itoa(i), s.Label)
		row := 0
		for j := range n {
			row += ev.Confusion[i*n+j]
		}
		for j := 0; j < n && r.X+4+j*cellW+cellW <= r.X+r.W; j++ {
			v := ev.Confusion[i*n+j]
			if v == 0 {
				g.TextRight(r.X+4+j*cellW, y, cellW, "·", s.Dim)
				continue
			}
			frac := float64(v) / float64(max(row, 1))
			txt := fmt.Sprintf("%d", int(100*frac+0.5))
			sty := s.Text
			switch {
			case i == j:
				sty = s.Good
			case frac >= 0.05:
				sty = s.Bad
			}
			c := s.Ramp.At(frac)
			if cellW > len(txt) && s.Profile >= colorprofile.ANSI {
				g.Set(r.X+4+j*cellW, y, c.R, c.S) // a colour swatch of the share
			}
			g.TextRight(r.X+4+j*cellW, y, cellW, txt, sty)
		}
		y++
	}
	if y < r.Y+r.H {
		g.Text(r.X, y, "% of each true class", s.Dim, r.W)
	}
}
