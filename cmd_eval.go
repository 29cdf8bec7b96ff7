package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"inloop/data"
	"inloop/engine"
	"inloop/engine/experiment"
)

const evalUsage = `usage: inloop eval RUN_DIR [flags]
       inloop eval --nir FILE [flags]   (see 'inloop eval --nir FILE -h')

Evaluates the last checkpoint of a training run on the test split: in the
training readout (accuracy, loss, hidden spikes per sample), in the chip's
fast inference mode (accuracy, images/s on this machine), accuracy against
time after the first input (paper Fig. 3C) and, with --silence, with
randomly chosen hidden neurons silenced (paper Fig. 4C). By default on the
run's own die and calibration; --chip-seed, --calibration and --decalibrate
evaluate the same weights on another chip.

flags:
`

// evalReport is what eval prints (--json: as one line).
type evalReport struct {
	RunDir          string  `json:"run_dir"`
	Dataset         string  `json:"dataset"`
	TrainedMode     string  `json:"trained_mode"`
	Epochs          int     `json:"epochs"`
	Mode            string  `json:"mode"` // chip or software
	ChipSeed        uint64  `json:"chip_seed,omitempty"`
	Calibration     string  `json:"calibration"`
	Samples         int     `json:"samples"`
	Accuracy        float64 `json:"test_accuracy"`
	Loss            float64 `json:"test_loss"`
	SpikesPerSample float64 `json:"hidden_spikes_per_sample"`
	// fast inference mode (chip only)
	Inference *struct {
		Window          float64 `json:"window_us"`
		Accuracy        float64 `json:"accuracy"`
		ImagesPerSecond float64 `json:"images_per_second"`
		// PaperEnergy is the paper's figure for the silicon, not a measurement.
		PaperEnergy float64 `json:"paper_energy_per_image_uj"`
	} `json:"inference,omitempty"`
	Latency *struct {
		Readout         []engine.TimePoint `json:"readout"`
		Inference       []engine.TimePoint `json:"inference,omitempty"`
		PeakTime        float64            `json:"peak_time_us"` // first time within 0.1 points of the peak
		PeakAccuracy    float64            `json:"peak_accuracy"`
		At8us           float64            `json:"accuracy_at_8us"`
		ReadoutAt8us    float64            `json:"readout_accuracy_at_8us"`
		ReadoutPeakAt   float64            `json:"readout_peak_time_us"`
		PeakFromReadout bool               `json:"-"`
	} `json:"latency,omitempty"`
	Silence []silenceReport `json:"silence,omitempty"`
}

type silenceReport struct {
	Fraction float64   `json:"fraction"`
	Draws    []float64 `json:"accuracies"`
	Mean     float64   `json:"mean"`
	SD       float64   `json:"sd"`
	// ErrorRise is the relative rise of the test error over the intact
	// network's (0.10 = the paper's "10 %").
	ErrorRise float64 `json:"error_rise"`
}

