package plot

import "math"

// Ramp is a scale of cells from low to high values: colours of one glyph, or
// glyphs of rising density where colour is gone.
type Ramp struct {
	Levels []Cell
}

// At returns the level for q in [0, 1] (clamped).
func (rp Ramp) At(q float64) Cell {
	n := len(rp.Levels)
	if n == 0 {
		return Cell{'#', 0}
	}
	i := int(q * float64(n))
	return rp.Levels[min(max(i, 0), n-1)]
}

// Heatmap draws a rows×cols matrix (row-major vals) into r: each value as a
// block of cells when r is large enough (whole multiples of the matrix
// size), the mean of a block of values where it is not. Values map linearly
// from [lo, hi] onto the ramp; NaN values (or blocks of only NaN) draw as
// nan. It returns the rectangle it used.
func Heatmap(g *Grid, r Rect, vals []float64, rows, cols int, lo, hi float64, rp Ramp, nan Cell) Rect {
	if rows <= 0 || cols <= 0 || len(vals) < rows*cols || r.Empty() {
		return Rect{r.X, r.Y, 0, 0}
	}
	w, h := min(r.W, cols), min(r.H, rows)
	if r.W >= cols {
		w = cols * (r.W / cols)
	}
	if r.H >= rows {
		h = rows * (r.H / rows)
	}
	span := hi - lo
	if !(span > 0) {
		span = 1
	}
	for cy := 0; cy < h; cy++ {
		r0 := cy * rows / h
		r1 := max(r0+1, (cy+1)*rows/h)
		for cx := 0; cx < w; cx++ {
			c0 := cx * cols / w
			c1 := max(c0+1, (cx+1)*cols/w)
			sum, n := 0.0, 0
			for i := r0; i < r1; i++ {
				for _, v := range vals[i*cols+c0 : i*cols+c1] {
					if !math.IsNaN(v) {
						sum += v
						n++
					}
				}
			}
			c := nan
			if n > 0 {
				c = rp.At((sum/float64(n) - lo) / span)
			}
			g.Set(r.X+cx, r.Y+cy, c.R, c.S)
		}
	}
	return Rect{r.X, r.Y, w, h}
}

// ColorBar draws "lo ▮▮▮▮ hi unit" in one row of width w at (x, y) and
// returns the cells used.
func ColorBar(g *Grid, x, y, w int, lo, hi float64, unit string, rp Ramp, label Style) int {
	g.num = AppendValue(g.num[:0], lo)
	n := g.TextBytes(x, y, g.num, label, w)
	if n >= w {
		return n
	}
	g.num = AppendValue(g.num[:0], hi)
	right := len(g.num)
	if unit != "" {
		right += 1 + Len(unit)
	}
	bar := min(max(len(rp.Levels), w/3), w-n-right-2)
	if bar < 2 {
		return n
	}
	n++
	for i := 0; i < bar; i++ {
		c := rp.At((float64(i) + 0.5) / float64(bar))
		g.Set(x+n+i, y, c.R, c.S)
	}
	n += bar + 1
	n += g.TextBytes(x+n, y, g.num, label, w-n)
	if unit != "" && n+1+Len(unit) <= w {
		n += 1 + g.Text(x+n+1, y, unit, label, w-n-1)
	}
	return n
}

// MeanSD returns the mean and the standard deviation (n-1) of the non-NaN
// values, and how many there were.
func MeanSD(v []float64) (mean, sd float64, n int) {
	for _, x := range v {
		if !math.IsNaN(x) {
			mean += x
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	mean /= float64(n)
	for _, x := range v {
		if !math.IsNaN(x) {
			sd += (x - mean) * (x - mean)
		}
	}
	if n > 1 {
		sd = math.Sqrt(sd / float64(n-1))
	}
	return mean, sd, n
}
