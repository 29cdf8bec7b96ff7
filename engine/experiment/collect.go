package experiment

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"text/tabwriter"
)

// Row is one point of the experiment's table: a series at one x value,
// each figure the mean and SD over the done seeds.
type Row struct {
	Series string  `json:"series"`
	X      float64 `json:"x"`
	Done   int     `json:"done"` // seeds measured
	Runs   int     `json:"runs"` // seeds planned
	// Accuracy is the test accuracy (fraction); for silencing and latency
	// points the accuracy at that fraction or time.
	Accuracy, AccuracySD float64
	TrainAccuracy        float64 `json:"train_accuracy"`
	TrainAccuracySD      float64 `json:"train_accuracy_sd"`
	Spikes, SpikesSD     float64 // hidden spikes per sample
	Loss, LossSD         float64
}

// MarshalJSON writes figures that have no value (no seed done, or not
// measured for this row) as null.
func (r Row) MarshalJSON() ([]byte, error) {
	v := func(x float64) any {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	}
	return json.Marshal(map[string]any{
		"series": r.Series, "x": r.X, "done": r.Done, "runs": r.Runs,
		"test_accuracy": v(r.Accuracy), "test_accuracy_sd": v(r.AccuracySD),
		"train_accuracy": v(r.TrainAccuracy), "train_accuracy_sd": v(r.TrainAccuracySD),
		"hidden_spikes_per_sample": v(r.Spikes), "hidden_spikes_per_sample_sd": v(r.SpikesSD),
		"test_loss": v(r.Loss), "test_loss_sd": v(r.LossSD),
	})
}

// Table is the collected state of an experiment.
type Table struct {
	Plan    Plan     `json:"-"`
	Name    string   `json:"experiment"`
	Dataset string   `json:"dataset"`
	XLabel  string   `json:"x_label"`
	Rows    []Row    `json:"rows"`
	Results []Result `json:"runs"` // the done runs, in plan order
	Status  []Status `json:"-"`
	Counts  struct {
		Done, Interrupted, NotStarted int
	} `json:"counts"`
	// Curves are the figure's series for experiments whose figure is not
	// the table (latency: accuracy against time per readout).
	Curves []Curve `json:"curves,omitempty"`
}

// Curve is one series of a figure: y mean ± SD over seeds at each x.
type Curve struct {
	Name      string    `json:"name"`
	X, Y, YSD []float64 `json:"-"`
}

// Collect reads every run's status and result and aggregates the done
// ones. It never trains.
func Collect(p Plan) (Table, error) {
	t := Table{Plan: p, Name: p.Spec.Name, Dataset: p.Spec.Dataset, XLabel: p.XLabel()}
	t.Status = make([]Status, len(p.Runs))
	for k := range p.Runs {
		st := p.Status(k)
		t.Status[k] = st
		switch st {
		case Done:
			r, ok, err := p.ReadResult(k)
			if err != nil {
				return t, err
			}
			if ok {
				t.Results = append(t.Results, r)
			}
			t.Counts.Done++
		case Interrupted:
			t.Counts.Interrupted++
		default:
			t.Counts.NotStarted++
		}
	}
	type key struct {
		series string
		x      float64
	}
	var order []key
	planned := map[key]int{}
	points := map[key][]point{}
	for _, r := range p.Runs {
		for _, k := range expand(p.Spec.Name, r) {
			kk := key{k.series, k.x}
			if _, ok := planned[kk]; !ok {
				order = append(order, kk)
			}
			planned[kk]++
		}
	}
	for _, r := range t.Results {
		for _, pt := range resultPoints(p.Spec.Name, r) {
			kk := key{pt.series, pt.x}
			points[kk] = append(points[kk], pt)
		}
	}
	// rows by series (in order of first appearance), then by x as planned
	rank := map[string]int{}
	for _, k := range order {
		if _, ok := rank[k.series]; !ok {
			rank[k.series] = len(rank)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return rank[order[i].series] < rank[order[j].series] })
	for _, k := range order {
		pts := points[k]
		row := Row{Series: k.series, X: k.x, Done: len(pts), Runs: planned[k]}
		row.Accuracy, row.AccuracySD = meanSDOf(pts, func(p point) float64 { return p.acc })
		row.TrainAccuracy, row.TrainAccuracySD = meanSDOf(pts, func(p point) float64 { return p.train })
		row.Spikes, row.SpikesSD = meanSDOf(pts, func(p point) float64 { return p.spikes })
		row.Loss, row.LossSD = meanSDOf(pts, func(p point) float64 { return p.loss })
		t.Rows = append(t.Rows, row)
	}
	t.Curves = curves(p.Spec.Name, t)
	return t, nil
}

