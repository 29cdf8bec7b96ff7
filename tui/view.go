package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"inloop/engine"
	"inloop/tui/plot"
)

// render draws the whole frame into the grid and keeps it as m.frame.
func (m *Model) render() {
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		m.frame = ""
		return
	}
	g, s := &m.grid, m.styles
	g.Reset(w, h)
	m.lay = computeLayout(w, h, m.focus, m.lastPlot, m.lastChip, m.zoom)
	m.drawStatus(m.lay.status)
	switch {
	case m.lay.tiny:
		msg := fmt.Sprintf("enlarge the terminal to at least %d×%d", minW, minH)
		if h > 2 {
			g.Text(0, 1, msg, s.Warn, w)
		}
	case m.showHelp:
		m.drawFullHelp(plot.Rect{X: 0, Y: 1, W: w, H: h - 2})
	default:
		if !m.lay.tabs.Empty() {
			m.drawTabs(m.lay.tabs)
		}
		for p := pane(0); p < numPanes; p++ {
			if r := m.lay.panes[p]; !r.Empty() {
				m.drawPane(p, r)
			}
		}
	}
	if m.form != nil && !m.lay.tiny {
		m.drawNewRun(plot.Rect{X: 0, Y: 1, W: w, H: h - 2})
	}
	if h > 1 {
		m.drawHelpLine(m.lay.help)
	}
	m.frame = string(g.Render(&s.Palette))
}

// drawPane draws a pane's border and title, then its content.
func (m *Model) drawPane(p pane, r plot.Rect) {
	s := m.styles
	border, title := s.Border, s.Title
	if p == m.focus {
		border, title = s.BorderFocus, s.TitleFocus
	}
	m.grid.Box(r, m.paneTitle(p), border, title)
	in := r.Inset(1)
	if in.Empty() {
		return
	}
	switch p {
	case paneRaster:
		m.drawRaster(in)
	case paneTraces:
		m.drawTraces(in)
	case paneMismatch:
		m.drawMismatch(in)
	case paneCurves:
		m.drawCurves(in)
	case paneMap:
		m.drawMap(in)
	case paneParams:
		m.drawSettings(in)
	}
}

func (m *Model) paneTitle(p pane) string {
	st := &m.state
	switch p {
	case paneRaster:
		if st.hasSample {
			return fmt.Sprintf("spikes · sample at step %d", st.sample.Step)
		}
		return "spikes"
	case paneTraces:
		return "membrane · CADC vs true"
	case paneMismatch:
		if st.hasChip {
			return fmt.Sprintf("mismatch · chip %d · %s", st.chip.ChipSeed, st.chip.Calibration)
		}
		return "mismatch"
	case paneCurves:
		if st.hasProgress {
			t := "loss & accuracy · epoch " + epochOf(&st.progress)
			if e := eta(st.progress); e != "" {
				t += " · " + e
			}
			return t
		}
		return "loss & accuracy"
	case paneMap:
		if st.hasMap {
			return fmt.Sprintf("decision map · step %d", st.dmap.Step)
		}
		return "decision map"
	case paneParams:
		if m.opts.ReadOnly {
			return "settings · read-only"
		}
		return "settings"
	}
	return ""
}

// waiting writes a placeholder in an empty pane.
func (m *Model) waiting(r plot.Rect, what string) {
	if r.H <= 0 {
		return
	}
	txt := "waiting for " + what + "…"
	x := r.X + max(0, (r.W-plot.Len(txt))/2)
	m.grid.Text(x, r.Y+r.H/2, txt, m.styles.Dim, r.W)
}

