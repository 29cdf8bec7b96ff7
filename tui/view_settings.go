package tui

import (
	"fmt"

	"inloop/tui/plot"
)

// drawSettings draws the hyperparameters and calibration actions with their
// values in force and the fate of the last value sent from each row, the
// editor when a value is being typed, and the latest command results.
func (m *Model) drawSettings(r plot.Rect) {
	g, s, st := &m.grid, m.styles, &m.state
	y := r.Y
	bottom := r.Y + r.H
	if m.opts.ReadOnly {
		y = m.wrapText(r.X, y, r.W, bottom, "read-only: "+m.opts.ReadOnlyReason, s.Warn, 2)
	}
	// Rows in the space left after the editor's lines.
	editLines := 0
	if m.editing {
		editLines = 2 + min(3, (plot.Len(m.editErr)+r.W-1)/max(r.W, 1))
	}
	labelW := max(min(16, r.W-10), r.W/2)
	total := len(settings) + 2 // two section lines
	avail := bottom - y - editLines
	first := 0
	if total > avail {
		// Scroll so the selected row stays visible.
		first = max(0, min(m.row-(avail-3), len(settings)-(avail-2)))
	}
	for i := first; i < len(settings) && y < bottom-editLines; i++ {
		if i == 0 || i == firstCalibration {
			head := "hyperparameters"
			if i == firstCalibration {
				head = "calibration"
				if st.hasChip {
					head += " · " + st.chip.Calibration
				} else if st.hasProgress {
					head += " · " + st.progress.Calibration
				}
			}
			g.Text(r.X, y, head, s.Accent, r.W)
			y++
			if y >= bottom-editLines {
				break
			}
		}
		row := settings[i]
		sel := i == m.row && m.focus == paneParams
		lst, vst := s.Text, s.Bold
		if sel {
			g.Fill(plot.Rect{X: r.X, Y: y, W: r.W, H: 1}, ' ', s.Selected)
			lst, vst = s.Selected, s.Selected
		} else if m.opts.ReadOnly {
			lst, vst = s.Dim, s.Dim
		}
		m.lay.rowY[i] = y
		g.Text(r.X, y, row.Label, lst, labelW)
		val := row.value(st)
		if row.Name == "epochs" && val == "0" {
			val = "no end" // a session that trains until it is stopped
		}
		p := m.pend[i]
		mark, mst := "", s.Dim
		switch p.status {
		case editSent:
			mark, mst = "…", s.Warn
			val = "→ " + p.value
			if row.NoValue {
				val = "sent"
			}
		case editApplied:
			mark, mst = "✓", s.Good
		case editRefused:
			mark, mst = "✗", s.Bad
		}
		if row.NoValue && val == "" {
			val = "enter"
		}
		vw := r.W - labelW - 2
		if vw > 0 {
			g.TextRight(r.X+labelW, y, vw, val, vst)
		}
		if mark != "" && sel {
			mst = s.Selected
		}
		g.Text(r.X+r.W-1, y, mark, mst, 1)
		y++
	}
	if m.editing {
		row := settings[m.row]
		y = max(y, bottom-editLines)
		label := row.Name + " = "
		n := g.Text(r.X, y, label, s.Accent, r.W)
		m.drawInput(r.X+n, y, r.W-n)
		y++
		hint := row.hint()
		if m.editErr != "" {
			m.wrapText(r.X, y, r.W, bottom, "✗ "+m.editErr, s.Bad, 3)
		} else if y < bottom {
			g.Text(r.X, y, hint, s.Dim, r.W)
		}
		return
	}
	// Latest results, newest first, in what room is left.
	for i := len(st.log) - 1; i >= 0 && y < bottom; i-- {
		ce := st.log[i]
		mark, mst := "✓", s.Good
		txt := commandLabel(ce.Command)
		if !ce.Applied {
			mark, mst = "✗", s.Bad
			txt += ": " + ce.Err
		}
		n := g.Text(r.X, y, fmt.Sprintf("@%d ", ce.Step), s.Dim, r.W)
		n += g.Text(r.X+n, y, mark+" ", mst, r.W-n)
		lines := 1
		if !ce.Applied {
			lines = 3 // a refusal's reason is read whole
		}
		y = m.wrapText(r.X+n, y, r.W-n, bottom, txt, s.Label, lines)
	}
}

// drawInput draws the text being typed with the cursor as a reversed cell,
// scrolled so the cursor stays in view.
func (m *Model) drawInput(x, y, w int) {
	if w <= 1 {
		return
	}
	g, s := &m.grid, m.styles
	val := []rune(m.input.Value())
	pos := min(m.input.Position(), len(val))
	start := max(0, pos-(w-1))
	g.Fill(plot.Rect{X: x, Y: y, W: w, H: 1}, ' ', s.Input)
	for i := start; i < len(val) && i-start < w; i++ {
		g.Set(x+i-start, y, val[i], s.Input)
	}
	cur := ' '
	if pos < len(val) {
		cur = val[pos]
	}
	g.Set(x+pos-start, y, cur, s.Cursor)
}

// wrapText writes text over at most maxLines rows of width w from y and
// returns the next free row.
func (m *Model) wrapText(x, y, w, bottom int, text string, st plot.Style, maxLines int) int {
	rs := []rune(text)
	for line := 0; line < maxLines && len(rs) > 0 && y < bottom && w > 0; line++ {
		n := min(len(rs), w)
		if n < len(rs) {
			// Break at the last space that leaves something on the line,
			// outside brackets if there is one ("(0, 1]" stays whole).
			depth := make([]int, n+1)
			d := 0
			for k := 0; k <= n && k < len(rs); k++ {
				depth[k] = d
				switch rs[k] {
				case '(', '[':
					d++
				case ')', ']':
					d = max(d-1, 0)
				}
			}
			best := -1
			for k := n; k > w/2; k-- {
				if rs[k] == ' ' && (best < 0 || depth[k] == 0) {
					if best < 0 || depth[best] != 0 {
						best = k
					}
					if depth[k] == 0 {
						break
					}
				}
			}
			if best > 0 {
				n = best
			}
		}
		if line == maxLines-1 && n < len(rs) && n > 0 {
			rs = append(rs[:n-1:n-1], '…')
			n = len(rs)
		}
		m.grid.Text(x, y, string(rs[:n]), st, w)
		rs = rs[n:]
		for len(rs) > 0 && rs[0] == ' ' {
			rs = rs[1:]
		}
		y++
	}
	return y
}
