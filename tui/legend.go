package tui

import "inloop/tui/plot"

// legendItem is one entry of a legend: a glyph in the series' style and its
// name, with a shorter name for narrow panes.
type legendItem struct {
	glyph, long, short string
	st                 plot.Style
}

// legend draws items on the row y from x within w cells: the long names if
// they all fit, else the short ones, else the glyphs alone with a
// numbered key (no name is ever cut into something else). It returns the
// columns used.
func (m *Model) legend(x, y, w int, items []legendItem) int {
	width := func(short, names bool) int {
		n := 0
		for i, it := range items {
			if i > 0 {
				n++
			}
			n += plot.Len(it.glyph)
			if names {
				t := it.long
				if short {
					t = it.short
				}
				n += plot.Len(t)
			}
		}
		return n
	}
	short, names := false, true
	switch {
	case width(false, true) <= w:
	case width(true, true) <= w:
		short = true
	default:
		names = false
	}
	g, s := &m.grid, m.styles
	x0 := x
	for i, it := range items {
		if i > 0 {
			x += g.Text(x, y, " ", s.Label, x0+w-x)
		}
		x += g.Text(x, y, it.glyph, it.st, x0+w-x)
		t := it.long
		if short {
			t = it.short
		}
		if it.glyph == "" && !names {
			t = it.short // text-only items keep their short form
		}
		if names || it.glyph == "" {
			if x+plot.Len(t) > x0+w {
				break
			}
			x += g.Text(x, y, t, s.Label, x0+w-x)
		}
	}
	return x - x0
}