// drawStatus draws the status bar: run, chip and progress, then the state.
func (m *Model) drawStatus(r plot.Rect) {
	g, s, st := &m.grid, m.styles, &m.state
	g.Fill(r, ' ', s.Status)
	state, stStyle := "● starting", s.StatusKey
	switch {
	case m.quitting:
		state, stStyle = "■ stopping…", s.StatusPause
	case st.done != nil && st.done.Err != nil:
		state, stStyle = "✗ failed", s.StatusPause
	case st.done != nil || st.closed:
		state, stStyle = "■ finished", s.StatusKey
	case st.hasProgress && st.progress.AtEnd:
		state, stStyle = "■ all epochs done", s.StatusPause
	case st.paused():
		state, stStyle = "‖ paused", s.StatusPause // ‖: ⏸ is missing from common monospace fonts
	case st.hasProgress:
		state, stStyle = "▶ running", s.StatusRun
	}
	if m.opts.ReadOnly {
		state += " · read-only"
	}
	stateW := plot.Len(state) + 2
	// Long forms where there is room, short ones on narrow terminals.
	narrow := r.W < 120
	segs := make([]string, 0, 10)
	name := "inloop"
	switch {
	case m.opts.Title != "" && narrow:
		name = m.opts.Title
	case m.opts.Title != "":
		name += " · " + m.opts.Title
	case narrow && (m.opts.Dataset != "" || st.hasProgress):
		name = "" // the run's figures matter more than the app's name
	}
	if name != "" {
		segs = append(segs, name)
	}
	if m.opts.Dataset != "" {
		segs = append(segs, m.opts.Dataset)
	}
	if st.hasProgress {
		p := &st.progress
		if narrow {
			segs = append(segs, string(p.Mode), fmt.Sprintf("seed %d", p.ChipSeed), shortCalibration(p.Calibration),
				"ep "+epochOf(p), fmt.Sprintf("step %d", p.Step))
			if p.Pace > 0 {
				segs = append(segs, engine.PaceText(p.Pace))
			}
			segs = append(segs, fmt.Sprintf("%s/s", compact(p.SamplesPerSec)), fmt.Sprintf("%.0f sp/sample", p.SpikesPerSample))
		} else {
			segs = append(segs, string(p.Mode), fmt.Sprintf("chip %d", p.ChipSeed), p.Calibration,
				"epoch "+epochOf(p),
				fmt.Sprintf("step %d (%d/%d)", p.Step, p.Batch, p.BatchesPerEpoch))
			if p.Pace > 0 {
				segs = append(segs, "pace "+engine.PaceText(p.Pace))
			}
			segs = append(segs, fmt.Sprintf("%s samples/s", compact(p.SamplesPerSec)),
				fmt.Sprintf("%.1f spikes/sample", p.SpikesPerSample))
		}
	}
	sepText := " │ "
	if narrow {
		sepText = " · "
	}
	x := r.X + 1
	limit := r.W - stateW
	for i, seg := range segs {
		sep := ""
		if i > 0 {
			sep = sepText
		}
		n := plot.Len(sep) + plot.Len(seg)
		if x+n > limit {
			break
		}
		x += g.Text(x, r.Y, sep, s.Status, n)
		st := s.Status
		if i == 0 {
			st = s.StatusKey
		}
		x += g.Text(x, r.Y, seg, st, n)
	}
	g.TextRight(r.X, r.Y, r.W-1, state, stStyle)
}

// shortCalibration abbreviates the calibration state for narrow screens.
func shortCalibration(c string) string {
	switch {
	case c == "calibrated":
		return "cal"
	case c == "uncalibrated":
		return "uncal"
	case strings.HasPrefix(c, "decalibrated "):
		return "decal " + strings.TrimPrefix(c, "decalibrated ")
	}
	return c
}

// compact formats a rate with 3 significant digits and a k/M suffix.
func compact(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.3gk", v/1e3)
	}
	return fmt.Sprintf("%.3g", v)
}

