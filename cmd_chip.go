package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"inloop/hw"
)

// chipCmd prints the chip report: every mismatched parameter's mean and SD
// with default codes and in the chosen calibration state, the shrink factor,
// the circuits that failed calibration and the CADC offset spread.
func chipCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chip", flag.ContinueOnError)
	chipSeed := fs.Uint64("chip-seed", 1, "die: fixed-pattern mismatch seed")
	noiseSeed := fs.Uint64("noise-seed", 1, "temporal noise seed (calibration measurements)")
	calib := fs.String("calibration", "calibrated", "calibration state: calibrated|uncalibrated")
	sigma := fs.Float64("decalibrate", 0, "decalibrate: per-neuron targets drawn with this normalised SD σ_d (0…1)")
	seed := fs.Uint64("seed", 1, "seed of the decalibration targets")
	ideal := fs.Bool("ideal", false, "the ideal chip (no mismatch, no noise)")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: inloop chip [--chip-seed N] [--noise-seed N] [--calibration calibrated|uncalibrated] [--decalibrate SIGMA [--seed N]] [--ideal] [--json]")
		fmt.Fprintln(fs.Output(), "The chip report: mismatch of every circuit parameter before and after calibration.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *calib != "calibrated" && *calib != "uncalibrated" {
		return usagef("chip: --calibration %q (accepted: calibrated, uncalibrated)", *calib)
	}
	if math.IsNaN(*sigma) || *sigma < 0 || *sigma > 1 {
		return usagef("chip: --decalibrate %g (accepted: a normalised SD from 0 to 1, e.g. 0.2)", *sigma)
	}
	if *sigma > 0 && *calib == "uncalibrated" {
		return usagef("chip: --decalibrate needs --calibration calibrated (it calibrates to detuned targets)")
	}
	c := hw.New(hw.Options{ChipSeed: *chipSeed, NoiseSeed: *noiseSeed, Ideal: *ideal})
	var err error
	switch {
	case *sigma > 0:
		_, err = c.Decalibrate(hw.DefaultTargets(), *sigma, *seed)
	case *calib == "calibrated":
		_, err = c.Calibrate(hw.DefaultTargets())
	}
	if err != nil {
		return err
	}
	r := c.Report()
	if *asJSON {
		return json.NewEncoder(stdout).Encode(r)
	}
	printChipReport(stdout, r)
	return nil
}

func printChipReport(w io.Writer, r hw.Report) {
	die := fmt.Sprintf("chip seed %d", r.ChipSeed)
	if r.Ideal {
		die = "ideal chip"
	}
	fmt.Fprintf(w, "%s · noise seed %d · %s", die, r.NoiseSeed, r.State)
	if r.State == hw.Decalibrated {
		fmt.Fprintf(w, " (σ_d = %g)", r.Sigma)
	}
	fmt.Fprintln(w)
	if t := r.Targets; t != nil {
		fmt.Fprintf(w, "targets: leak %g, reset %g, threshold %g LSB · τ_mem %g, τ_syn %g, refractory %g µs · syn gain %g\n",
			t.Leak, t.Reset, t.Threshold, t.TauMem, t.TauSyn, t.Refractory, t.SynGain)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "parameter\tunit\tuncalibrated mean ± SD\t%s mean ± SD\tshrink\tfailed\t\n", r.State)
	for _, p := range r.Params {
		prec := 2
		if p.Unit == "µs" || p.Unit == "rel" {
			prec = 3
		}
		shrink := "—" // no spread to shrink (ideal chip)
		if p.Uncalibrated.SD > 0 {
			shrink = fmt.Sprintf("%.3f", p.Shrink)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t\n", p.Param, p.Unit,
			meanSD(p.Uncalibrated, prec), meanSD(p.Current, prec), shrink, p.Failed)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintf(w, "CADC offset SD: %.2f LSB before correction, %.2f LSB after\n", r.CADCOffsetSDBefore, r.CADCOffsetSDAfter)
	fmt.Fprintf(w, "circuits that failed calibration: %d", len(r.FailedCircuits))
	if n := len(r.FailedCircuits); n > 0 {
		list := make([]string, 0, min(n, 16))
		for _, k := range r.FailedCircuits[:min(n, 16)] {
			list = append(list, fmt.Sprint(k))
		}
		more := ""
		if n > 16 {
			more = ", …"
		}
		fmt.Fprintf(w, " (%s%s)", strings.Join(list, ", "), more)
	}
	fmt.Fprintln(w)
}

func meanSD(s hw.Stats, prec int) string {
	return fmt.Sprintf("%.*f ± %.*f", prec, s.Mean, prec, s.SD)
}
