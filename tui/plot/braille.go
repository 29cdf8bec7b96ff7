package plot

import "math"

// braille dot bits, indexed [column][row] within a 2×4 cell.
var brailleBit = [2][4]rune{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}

// Canvas is a Braille dot canvas over a rectangle of a Grid: 2 dots per cell
// across, 4 down. Dot (0, 0) is the top-left.
type Canvas struct {
	g    *Grid
	r    Rect
	W, H int // in dots
}

// NewCanvas returns a canvas over r of g.
func NewCanvas(g *Grid, r Rect) Canvas {
	return Canvas{g: g, r: r, W: 2 * max(r.W, 0), H: 4 * max(r.H, 0)}
}

// Dot sets the dot (x, y) and gives its cell the style s. Dots outside the
// canvas are ignored.
func (c Canvas) Dot(x, y int, s Style) {
	if x < 0 || y < 0 || x >= c.W || y >= c.H {
		return
	}
	cx, cy := c.r.X+x/2, c.r.Y+y/4
	if cx < 0 || cy < 0 || cx >= c.g.W || cy >= c.g.H {
		return
	}
	cell := &c.g.cells[cy*c.g.W+cx]
	if cell.R < 0x2800 || cell.R > 0x28ff {
		cell.R = 0x2800
	}
	cell.R |= brailleBit[x&1][y&3]
	cell.S = s
}

// Line draws a line of dots from (x0, y0) to (x1, y1) (Bresenham).
func (c Canvas) Line(x0, y0, x1, y1 int, s Style) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	// Clip hopeless lines early so huge coordinates cannot spin.
	if (x0 < 0 && x1 < 0) || (x0 >= c.W && x1 >= c.W) || (y0 < 0 && y1 < 0) || (y0 >= c.H && y1 >= c.H) {
		return
	}
	if dx > 4*c.W+8 || -dy > 4*c.H+8 {
		c.clippedLine(x0, y0, x1, y1, s)
		return
	}
	err := dx + dy
	for {
		c.Dot(x0, y0, s)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * err
		if e2 >= dy {
			err += dy
			x0 += sx
		}
		if e2 <= dx {
			err += dx
			y0 += sy
		}
	}
}

// clippedLine draws a very long line by sampling, one dot per column or row.
func (c Canvas) clippedLine(x0, y0, x1, y1 int, s Style) {
	n := max(c.W, c.H) * 2
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		c.Dot(int(math.Round(float64(x0)+t*float64(x1-x0))), int(math.Round(float64(y0)+t*float64(y1-y0))), s)
	}
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}