// drawHelpLine draws the last row: a message if there is one, else the
// short help of the focused pane and the global keys.
func (m *Model) drawHelpLine(r plot.Rect) {
	g, s := &m.grid, m.styles
	x := r.X
	if m.opts.Autopilot != nil {
		x += g.Text(x, r.Y, m.opts.Autopilot.Caption(), s.Accent, r.W)
		if x+4 > r.W {
			return
		}
		x += g.Text(x, r.Y, "  ", s.Dim, 2)
	}
	if m.flash != "" {
		st := s.Good
		if m.flashBad {
			st = s.Bad
		}
		x += g.Text(x, r.Y, m.flash, st, r.W)
		if x+4 > r.W {
			return
		}
		x += g.Text(x, r.Y, "  ", s.Dim, 2)
	}
	if m.form != nil {
		x += g.Text(x, r.Y, "tab/↑↓ field · enter start the new run · esc cancel", s.Dim, r.W-x)
		return
	}
	if m.editing {
		x += g.Text(x, r.Y, "enter apply · esc cancel", s.Dim, r.W-x)
		return
	}
	m.help.SetWidth(r.W - x)
	bind := append(m.keys.paneKeys(m.focus), m.keys.ShortHelp()...)
	line := ansi.Strip(m.help.ShortHelpView(bind))
	g.Text(x, r.Y, line, s.Dim, r.W-x)
}

// drawFullHelp draws every binding of the key map, group after group, in
// as many columns as fit.
func (m *Model) drawFullHelp(r plot.Rect) {
	g, s := &m.grid, m.styles
	g.Box(r, "keys · ? or esc to close", s.BorderFocus, s.TitleFocus)
	in := r.Inset(1)
	if in.Empty() {
		return
	}
	keyW, descW := 0, 0
	for _, grp := range m.keys.FullHelp() {
		for _, b := range grp {
			keyW = max(keyW, plot.Len(b.Help().Key))
			descW = max(descW, plot.Len(b.Help().Desc))
		}
	}
	colW := keyW + descW + 4
	cols := max(1, (in.W-1)/colW)
	extra := []string{
		"mouse: a click focuses a pane (on the die: selects a circuit); the wheel steps neurons, circuits, rows",
		"settings: e or enter edits the selected row; a value is checked before it is",
		"sent, and shown as applied (✓) when the run confirms it at the next batch",
	}
	x0, y0 := in.X+1, in.Y+1
	col, y := 0, y0
	bottom := in.Y + in.H - len(extra) - 1
	for _, grp := range m.keys.FullHelp() {
		if y+len(grp) > bottom && y > y0 {
			col, y = col+1, y0
		}
		if col >= cols {
			break
		}
		x := x0 + col*colW
		for _, b := range grp {
			if y >= in.Y+in.H {
				break
			}
			g.Text(x, y, b.Help().Key, s.Accent, min(keyW, in.X+in.W-x))
			if x+keyW+2 < in.X+in.W {
				g.Text(x+keyW+2, y, b.Help().Desc, s.Text, min(descW, in.X+in.W-x-keyW-2))
			}
			y++
		}
		y++
	}
	y = max(bottom, y0) + 1
	for _, l := range extra {
		if y >= in.Y+in.H {
			break
		}
		g.Text(in.X+1, y, l, s.Dim, in.W-2)
		y++
	}
}

// drawTabs draws the compact layout's tab strip.
func (m *Model) drawTabs(r plot.Rect) {
	g, s := &m.grid, m.styles
	shown := pane(-1)
	for p := pane(0); p < numPanes; p++ {
		if !m.lay.panes[p].Empty() && m.lay.panes[p].Y == r.Y+1 {
			shown = p
		}
	}
	for p := pane(0); p < m.lay.tabCount(); p++ {
		x0, x1 := m.lay.tabSpan(p)
		if x1 > r.W {
			break
		}
		st := s.Dim
		if p == shown {
			st = s.Selected
		}
		g.Set(r.X+x0, r.Y, ' ', st)
		g.Text(r.X+x0+1, r.Y, paneTitles[p], st, x1-x0-2)
		g.Set(r.X+x1-1, r.Y, ' ', st)
		if x1 < r.W {
			g.Set(r.X+x1, r.Y, '│', s.Border)
		}
	}
}
