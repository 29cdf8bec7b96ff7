package plot

import (
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// Style indexes a Palette entry. Style 0 is the terminal's default.
type Style uint8

// Palette maps styles to SGR sequences. Each sequence must set the whole
// style (start with a reset, e.g. "\x1b[0;31m"); "" means the default style.
type Palette struct {
	seq []string
}

// Add appends an SGR sequence and returns its Style. It panics beyond 255
// entries.
func (p *Palette) Add(seq string) Style {
	if len(p.seq) == 0 {
		p.seq = append(p.seq, "")
	}
	if len(p.seq) > 255 {
		panic("plot: palette full")
	}
	p.seq = append(p.seq, seq)
	return Style(len(p.seq) - 1)
}

func (p *Palette) get(s Style) string {
	if p == nil || int(s) >= len(p.seq) {
		return ""
	}
	return p.seq[s]
}

// Cell is one terminal cell: a width-1 rune and its style.
type Cell struct {
	R rune
	S Style
}

// Rect is a rectangle of cells; X, Y are its top-left corner.
type Rect struct{ X, Y, W, H int }

// Empty reports whether r has no cells.
func (r Rect) Empty() bool { return r.W <= 0 || r.H <= 0 }

// Inset shrinks r by d on every side.
func (r Rect) Inset(d int) Rect {
	return Rect{r.X + d, r.Y + d, max(0, r.W-2*d), max(0, r.H-2*d)}
}

// Contains reports whether the cell (x, y) lies in r.
func (r Rect) Contains(x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// Grid is a W×H frame of cells. The zero Grid is empty; Reset sizes it.
type Grid struct {
	W, H  int
	cells []Cell
	out   []byte
	num   []byte // scratch for number formatting
	ticks []float64
}

// Reset sizes g to w×h blank cells, reusing its memory.
func (g *Grid) Reset(w, h int) {
	w, h = max(w, 0), max(h, 0)
	g.W, g.H = w, h
	n := w * h
	if cap(g.cells) < n {
		g.cells = make([]Cell, n)
	}
	g.cells = g.cells[:n]
	for i := range g.cells {
		g.cells[i] = Cell{' ', 0}
	}
}

// Bounds is the whole grid.
func (g *Grid) Bounds() Rect { return Rect{0, 0, g.W, g.H} }

// At returns the cell at (x, y); outside the grid it is a blank.
func (g *Grid) At(x, y int) Cell {
	if x < 0 || y < 0 || x >= g.W || y >= g.H {
		return Cell{' ', 0}
	}
	return g.cells[y*g.W+x]
}

// Set writes one cell; outside the grid it does nothing. Runes that are not
// one cell wide are replaced by '?', so the grid's geometry always holds.
func (g *Grid) Set(x, y int, r rune, s Style) {
	if x < 0 || y < 0 || x >= g.W || y >= g.H {
		return
	}
	if r >= 0x300 && runewidth.RuneWidth(r) != 1 || r < ' ' {
		r = '?'
	}
	g.cells[y*g.W+x] = Cell{r, s}
}

// SetStyle changes the style of a cell, keeping its rune.
func (g *Grid) SetStyle(x, y int, s Style) {
	if x < 0 || y < 0 || x >= g.W || y >= g.H {
		return
	}
	g.cells[y*g.W+x].S = s
}

// Fill sets every cell of r.
func (g *Grid) Fill(r Rect, ch rune, s Style) {
	for y := r.Y; y < r.Y+r.H; y++ {
		for x := r.X; x < r.X+r.W; x++ {
			g.Set(x, y, ch, s)
		}
	}
}

// Text writes s from (x, y) rightwards, at most maxW cells, and returns the
// number of cells written. Text is clipped to the grid.
func (g *Grid) Text(x, y int, s string, st Style, maxW int) int {
	n := 0
	for _, r := range s {
		if n >= maxW {
			break
		}
		g.Set(x+n, y, r, st)
		n++
	}
	return n
}

// TextBytes is Text for a byte slice.
func (g *Grid) TextBytes(x, y int, b []byte, st Style, maxW int) int {
	n := 0
	for len(b) > 0 && n < maxW {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		g.Set(x+n, y, r, st)
		n++
	}
	return n
}

// TextRight writes s so that it ends at column x+w-1 of row y (clipped at x).
func (g *Grid) TextRight(x, y, w int, s string, st Style) {
	n := utf8.RuneCountInString(s)
	if n > w {
		g.Text(x, y, s, st, w)
		return
	}
	g.Text(x+w-n, y, s, st, n)
}

// Len is the number of cells s takes in a Grid.
func Len(s string) int { return utf8.RuneCountInString(s) }

// Box draws a single-line border around r with a title in the top edge.
func (g *Grid) Box(r Rect, title string, border, titleStyle Style) {
	if r.W < 2 || r.H < 2 {
		return
	}
	x1, y1 := r.X+r.W-1, r.Y+r.H-1
	for x := r.X + 1; x < x1; x++ {
		g.Set(x, r.Y, '─', border)
		g.Set(x, y1, '─', border)
	}
	for y := r.Y + 1; y < y1; y++ {
		g.Set(r.X, y, '│', border)
		g.Set(x1, y, '│', border)
	}
	g.Set(r.X, r.Y, '╭', border)
	g.Set(x1, r.Y, '╮', border)
	g.Set(r.X, y1, '╰', border)
	g.Set(x1, y1, '╯', border)
	if title != "" && r.W > 4 {
		g.Set(r.X+1, r.Y, ' ', border)
		title = FitSegments(title, r.W-4)
		n := g.Text(r.X+2, r.Y, title, titleStyle, r.W-4)
		g.Set(r.X+2+n, r.Y, ' ', border)
	}
}

// Render writes the grid as H lines of exactly W cells, joined by "\n",
// switching styles only where they change. The result is valid until the
// next Render.
func (g *Grid) Render(p *Palette) []byte {
	b := g.out[:0]
	for y := 0; y < g.H; y++ {
		if y > 0 {
			b = append(b, '\n')
		}
		cur, curS := "", Style(0)
		row := g.cells[y*g.W : (y+1)*g.W]
		for _, c := range row {
			if c.S != curS {
				curS = c.S
				if seq := p.get(c.S); seq != cur {
					if seq == "" {
						b = append(b, "\x1b[m"...)
					} else {
						b = append(b, seq...)
					}
					cur = seq
				}
			}
			if c.R < utf8.RuneSelf {
				b = append(b, byte(c.R))
			} else {
				b = utf8.AppendRune(b, c.R)
			}
		}
		if cur != "" {
			b = append(b, "\x1b[m"...)
		}
	}
	g.out = b
	return b
}

// String renders the grid without styles (for tests and logs).
func (g *Grid) String() string { return string(g.Render(nil)) }

// FitSegments shortens a title made of segments joined by " · " to at most
// w cells by dropping whole segments from the end, so no segment is cut
// into something that reads differently ("epoch 14/2" for 14/200). A first
// segment that alone does not fit ends in "…".
func FitSegments(title string, w int) string {
	if Len(title) <= w {
		return title
	}
	for {
		i := strings.LastIndex(title, " · ")
		if i < 0 {
			break
		}
		title = title[:i]
		if Len(title) <= w {
			return title
		}
	}
	if w <= 0 {
		return ""
	}
	rs := []rune(title)
	return string(rs[:w-1]) + "…"
}