// evalCmd evaluates a run directory's checkpoint, or with --nir a NIR
// graph deployed on the chip (evalNIRCmd).
func evalCmd(args []string, stdout, stderr io.Writer) error {
	for _, a := range args {
		if a == "--nir" || a == "-nir" || strings.HasPrefix(a, "--nir=") || strings.HasPrefix(a, "-nir=") {
			return evalNIRCmd(args, stdout, stderr)
		}
	}
	dir := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	var decal decalFlag
	chipSeed := fs.Uint64("chip-seed", 0, "evaluate on another die (default: the run's)")
	calibration := fs.String("calibration", "", "chip state: calibrated | uncalibrated (default: the run's)")
	fs.Var(&decal, "decalibrate", "calibrate to per-neuron targets scattered with normalised SD `SIGMA` (0..1), or per parameter: tau_mem=0.3,threshold=0.1")
	decalSeed := fs.Uint64("decalibrate-seed", 0, "seed of the decalibration draw (default: the run's seed)")
	mode := fs.String("mode", "", "chip (the network on the chip) | software (the ideal model); default: chip unless the run trained in software")
	silence := fs.String("silence", "", "silence these `FRACTIONS` of the hidden neurons (comma-separated, 0..1), each over --draws random draws")
	draws := fs.Int("draws", 5, "random draws per silenced fraction")
	silenceSeed := fs.Uint64("silence-seed", 1, "seed of the silenced neurons' draws")
	window := fs.Float64("window", 10, "fast inference mode: µs from the first input to the reset")
	noLatency := fs.Bool("no-latency", false, "skip accuracy against time (it runs the test split about 25 times)")
	dataset := fs.String("dataset", "", "refuse a run of another dataset (a check for scripts)")
	dataDir := fs.String("data-dir", "", "directory of the dataset files (default: the run's, then $INLOOP_DATA_DIR)")
	jsonOut := fs.Bool("json", false, "print the report as one line of JSON on stdout")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), evalUsage)
		fs.PrintDefaults()
	}
	if dir == "" && (len(args) == 0 || (args[0] != "-h" && args[0] != "-help" && args[0] != "--help")) {
		return usagef("eval: no run directory given (usage: inloop eval RUN_DIR [flags]; see 'inloop eval -h')")
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usagef("eval: %s is not a run directory", dir)
	}
	if *calibration != "" && *calibration != "calibrated" && *calibration != "uncalibrated" {
		return usagef("eval: --calibration %q is not accepted (accepted: calibrated, uncalibrated)", *calibration)
	}
	if decal.any() && *calibration == "uncalibrated" {
		return usagef("eval: --decalibrate needs --calibration calibrated (it calibrates to scattered targets)")
	}
	if *mode != "" && *mode != "chip" && *mode != "software" {
		return usagef("eval: --mode %q is not accepted (accepted: chip, software)", *mode)
	}
	if *mode == "software" && (set["chip-seed"] || set["calibration"] || set["decalibrate"]) {
		return usagef("eval: --chip-seed, --calibration and --decalibrate choose a chip; --mode software evaluates the ideal model")
	}
	if *draws < 1 || *draws > 1000 {
		return usagef("eval: --draws %d is not accepted (accepted: 1 to 1000)", *draws)
	}
	if !(*window > 0 && *window <= 1000) {
		return usagef("eval: --window %g is not accepted (accepted: µs above 0, at most 1000)", *window)
	}
	fractions, err := parseFractions(*silence)
	if err != nil {
		return usagef("eval: --silence %v", err)
	}
	if *dataset != "" && !validDataset(*dataset) {
		return usagef("eval: --dataset %q is not accepted (accepted: %s)", *dataset, strings.Join(data.Names, ", "))
	}
	if *dataDir != "" {
		if st, err := os.Stat(*dataDir); err != nil || !st.IsDir() {
			return usagef("eval: --data-dir %s is not a directory", *dataDir)
		}
	}
	info, err := engine.ReadRunInfo(dir)
	if err != nil {
		return badInput(err)
	}
	if *dataset != "" && info.Config.Dataset != *dataset {
		return usagef("eval: %s is a %s run, not %s", dir, info.Config.Dataset, *dataset)
	}
	dd := *dataDir
	if dd == "" && info.Config.DataDir == "" {
		dd = os.Getenv("INLOOP_DATA_DIR")
	}
	ch := engine.ChipChoice{ChipSeed: *chipSeed, DecalibrateSeed: *decalSeed}
	if set["calibration"] || set["decalibrate"] || set["decalibrate-seed"] {
		ch.Set = true
		ch.Calibration, ch.Decalibrate, ch.Detune = *calibration, decal.joint, decal.each
		if ch.Calibration == "" {
			ch.Calibration = "calibrated"
		}
	}
	e, err := engine.OpenEvaluator(dir, dd, engine.Mode(*mode), ch)
	if err != nil {
		return badInput(err)
	}
	rep, err := evaluateRun(e, dir, fractions, *draws, *silenceSeed, *window, !*noLatency)
	if err != nil {
		return err
	}
	if *jsonOut {
		b, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	return writeEvalReport(stdout, rep)
}