// point is one run's contribution to one row.
type point struct {
	series                   string
	x                        float64
	acc, train, spikes, loss float64
}

// expand lists the rows a planned run contributes to.
func expand(name string, r Run) []point {
	switch {
	case name == "robustness":
		var pts []point
		for _, f := range r.Measure.Silence {
			pts = append(pts, point{series: r.Series, x: f})
		}
		return pts
	case name == "latency":
		return []point{{series: r.Series + " (whole window)", x: 0}}
	}
	return []point{{series: r.Series, x: r.X}}
}

// resultPoints are the rows of a done run.
func resultPoints(name string, r Result) []point {
	nan := math.NaN()
	switch name {
	case "robustness":
		var pts []point
		for _, s := range r.Silence {
			pts = append(pts, point{series: r.Series, x: s.Fraction, acc: s.Mean, train: nan, spikes: nan, loss: nan})
		}
		return pts
	case "latency":
		return []point{{series: r.Series + " (whole window)", x: 0, acc: r.TestAccuracy, train: r.TrainAccuracy, spikes: r.SpikesPerSample, loss: r.TestLoss}}
	}
	return []point{{series: r.Series, x: r.X, acc: r.TestAccuracy, train: r.TrainAccuracy, spikes: r.SpikesPerSample, loss: r.TestLoss}}
}

func meanSDOf(pts []point, f func(point) float64) (float64, float64) {
	x := make([]float64, 0, len(pts))
	for _, p := range pts {
		if v := f(p); !math.IsNaN(v) {
			x = append(x, v)
		}
	}
	return MeanSD(x)
}

// curves are the figure's series: the table's rows by series, or for
// latency the mean curves of both readouts.
func curves(name string, t Table) []Curve {
	if name == "latency" {
		return latencyCurves(t.Results)
	}
	var out []Curve
	at := map[string]int{}
	for _, r := range t.Rows {
		if r.Done == 0 {
			continue
		}
		i, ok := at[r.Series]
		if !ok {
			i = len(out)
			at[r.Series] = i
			out = append(out, Curve{Name: r.Series})
		}
		c := &out[i]
		x := r.X
		if name == "sparsity" {
			x = r.Spikes // Fig. 3E: accuracy against spikes per sample
		}
		c.X = append(c.X, x)
		c.Y = append(c.Y, r.Accuracy)
		c.YSD = append(c.YSD, r.AccuracySD)
	}
	return out
}

func latencyCurves(results []Result) []Curve {
	var out []Curve
	for _, which := range []string{"training readout", "fast inference mode"} {
		c := Curve{Name: which}
		var series [][]float64
		var xs []float64
		for _, r := range results {
			if r.Latency == nil {
				continue
			}
			pts := r.Latency.Readout
			if which == "fast inference mode" {
				pts = r.Latency.Inference
			}
			if xs == nil {
				for _, p := range pts {
					xs = append(xs, p.Time)
				}
				series = make([][]float64, len(pts))
			}
			for i, p := range pts {
				if i < len(series) {
					series[i] = append(series[i], p.Accuracy)
				}
			}
		}
		for i, x := range xs {
			m, sd := MeanSD(series[i])
			c.X, c.Y, c.YSD = append(c.X, x), append(c.Y, m), append(c.YSD, sd)
		}
		if len(c.X) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// WriteText writes the table for people: one line per row, accuracies in
// percent as mean ± SD over the done seeds.
func (t Table) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%s — %s, %d seeds × %d epochs, chip seeds %d…%d\n", t.Plan.Title(), t.Dataset, t.Plan.Spec.Seeds, t.Plan.Spec.Epochs,
		t.Plan.Spec.ChipSeed, t.Plan.Spec.ChipSeed+uint64(t.Plan.Spec.Seeds)-1)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "series"
	if t.XLabel != "" {
		head += "\t" + t.XLabel
	}
	fmt.Fprintln(tw, head+"\ttest accuracy %\ttrain accuracy %\thidden spikes/sample\tseeds done")
	for _, r := range t.Rows {
		line := r.Series
		if t.XLabel != "" {
			line += "\t" + strconv.FormatFloat(r.X, 'g', 4, 64)
		}
		line += "\t" + pm(100*r.Accuracy, 100*r.AccuracySD, r.Done) + "\t" + pm(100*r.TrainAccuracy, 100*r.TrainAccuracySD, r.Done) +
			"\t" + pm1(r.Spikes, r.SpikesSD, r.Done) + fmt.Sprintf("\t%d/%d", r.Done, r.Runs)
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "runs: %d done, %d interrupted, %d not started (of %d)\n", t.Counts.Done, t.Counts.Interrupted, t.Counts.NotStarted, len(t.Plan.Runs))
	return err
}

