package plot

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/golden"
)

// testPalette has three visible styles so golden files show style changes.
func testPalette() (*Palette, Style, Style, Style) {
	var p Palette
	a := p.Add("\x1b[0;31m")
	b := p.Add("\x1b[0;32m")
	c := p.Add("\x1b[0;2m")
	return &p, a, b, c
}

func checkGeometry(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Fatalf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		plain := stripSGR(l)
		if n := utf8.RuneCountInString(plain); n != w {
			t.Fatalf("line %d has %d cells, want %d: %q", i, n, w, plain)
		}
	}
}

func stripSGR(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestNiceStepAndTicks(t *testing.T) {
	for _, c := range []struct {
		span float64
		n    int
		want float64
	}{{10, 5, 2}, {1, 4, 0.2}, {100, 4, 20}, {7, 7, 1}, {0.03, 3, 0.01}, {1700, 4, 500}} {
		if got := NiceStep(c.span, c.n); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("NiceStep(%v,%v)=%v want %v", c.span, c.n, got, c.want)
		}
	}
	ticks, step := Ticks(nil, -0.3, 1.1, 4)
	want := []float64{0, 0.5, 1}
	if step != 0.5 || len(ticks) != len(want) {
		t.Fatalf("ticks %v step %v", ticks, step)
	}
	for i := range want {
		if ticks[i] != want[i] {
			t.Fatalf("ticks %v", ticks)
		}
	}
}

func TestAppendTick(t *testing.T) {
	for _, c := range []struct {
		v, step float64
		want    string
	}{{0.5, 0.5, "0.5"}, {20, 10, "20"}, {12000, 2000, "12k"}, {2.5e6, 5e5, "2.5M"}, {0.25, 0.05, "0.25"}, {0, 0.1, "0.0"}} {
		if got := string(AppendTick(nil, c.v, c.step)); got != c.want {
			t.Errorf("AppendTick(%v,%v)=%q want %q", c.v, c.step, got, c.want)
		}
	}
}

func TestBrailleDots(t *testing.T) {
	var g Grid
	g.Reset(2, 1)
	c := NewCanvas(&g, g.Bounds())
	c.Dot(0, 0, 0) // ⠁
	c.Dot(1, 3, 0) // ⢀ added: 0x80
	c.Dot(3, 0, 0) // second cell, right column top: 0x08
	c.Dot(9, 9, 0) // outside: ignored
	if got := g.String(); got != "\u2881\u2808" {
		t.Fatalf("got %q", got)
	}
}

func TestGridClipsAndReplacesWideRunes(t *testing.T) {
	var g Grid
	g.Reset(5, 2)
	g.Text(3, 0, "abcdef", 0, 10)
	g.Text(0, 1, "漢x", 0, 5)
	g.Set(-1, 0, 'z', 0)
	got := g.String()
	if got != "   ab\n?x   " {
		t.Fatalf("got %q", got)
	}
}

func TestHeatmapBinsByMean(t *testing.T) {
	var g Grid
	g.Reset(2, 1)
	vals := []float64{0, 0, 1, 1, 0, math.NaN(), 1, 1} // 2 rows × 4 cols
	rp := Ramp{Levels: []Cell{{'a', 0}, {'b', 0}, {'c', 0}}}
	used := Heatmap(&g, g.Bounds(), vals, 2, 4, 0, 1, rp, Cell{'x', 0})
	if used.W != 2 || used.H != 1 {
		t.Fatalf("used %+v", used)
	}
	if got := g.String(); got != "ac" {
		t.Fatalf("got %q, want the left block (mean 0) low and the right block (mean 1) high", got)
	}
	mean, sd, n := MeanSD(vals)
	if n != 7 || math.Abs(mean-4.0/7) > 1e-12 || math.Abs(sd-math.Sqrt((4*(9.0/49)+3*(16.0/49))/6)) > 1e-12 {
		t.Fatalf("MeanSD = %v %v %v", mean, sd, n)
	}
}

// sine returns n samples of a sine with period n/2.
func sine(n int, amp float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = amp * math.Sin(4*math.Pi*float64(i)/float64(n))
	}
	return v
}