func validDataset(name string) bool {
	for _, n := range data.Names {
		if n == name {
			return true
		}
	}
	return false
}

// parseFractions reads "0.15" or "0,0.1,0.2" (each 0..1, at most 100).
func parseFractions(s string) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(x) || x < 0 || x > 1 {
			return nil, fmt.Errorf("%q is not accepted (accepted: fractions from 0 to 1, comma-separated, e.g. 0.15 or 0,0.1,0.2)", s)
		}
		out = append(out, x)
	}
	if len(out) > 100 {
		return nil, fmt.Errorf("%d fractions (accepted: at most 100)", len(out))
	}
	return out, nil
}

// evaluateRun measures everything eval reports.
func evaluateRun(e *engine.Evaluator, dir string, fractions []float64, draws int, seed uint64, window float64, latency bool) (evalReport, error) {
	info, cfg := e.Info(), e.Config()
	rep := evalReport{RunDir: dir, Dataset: info.Config.Dataset, TrainedMode: string(info.Config.Mode), Epochs: info.Epoch,
		Mode: string(cfg.Mode), Calibration: e.Calibration()}
	if cfg.Mode != engine.ModeSoftware {
		rep.ChipSeed = cfg.ChipSeed
	}
	st, err := e.Evaluate()
	if err != nil {
		return rep, err
	}
	rep.Samples, rep.Accuracy, rep.Loss, rep.SpikesPerSample = st.Samples, st.Accuracy, st.Loss, st.SpikesPerSample
	onChip := cfg.Mode != engine.ModeSoftware
	if onChip {
		inf, err := e.Infer(window, 0)
		if err != nil {
			return rep, err
		}
		rep.Inference = &struct {
			Window          float64 `json:"window_us"`
			Accuracy        float64 `json:"accuracy"`
			ImagesPerSecond float64 `json:"images_per_second"`
			PaperEnergy     float64 `json:"paper_energy_per_image_uj"`
		}{window, inf.Accuracy, inf.ImagesPerSecond, engine.PaperEnergyPerImage}
	}
	if latency {
		ro, err := e.ReadoutLatency()
		if err != nil {
			return rep, err
		}
		lat := &struct {
			Readout         []engine.TimePoint `json:"readout"`
			Inference       []engine.TimePoint `json:"inference,omitempty"`
			PeakTime        float64            `json:"peak_time_us"`
			PeakAccuracy    float64            `json:"peak_accuracy"`
			At8us           float64            `json:"accuracy_at_8us"`
			ReadoutAt8us    float64            `json:"readout_accuracy_at_8us"`
			ReadoutPeakAt   float64            `json:"readout_peak_time_us"`
			PeakFromReadout bool               `json:"-"`
		}{Readout: ro}
		lat.ReadoutPeakAt, _ = engine.PeakTime(ro, 0.001)
		lat.ReadoutAt8us = accuracyAt(ro, 8)
		curve := ro
		if onChip {
			if lat.Inference, err = e.InferenceLatency(0.5, 12); err != nil {
				return rep, err
			}
			curve = lat.Inference
		} else {
			lat.PeakFromReadout = true
		}
		lat.PeakTime, lat.PeakAccuracy = engine.PeakTime(curve, 0.001)
		lat.At8us = accuracyAt(curve, 8)
		rep.Latency = lat
	}
	for _, f := range fractions {
		sts, err := e.Silence(f, draws, seed)
		if err != nil {
			return rep, err
		}
		s := silenceReport{Fraction: f}
		for _, x := range sts {
			s.Draws = append(s.Draws, x.Accuracy)
		}
		s.Mean, s.SD = experiment.MeanSD(s.Draws)
		if base := 1 - rep.Accuracy; base > 0 {
			s.ErrorRise = (1-s.Mean)/base - 1
		}
		rep.Silence = append(rep.Silence, s)
	}
	return rep, nil
}

