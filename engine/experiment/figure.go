package experiment

import (
	"bytes"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"inloop/internal/atomicfile"
)

// FigureAxes are the axis labels of the experiment's figure and whether
// its y values are test errors (robustness, as in the paper's Fig. 4C)
// rather than accuracies.
func FigureAxes(name string) (x, y string, asError bool) {
	switch name {
	case "selfcal":
		return "decalibration σ_d", "test accuracy (%)", false
	case "sparsity":
		return "hidden spikes per sample", "test accuracy (%)", false
	case "latency":
		return "time after the first input (µs)", "test accuracy (%)", false
	case "robustness":
		return "fraction of hidden neurons silenced", "test error (%)", true
	}
	return "", "test accuracy (%)", false
}

// FigureCurves are the curves of t in the figure's units (percent; errors
// for robustness). Table 1's curves have one point per series at x = its
// position.
func FigureCurves(t Table) []Curve {
	_, _, asError := FigureAxes(t.Name)
	var out []Curve
	cs := t.Curves
	if t.Name == "table1" {
		cs = nil
		for i, r := range t.Rows {
			if r.Done > 0 {
				cs = append(cs, Curve{Name: r.Series, X: []float64{float64(i + 1)}, Y: []float64{r.Accuracy}, YSD: []float64{r.AccuracySD}})
			}
		}
	}
	for _, c := range cs {
		d := Curve{Name: c.Name}
		for i := range c.X {
			y := 100 * c.Y[i]
			if asError {
				y = 100 - y
			}
			d.X, d.Y, d.YSD = append(d.X, c.X[i]), append(d.Y, y), append(d.YSD, 100*c.YSD[i])
		}
		out = append(out, d)
	}
	return out
}

// WriteFigures draws the experiment's figure and writes it as base.svg and
// base.png (atomically). A table with nothing done yet gives a figure
// with its axes and title only.
func WriteFigures(t Table, base string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s (%s)", t.Plan.Title(), t.Dataset)
	xl, yl, _ := FigureAxes(t.Name)
	p.X.Label.Text, p.Y.Label.Text = xl, yl
	// the legend where the paper's curves leave room
	switch t.Name {
	case "robustness":
		p.Legend.Top, p.Legend.Left = true, true
	case "selfcal", "table1":
		p.Legend.Top, p.Legend.Left = false, true
	default:
		p.Legend.Top, p.Legend.Left = false, false
	}
	p.Add(plotter.NewGrid())
	curves := FigureCurves(t)
	for i, c := range curves {
		pts := make(plotter.XYs, len(c.X))
		errs := make(plotter.YErrors, len(c.X))
		for j := range c.X {
			pts[j].X, pts[j].Y = c.X[j], c.Y[j]
			sd := c.YSD[j]
			if math.IsNaN(sd) {
				sd = 0
			}
			errs[j].Low, errs[j].High = sd, sd
		}
		line, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("figure: %w", err)
		}
		line.Color, sc.Color, sc.Shape = plotutil.Color(i), plotutil.Color(i), plotutil.Shape(i)
		if t.Name == "table1" {
			line.Width = 0
		}
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{pts, errs})
		if err != nil {
			return fmt.Errorf("figure: %w", err)
		}
		eb.Color = plotutil.Color(i)
		p.Add(line, sc, eb)
		p.Legend.Add(c.Name, line, sc)
	}
	if t.Name == "table1" {
		p.X.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick { return nil })
		p.X.Min, p.X.Max = 0, float64(len(curves)+1)
	}
	if len(curves) == 0 {
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 100
	}
	for _, ext := range []string{"svg", "png"} {
		w, err := p.WriterTo(16*vg.Centimeter, 11*vg.Centimeter, ext)
		if err != nil {
			return fmt.Errorf("figure: %w", err)
		}
		var b bytes.Buffer
		if _, err := w.WriteTo(&b); err != nil {
			return fmt.Errorf("figure: %w", err)
		}
		if err := atomicfile.WriteFile(base+"."+ext, b.Bytes(), 0o644, tempGlob); err != nil {
			return err
		}
	}
	return nil
}