func pm(m, sd float64, n int) string {
	if n == 0 || math.IsNaN(m) {
		return "—"
	}
	return fmt.Sprintf("%.2f ± %.2f", m, sd)
}

func pm1(m, sd float64, n int) string {
	if n == 0 || math.IsNaN(m) {
		return "—"
	}
	return fmt.Sprintf("%.1f ± %.1f", m, sd)
}

// WriteCSV writes one line per planned run: its plan entry, its status
// and, when done, its result (silencing and latency points as extra
// columns "silence_F" and "readout_T"/"inference_T").
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"index", "name", "series", "x", "seed_index", "chip_seed", "seed", "mode", "status",
		"epochs", "train_accuracy", "test_accuracy", "test_loss", "hidden_spikes_per_sample"}
	var extra []string
	for _, r := range t.Results {
		for _, s := range r.Silence {
			extra = appendNew(extra, "silence_"+num(s.Fraction))
		}
		if r.Latency != nil {
			for _, p := range r.Latency.Readout {
				extra = appendNew(extra, "readout_"+num(p.Time))
			}
			for _, p := range r.Latency.Inference {
				extra = appendNew(extra, "inference_"+num(p.Time))
			}
		}
	}
	if err := cw.Write(append(head, extra...)); err != nil {
		return err
	}
	byIndex := map[int]Result{}
	for _, r := range t.Results {
		byIndex[r.Index] = r
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for k, run := range t.Plan.Runs {
		c := run.Config
		rec := []string{strconv.Itoa(k), run.Name, run.Series, f(run.X), strconv.Itoa(run.SeedIndex),
			strconv.FormatUint(c.ChipSeed, 10), strconv.FormatUint(c.Seed, 10), string(c.Mode), t.Status[k].String()}
		vals := map[string]string{}
		if r, ok := byIndex[k]; ok {
			rec = append(rec, strconv.Itoa(r.Epochs), f(r.TrainAccuracy), f(r.TestAccuracy), f(r.TestLoss), f(r.SpikesPerSample))
			for _, s := range r.Silence {
				vals["silence_"+num(s.Fraction)] = f(s.Mean)
			}
			if r.Latency != nil {
				for _, p := range r.Latency.Readout {
					vals["readout_"+num(p.Time)] = f(p.Accuracy)
				}
				for _, p := range r.Latency.Inference {
					vals["inference_"+num(p.Time)] = f(p.Accuracy)
				}
			}
		} else {
			rec = append(rec, "", "", "", "", "")
		}
		for _, e := range extra {
			rec = append(rec, vals[e])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func appendNew(xs []string, x string) []string {
	for _, v := range xs {
		if v == x {
			return xs
		}
	}
	return append(xs, x)
}

// WriteSummaryCSV writes the table's rows: series, x, seeds done and
// planned, and each figure's mean and SD (accuracies as fractions).
func (t Table) WriteSummaryCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"series", "x", "done", "runs", "test_accuracy", "test_accuracy_sd", "train_accuracy", "train_accuracy_sd",
		"hidden_spikes_per_sample", "hidden_spikes_per_sample_sd", "test_loss", "test_loss_sd"})
	f := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	for _, r := range t.Rows {
		cw.Write([]string{r.Series, f(r.X), strconv.Itoa(r.Done), strconv.Itoa(r.Runs), f(r.Accuracy), f(r.AccuracySD),
			f(r.TrainAccuracy), f(r.TrainAccuracySD), f(r.Spikes), f(r.SpikesSD), f(r.Loss), f(r.LossSD)})
	}
	cw.Flush()
	return cw.Error()
}
