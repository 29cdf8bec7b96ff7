package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"inloop/engine"
	"inloop/nir"
)

// exportCmd writes a run's network as a NIR graph and, optionally, one
// batch of chip recordings as NIR observables.
func exportCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	nirPath := fs.String("nir", "", "write the network as a NIR graph to `FILE`")
	perNeuron := fs.Bool("per-neuron", false, "export the die's per-neuron parameters (mismatch) in place of the nominal ones")
	obsPath := fs.String("observables", "", "write recorded input and hidden spikes and CADC membranes of test samples as NIRGraphData to `FILE`")
	samples := fs.Int("samples", 100, "test samples recorded for --observables")
	dataDir := fs.String("data-dir", "", "directory of the dataset files (default: the run's)")
	inputs := fs.String("inputs", "", "write the dataset's train and test samples as binned input spikes (HDF5) to `FILE`, for training elsewhere")
	dataset := fs.String("dataset", "yinyang", "with --inputs and no RUN_DIR: the dataset")
	fs.Usage = describeFlags(fs, "usage: inloop export RUN_DIR --nir FILE [--per-neuron] [--observables FILE]\n       inloop export --inputs FILE [--dataset D]\n\nWrites the run's network as the chip runs it as NIR (see README, \"NIR\").\n\nflags:")
	dir, rest := leadingArg(args)
	if err := parseFlags(fs, rest, stderr); err != nil {
		return err
	}
	if dir == "" && *inputs != "" && *nirPath == "" && *obsPath == "" {
		cfg, err := engine.DefaultConfig(*dataset)
		if err != nil {
			return usagef("export: %v", err)
		}
		cfg.Mode, cfg.DataDir = engine.ModeSoftware, *dataDir
		l, err := engine.NewLearner(cfg)
		if err != nil {
			return badInput(err)
		}
		return exportInputs(*inputs, l, stdout)
	}
	if dir == "" {
		return usagef("export: name the run directory: inloop export RUN_DIR --nir FILE (or inloop export --inputs FILE --dataset D)")
	}
	if *nirPath == "" && *obsPath == "" && *inputs == "" {
		return usagef("export: nothing to write: give --nir FILE, --observables FILE and/or --inputs FILE")
	}
	if *samples < 1 || *samples > 10000 {
		return usagef("export: --samples %d is not accepted (accepted: 1 to 10000)", *samples)
	}
	l, err := engine.OpenLearner(dir, *dataDir)
	if err != nil {
		return badInput(err)
	}
	if *nirPath != "" {
		g, err := nir.FromLearner(l, *perNeuron)
		if err != nil {
			return err
		}
		if err := nir.Write(*nirPath, g); err != nil {
			return err
		}
		ly := l.Layout()
		kind := "nominal"
		if *perNeuron {
			kind = "per-neuron"
		}
		fmt.Fprintf(stdout, "wrote %s: NIR graph %s (%s parameters, chip seed %d, %s)\n", *nirPath, ly, kind, l.Config().ChipSeed, l.ChipView().Calibration)
	}
	if *inputs != "" {
		if err := exportInputs(*inputs, l, stdout); err != nil {
			return err
		}
	}
	if *obsPath != "" {
		if err := l.EnsureChip(); err != nil {
			return err
		}
		rec, err := l.Record(l.Test(), *samples)
		if err != nil {
			return err
		}
		if err := nir.WriteObservables(*obsPath, rec); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: NIRGraphData of %d test samples (input and hidden spikes, hidden and readout membranes)\n", *obsPath, len(rec.Labels))
	}
	return nil
}

// leadingArg splits off a first argument that is not a flag (a run
// directory given before the flags).
func leadingArg(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

func exportInputs(path string, l *engine.Learner, stdout io.Writer) error {
	if err := nir.WriteInputs(path, l); err != nil {
		return err
	}
	ly := l.Layout()
	_, err := fmt.Fprintf(stdout, "wrote %s: %s train %d and test %d samples as input spikes binned to %d steps of %g µs × %d inputs\n", path, l.Config().Dataset, l.Train().Len(), l.Test().Len(), ly.Steps, ly.Dt, ly.Inputs)
	return err
}

// exportRunNIR writes the last checkpoint of the run in dir as dir/network.nir
// (the app's export key).
func exportRunNIR(dir, dataDir string) (string, error) {
	l, err := engine.OpenLearner(dir, dataDir)
	if err != nil {
		return "", err
	}
	g, err := nir.FromLearner(l, false)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "network.nir")
	return path, nir.Write(path, g)
}