// accuracyAt is the curve's accuracy at the last point no later than t.
func accuracyAt(c []engine.TimePoint, t float64) float64 {
	a := math.NaN()
	for _, p := range c {
		if p.Time <= t+1e-9 {
			a = p.Accuracy
		}
	}
	return a
}

func writeEvalReport(w io.Writer, r evalReport) error {
	where := "the ideal software model"
	if r.Mode != "software" {
		where = fmt.Sprintf("chip seed %d (%s)", r.ChipSeed, r.Calibration)
	}
	fmt.Fprintf(w, "%s: %s run trained in %s mode for %d epochs; evaluated on %s, %d test samples\n",
		r.RunDir, r.Dataset, r.TrainedMode, r.Epochs, where, r.Samples)
	fmt.Fprintf(w, "training readout: test accuracy %.2f %%, loss %.4f, %.1f hidden spikes/sample\n", 100*r.Accuracy, r.Loss, r.SpikesPerSample)
	if in := r.Inference; in != nil {
		fmt.Fprintf(w, "fast inference mode (reset %.3g µs after the first input): test accuracy %.2f %%, %.0f images/s on this machine\n",
			in.Window, 100*in.Accuracy, in.ImagesPerSecond)
		fmt.Fprintf(w, "  the paper's silicon: one image every %.1f µs (> 85,000 images/s) at %.1f µJ per image (the paper's figure, not measured here)\n",
			11.8, in.PaperEnergy)
	}
	if l := r.Latency; l != nil {
		fmt.Fprintln(w, "accuracy against time after the first input (paper Fig. 3C):")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		if len(l.Inference) > 0 {
			fmt.Fprintln(tw, "  µs\tfast mode %\t")
			for _, p := range l.Inference {
				if math.Mod(p.Time+1e-9, 1) < 1e-6 {
					fmt.Fprintf(tw, "  %.1f\t%.2f\t\n", p.Time, 100*p.Accuracy)
				}
			}
		}
		fmt.Fprintln(tw, "  µs\treadout %\t")
		for _, p := range l.Readout {
			fmt.Fprintf(tw, "  %.1f\t%.2f\t\n", p.Time, 100*p.Accuracy)
		}
		tw.Flush()
		which := "fast mode"
		if l.PeakFromReadout {
			which = "training readout"
		}
		fmt.Fprintf(w, "decision (%s): %.2f %% reached %.1f µs after the first input (first time within 0.1 points of the peak); accuracy at 8 µs %.2f %%\n",
			which, 100*l.PeakAccuracy, l.PeakTime, 100*l.At8us)
	}
	for _, s := range r.Silence {
		fmt.Fprintf(w, "silencing %.0f %% of the hidden neurons (%d draws): test accuracy %.2f ± %.2f %% (test error %+.0f %% relative to the intact network's)\n",
			100*s.Fraction, len(s.Draws), 100*s.Mean, 100*s.SD, 100*s.ErrorRise)
	}
	return nil
}

// evalNIRCmd evaluates a NIR graph deployed on the chip (--nir FILE).
func evalNIRCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	rf := addRunFlags(fs)
	nirPath := fs.String("nir", "", "deploy the NIR graph in `FILE` on the chip and report its accuracy in software and as transferred")
	dt := fs.Float64("dt", 0, "seconds of graph time per chip frame (default: the graph's metadata dt, else τ_mem/r)")
	jsonOut := fs.Bool("json", false, "print the report as one line of JSON")
	fs.Usage = describeFlags(fs, "usage: inloop eval --nir FILE [flags]\n\nDeploys a NIR graph on the emulated chip (see README, \"NIR\").\n\nflags:")
	dir, rest := leadingArg(args)
	if err := parseFlags(fs, rest, stderr); err != nil {
		return err
	}
	if *dt < 0 {
		return usagef("eval: --dt %g is not accepted (accepted: seconds > 0, or 0 for the graph's own)", *dt)
	}
	if dir != "" || *nirPath == "" {
		return usagef("eval: give --nir FILE (a NIR graph to deploy on the chip)")
	}
	return evalNIR(*nirPath, rf, *dt, *jsonOut, stdout)
}