func TestGolden(t *testing.T) {
	pal, red, green, dim := testPalette()
	st := AxisStyle{Line: dim, Label: dim}
	cases := []struct {
		name string
		w, h int
		draw func(g *Grid)
	}{
		{"line", 40, 12, func(g *Grid) {
			p := NewPlot(g, g.Bounds(), Axis{0, 100, "µs"}, Axis{-1, 1, "V"}, st)
			p.LineDx(0, 1, sine(101, 1), red)
			p.HLine(0.5, green, true)
			p.MarkX(g, 50, '▲', green)
		}},
		{"steps", 40, 10, func(g *Grid) {
			ys := []float64{10, 10, 40, 80, 120, 60, 30, 20, 15, 12}
			p := NewPlot(g, g.Bounds(), Axis{0, 17, "µs"}, Axis{0, 128, "LSB"}, st)
			p.StepDx(0, 1.7, ys, green)
			p.LineDx(0, 1.7, ys, red)
			p.VLine(8.5, dim, true)
		}},
		{"raster", 50, 12, func(g *Grid) {
			in := []struct {
				i int
				t float64
			}{{0, 1}, {1, 5}, {2, 9}, {3, 13}, {4, 30}}
			hid := make([][2]float64, 0, 60)
			for i := 0; i < 60; i++ {
				hid = append(hid, [2]float64{float64(i * 2 % 120), 2 + float64(i)*0.6})
			}
			groups := []RasterGroup{
				{Label: "in", N: 5, Count: len(in), Style: red, At: func(i int) (int, float64) { return in[i].i, in[i].t }},
				{Label: "hidden", N: 120, Count: len(hid), Style: green, At: func(i int) (int, float64) { return int(hid[i][0]), hid[i][1] }},
			}
			Raster(g, g.Bounds(), Axis{0, 40, "µs"}, groups, st)
		}},
		{"heatmap", 34, 6, func(g *Grid) {
			vals := make([]float64, 2*64)
			for i := range vals {
				vals[i] = float64(i % 64)
			}
			vals[70] = math.NaN()
			rp := Ramp{Levels: []Cell{{'█', red}, {'█', green}, {'█', dim}}}
			Heatmap(g, Rect{0, 0, 32, 2}, vals, 2, 64, 0, 63, rp, Cell{'×', 0})
			dens := Ramp{Levels: []Cell{{'·', 0}, {'░', 0}, {'▒', 0}, {'▓', 0}, {'█', 0}}}
			Heatmap(g, Rect{0, 3, 34, 1}, vals, 2, 64, 0, 63, dens, Cell{'×', 0})
			ColorBar(g, 0, 5, 34, 0, 63, "LSB", dens, dim)
		}},
		{"box", 20, 4, func(g *Grid) {
			g.Box(g.Bounds(), "a long title here", dim, red)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var g Grid
			g.Reset(c.w, c.h)
			c.draw(&g)
			out := string(g.Render(pal))
			checkGeometry(t, out, c.w, c.h)
			golden.RequireEqual(t, out)
		})
	}
}

func TestTinyRectsDrawNothingOutside(t *testing.T) {
	for w := 0; w < 12; w++ {
		for h := 0; h < 6; h++ {
			var g Grid
			g.Reset(w, h)
			st := AxisStyle{}
			p := NewPlot(&g, g.Bounds(), Axis{0, 1, "µs"}, Axis{0, 1, "LSB"}, st)
			p.LineDx(0, 0.1, sine(11, 1), 0)
			Raster(&g, g.Bounds(), Axis{0, 1, ""}, []RasterGroup{{Label: "x", N: 3}}, st)
			ColorBar(&g, 0, 0, w, 0, 1, "u", Ramp{}, 0)
			if w > 0 && h > 0 {
				checkGeometry(t, g.String(), w, h)
			}
		}
	}
}

func BenchmarkLinePlot(b *testing.B) {
	var g Grid
	g.Reset(100, 30)
	ys := sine(2000, 1)
	b.ReportAllocs()
	for b.Loop() {
		g.Reset(100, 30)
		p := NewPlot(&g, g.Bounds(), Axis{0, 2000, "step"}, Axis{-1, 1, ""}, AxisStyle{})
		p.LineDx(0, 1, ys, 1)
		g.Render(nil)
	}
}

func BenchmarkHeatmap512(b *testing.B) {
	var g Grid
	g.Reset(140, 20)
	vals := make([]float64, 512)
	for i := range vals {
		vals[i] = math.Sin(float64(i))
	}
	rp := Ramp{Levels: []Cell{{'·', 1}, {'░', 2}, {'▒', 3}, {'▓', 4}, {'█', 5}}}
	b.ReportAllocs()
	for b.Loop() {
		for h := 0; h < 2; h++ {
			Heatmap(&g, Rect{0, h * 9, 140, 8}, vals[h*256:(h+1)*256], 4, 64, -1, 1, rp, Cell{'×', 0})
		}
	}
}

func BenchmarkRaster(b *testing.B) {
	var g Grid
	g.Reset(66, 20)
	n := 3000 // spikes
	at := func(i int) (int, float64) { return i % 120, float64(i%340) / 10 }
	groups := []RasterGroup{{Label: "hid", N: 120, Count: n, At: at, Style: 1}}
	b.ReportAllocs()
	for b.Loop() {
		g.Reset(66, 20)
		Raster(&g, g.Bounds(), Axis{0, 34, "µs"}, groups, AxisStyle{})
	}
}
