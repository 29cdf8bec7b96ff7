package main

import (
	"fmt"
	"math"
	"strings"

	"inloop/engine/experiment"
	"inloop/tui/plot"
)

// seriesGlyphs mark the points of each series in the terminal figure (no
// colour: the figure may go to a file).
var seriesGlyphs = []rune{'●', '▲', '■', '◆', '○', '△', '□', '◇'}

// terminalFigure draws the experiment's figure as text, w×h cells for the
// plot, with a legend below; "" if nothing is done yet.
func terminalFigure(t experiment.Table, w, h int) string {
	curves := experiment.FigureCurves(t)
	if len(curves) == 0 {
		return ""
	}
	xl, yl, _ := experiment.FigureAxes(t.Name)
	xa, ya := plot.Axis{Min: math.Inf(1), Max: math.Inf(-1)}, plot.Axis{Min: math.Inf(1), Max: math.Inf(-1)}
	for _, c := range curves {
		xa.Min, xa.Max = plot.Extent(xa.Min, xa.Max, c.X)
		ya.Min, ya.Max = plot.Extent(ya.Min, ya.Max, c.Y)
	}
	if t.Name == "table1" {
		xa.Min, xa.Max = 0, float64(len(curves)+1)
	}
	pad := (ya.Max - ya.Min) * 0.08
	if pad == 0 {
		pad = 1
	}
	ya.Min, ya.Max = ya.Min-pad, ya.Max+pad
	ya.Unit = "%"
	var g plot.Grid
	g.Reset(w, h)
	p := plot.NewPlot(&g, plot.Rect{X: 0, Y: 0, W: w, H: h}, xa, ya, plot.AxisStyle{})
	for i, c := range curves {
		if t.Name != "table1" {
			p.Line(c.X, c.Y, 0)
		}
		p.Glyphs(&g, c.X, c.Y, seriesGlyphs[i%len(seriesGlyphs)], 0)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s against %s\n", yl, xl)
	if t.Name == "table1" {
		b.WriteString("(one column per series, in the table's order)\n")
	}
	b.WriteString(g.String())
	b.WriteString("\n")
	for i, c := range curves {
		fmt.Fprintf(&b, "  %c %s\n", seriesGlyphs[i%len(seriesGlyphs)], c.Name)
	}
	return b.String()
}
