package tui

import "inloop/tui/plot"

// Layout thresholds: below minW×minH the app asks for a larger terminal;
// from gridW×gridH all panes get a grid, from midW×midH four plots and the
// settings; smaller terminals get the compact layout (one plot at a time,
// chosen with tabs, beside the settings).
const (
	minW, minH   = 40, 10
	midW, midH   = 100, 28
	gridW, gridH = 120, 34
	compactSetW  = 30 // settings column in the compact layout
	midSetW      = 36
)

// layout is where everything goes on a screen of a given size.
type layout struct {
	w, h   int
	status plot.Rect
	help   plot.Rect
	tabs   plot.Rect // compact layout: the tab strip
	panes  [numPanes]plot.Rect
	tiny   bool
	// rowY is the screen row of each settings row as drawn, -1 if hidden.
	rowY []int
}

// computeLayout places the panes for a w×h screen. In the compact layout
// shown is the plot pane in the main area; in the mid layout chip (mismatch
// or map) is the one of the two that gets their shared slot.
func computeLayout(w, h int, focus, shown, chip pane, zoom bool) layout {
	l := layout{w: w, h: h, status: plot.Rect{W: w, H: 1}, help: plot.Rect{Y: h - 1, W: w, H: 1}}
	l.rowY = make([]int, len(settings))
	for i := range l.rowY {
		l.rowY[i] = -1
	}
	if w < minW || h < minH {
		l.tiny = true
		return l
	}
	body := plot.Rect{X: 0, Y: 1, W: w, H: h - 2}
	if zoom {
		l.panes[focus] = body
		return l
	}
	switch {
	case w >= gridW && h >= gridH:
		topH := body.H * 11 / 20
		third := w / 3
		l.panes[paneRaster] = plot.Rect{X: 0, Y: 1, W: third, H: topH}
		l.panes[paneTraces] = plot.Rect{X: third, Y: 1, W: third, H: topH}
		l.panes[paneCurves] = plot.Rect{X: 2 * third, Y: 1, W: w - 2*third, H: topH}
		setW := max(40, w/4)
		botH := body.H - topH
		// The map is about square: cells are twice as tall as wide.
		mapW := min((w-setW)/2, 2*botH+4)
		l.panes[paneMismatch] = plot.Rect{X: 0, Y: 1 + topH, W: w - setW - mapW, H: botH}
		l.panes[paneMap] = plot.Rect{X: w - setW - mapW, Y: 1 + topH, W: mapW, H: botH}
		l.panes[paneParams] = plot.Rect{X: w - setW, Y: 1 + topH, W: setW, H: botH}
	case w >= midW && h >= midH:
		lw := w - midSetW
		half, topH := lw/2, body.H/2
		l.panes[paneRaster] = plot.Rect{X: 0, Y: 1, W: half, H: topH}
		l.panes[paneTraces] = plot.Rect{X: half, Y: 1, W: lw - half, H: topH}
		l.panes[paneCurves] = plot.Rect{X: 0, Y: 1 + topH, W: half, H: body.H - topH}
		if chip != paneMap {
			chip = paneMismatch
		}
		l.panes[chip] = plot.Rect{X: half, Y: 1 + topH, W: lw - half, H: body.H - topH}
		l.panes[paneParams] = plot.Rect{X: lw, Y: 1, W: midSetW, H: body.H}
	default:
		setW := compactSetW
		if w < 70 {
			setW = 0
		}
		if setW == 0 && focus == paneParams {
			shown = paneParams
		}
		mainW := w - setW
		l.tabs = plot.Rect{X: 0, Y: 1, W: mainW, H: 1}
		l.panes[shown] = plot.Rect{X: 0, Y: 2, W: mainW, H: body.H - 1}
		if setW > 0 {
			l.panes[paneParams] = plot.Rect{X: mainW, Y: 1, W: setW, H: body.H}
		}
	}
	return l
}

// tabSpan is the cells of tab p in the strip: " name " separated by "│",
// starting at column 0. The settings tab exists only when the settings
// share the main area.
func (l layout) tabSpan(p pane) (x0, x1 int) {
	x := 0
	for q := pane(0); q <= p; q++ {
		n := plot.Len(paneTitles[q]) + 2
		if q == p {
			return x, x + n
		}
		x += n + 1
	}
	return x, x
}

// tabs lists the panes with a tab.
func (l layout) tabCount() pane {
	if l.panes[paneParams].Empty() || l.panes[paneParams].Y == l.tabs.Y+1 {
		return numPanes
	}
	return paneParams
}

// tabAt returns the tab under (x, y), if any.
func (l layout) tabAt(x, y int) (pane, bool) {
	if l.tabs.Empty() || y != l.tabs.Y {
		return 0, false
	}
	for p := pane(0); p < l.tabCount(); p++ {
		if x0, x1 := l.tabSpan(p); x >= x0 && x < x1 && x1 <= l.tabs.W {
			return p, true
		}
	}
	return 0, false
}

// rowAt returns the settings row drawn at screen row y, or -1.
func (l layout) rowAt(y int) int {
	for i, ry := range l.rowY {
		if ry >= 0 && ry == y {
			return i
		}
	}
	return -1
}
