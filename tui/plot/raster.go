package plot

// RasterGroup is one population in a spike raster: N neurons whose spikes
// are given by At(i) for i < Count.
type RasterGroup struct {
	Label string
	N     int
	Count int
	At    func(i int) (neuron int, t float64)
	Style Style
	// Mark, if set, points at neuron Marked with ▸ beside the axis and
	// draws its spikes in MarkStyle.
	Mark      bool
	Marked    int
	MarkStyle Style
}

// Raster draws the groups stacked top to bottom over the time axis x, each in
// a band of dot rows proportional to its size, with its label in the gutter.
// Several neurons share a dot row when a band is smaller than its group.
func Raster(g *Grid, r Rect, x Axis, groups []RasterGroup, st AxisStyle) Plot {
	gut := st.Gutter
	for _, gr := range groups {
		gut = max(gut, Len(gr.Label))
	}
	st.Gutter, st.NoYTicks = min(gut, r.W/3), true
	p := NewPlot(g, r, x, Axis{Min: 0, Max: 1}, st)
	if p.W == 0 || len(groups) == 0 {
		return p
	}
	total := 0
	for _, gr := range groups {
		total += max(gr.N, 1)
	}
	avail := p.H - (len(groups) - 1) // one blank dot row between bands
	start := 0
	for k, gr := range groups {
		n := max(gr.N, 1)
		h := max(min(n, 4), avail*n/total)
		if k == len(groups)-1 {
			h = p.H - start
		}
		h = max(min(h, p.H-start-(len(groups)-1-k)*2), 1)
		row := p.Area.Y + start/4
		g.Text(r.X, row, gr.Label, gr.Style, min(Len(gr.Label), p.Area.X-1-r.X))
		for i := 0; i < gr.Count && gr.At != nil; i++ {
			idx, t := gr.At(i)
			if idx < 0 || idx >= n || !finite(t) || t < p.X.Min || t > p.X.Max {
				continue
			}
			st := gr.Style
			if gr.Mark && idx == gr.Marked {
				st = gr.MarkStyle
			}
			p.Dot(p.DotX(t), start+idx*h/n, st)
		}
		if gr.Mark && gr.Marked >= 0 && gr.Marked < n && p.Area.X-2 >= r.X {
			g.Set(p.Area.X-2, p.Area.Y+(start+gr.Marked*h/n)/4, '▸', gr.MarkStyle)
		}
		start += h + 1
		if start >= p.H {
			break
		}
	}
	return p
}
