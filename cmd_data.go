package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"inloop/data"
)

// dataSummary is what `inloop data` reports; --json prints it as one line.
type dataSummary struct {
	Dataset      string   `json:"dataset"`
	Split        string   `json:"split"`
	Samples      int      `json:"samples"`
	Classes      []string `json:"classes"`
	ClassCounts  []int    `json:"class_counts"`
	Inputs       int      `json:"inputs"`
	WindowUS     float64  `json:"window_us"`
	SpikesMean   float64  `json:"spikes_per_sample_mean"`
	SpikesMin    int      `json:"spikes_per_sample_min"`
	SpikesMax    int      `json:"spikes_per_sample_max"`
	PreviewIndex int      `json:"preview_index"`
	PreviewLabel int      `json:"preview_label"`
}

func dataCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("data", flag.ContinueOnError)
	name := fs.String("dataset", "yinyang", "dataset: "+strings.Join(data.Names, "|"))
	dir := fs.String("data-dir", "", "directory with the dataset files (default $INLOOP_DATA_DIR, else .)")
	splitName := fs.String("split", "train", "split: train|validation|test")
	index := fs.Int("sample", 0, "index of the sample to preview")
	asJSON := fs.Bool("json", false, "print the summary as one JSON line")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: inloop data [--dataset NAME] [--data-dir DIR] [--split train|validation|test] [--sample N] [--json]")
		fmt.Fprintln(fs.Output(), "A dataset's summary (samples, classes, inputs, spikes per sample, time window) and a preview of one sample.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if !slices.Contains(data.Names, *name) {
		return usagef("data: unknown dataset %q (accepted: %s)", *name, strings.Join(data.Names, ", "))
	}
	split, err := data.ParseSplit(*splitName)
	if err != nil {
		return usagef("data: %v", err)
	}
	ds, err := data.Load(*name, *dir, split)
	if err != nil {
		var se *data.SplitError
		if errors.As(err, &se) {
			return usagef("%v", err)
		}
		return err
	}
	if ds.Len() == 0 {
		return fmt.Errorf("data: the %s split of %s holds no samples", split, *name)
	}
	if *index < 0 || *index >= ds.Len() {
		return usagef("data: --sample %d out of range (accepted: 0..%d)", *index, ds.Len()-1)
	}
	s := summarize(ds, *index)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(s)
	}
	printSummary(stdout, s)
	fmt.Fprintln(stdout)
	printPreview(stdout, ds, *index)
	return nil
}

func summarize(ds data.Dataset, index int) dataSummary {
	s := dataSummary{
		Dataset: ds.Name(), Split: string(ds.Split()), Samples: ds.Len(),
		Classes: ds.Classes(), ClassCounts: data.ClassCounts(ds),
		Inputs: ds.Inputs(), WindowUS: ds.Window(), PreviewIndex: index,
		SpikesMin: -1,
	}
	total := 0
	for i := range ds.Len() {
		n := len(ds.Sample(i).Spikes)
		total += n
		if s.SpikesMin < 0 || n < s.SpikesMin {
			s.SpikesMin = n
		}
		s.SpikesMax = max(s.SpikesMax, n)
	}
	if ds.Len() > 0 {
		s.SpikesMean = float64(total) / float64(ds.Len())
	}
	s.PreviewLabel = ds.Sample(index).Label
	return s
}

func printSummary(w io.Writer, s dataSummary) {
	fmt.Fprintf(w, "dataset   %s (%s split)\n", s.Dataset, s.Split)
	fmt.Fprintf(w, "samples   %d\n", s.Samples)
	fmt.Fprintf(w, "inputs    %d channels\n", s.Inputs)
	fmt.Fprintf(w, "window    %g µs of hardware time\n", s.WindowUS)
	fmt.Fprintf(w, "spikes    %.1f per sample (min %d, max %d)\n", s.SpikesMean, s.SpikesMin, s.SpikesMax)
	fmt.Fprintf(w, "classes   %d\n", len(s.Classes))
	for i, c := range s.Classes {
		fmt.Fprintf(w, "  %2d  %-12s %6d\n", i, c, s.ClassCounts[i])
	}
}

// printPreview draws sample index: the 16×16 image for (Fashion-)MNIST,
// a spike raster (channels × time) otherwise.
func printPreview(w io.Writer, ds data.Dataset, index int) {
	smp := ds.Sample(index)
	label := fmt.Sprint(smp.Label)
	if cl := ds.Classes(); smp.Label >= 0 && smp.Label < len(cl) {
		label = cl[smp.Label]
	}
	if im, ok := ds.(interface{ Image(int) []uint8 }); ok {
		fmt.Fprintf(w, "sample %d, label %s: 16×16 input image\n", index, label)
		shades := []string{"  ", "░░", "▒▒", "▓▓", "██"}
		img := im.Image(index)
		for r := range data.Side {
			var b strings.Builder
			b.WriteString("│")
			for q := range data.Side {
				b.WriteString(shades[int(img[r*data.Side+q])*len(shades)/256])
			}
			fmt.Fprintln(w, b.String()+"│")
		}
		fmt.Fprintln(w)
	}
	printRaster(w, ds, smp, index, label)
}

// printRaster draws at most 36 rows (channels merged when there are more)
// by 60 time columns across the window; a cell shows how many spikes fell in.
func printRaster(w io.Writer, ds data.Dataset, smp data.Sample, index int, label string) {
	const cols = 60
	per := (ds.Inputs() + 35) / 36
	rows := (ds.Inputs() + per - 1) / per
	grid := make([]int, rows*cols)
	for _, s := range smp.Spikes {
		c := int(s.Time / ds.Window() * cols)
		if c < 0 || c >= cols || s.Channel < 0 || s.Channel >= ds.Inputs() {
			continue
		}
		grid[s.Channel/per*cols+c]++
	}
	unit := "channel"
	if per > 1 {
		unit = fmt.Sprintf("%d channels", per)
	}
	fmt.Fprintf(w, "sample %d, label %s: %d spikes; rows = %s, columns = %.3g µs each\n", index, label, len(smp.Spikes), unit, ds.Window()/cols)
	marks := []rune{'·', '▪', '■', '█'}
	for r := range rows {
		var b strings.Builder
		fmt.Fprintf(&b, "%4d │", r*per)
		for c := range cols {
			b.WriteRune(marks[min(grid[r*cols+c], len(marks)-1)])
		}
		fmt.Fprintln(w, b.String())
	}
	fmt.Fprintf(w, "     └%s\n      0 µs%*s\n", strings.Repeat("─", cols), cols-4, fmt.Sprintf("%g µs", ds.Window()))
}
