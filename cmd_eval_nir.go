package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"inloop/engine"
	"inloop/nir"
)

// nirDeploy reads the NIR graph in path and fits cfg to it: its hidden
// size, and calibration targets for its time constants. dt > 0 overrides
// the graph's time step (seconds per chip frame).
func nirDeploy(path string, cfg engine.Config, datasetSet bool, dt float64) (engine.Config, *nir.Deployment, error) {
	g, err := nir.Read(path)
	if err != nil {
		var fe *nir.FormatError
		if errors.As(err, &fe) {
			return cfg, nil, usagef("%s", oneLine(err.Error()))
		}
		return cfg, nil, err
	}
	d, err := nir.Deploy(g, dt)
	if err != nil {
		return cfg, nil, usagef("%s: %s", path, oneLine(err.Error()))
	}
	if d.Dataset != "" && d.Dataset != cfg.Dataset && !datasetSet {
		return cfg, nil, usagef("%s was made for dataset %s: pass --dataset %s (or --dataset %s to deploy it anyway)", path, d.Dataset, d.Dataset, cfg.Dataset)
	}
	if cfg.Targets != "" && cfg.Targets != d.Targets {
		return cfg, nil, usagef("--targets: the graph's time constants set the calibration targets (%s)", d.Targets)
	}
	cfg.Hidden, cfg.Targets, cfg.Init, cfg.InitFrom = d.Network.Layout.Hidden, d.Targets, &d.Network, path
	return cfg, d, nil
}

// transferReport is a deployed graph's accuracy on the test split in
// inloop's software model (its weights unquantised) and on the chip as
// transferred (quantised, mismatch and noise).
type transferReport struct {
	Software engine.EvalStats
	Chip     engine.EvalStats
	Layout   engine.Layout
	Targets  string
}

func evalTransfer(cfg engine.Config) (transferReport, error) {
	cfg.Mode, cfg.RunDir, cfg.Resume = engine.ModeChip, "", ""
	l, err := engine.NewLearner(cfg)
	if err != nil {
		var ne *engine.NetworkError
		if errors.As(err, &ne) {
			return transferReport{}, usagef("%s: %s (dataset %s)", cfg.InitFrom, oneLine(err.Error()), cfg.Dataset)
		}
		return transferReport{}, badInput(err)
	}
	r := transferReport{Layout: l.Layout(), Targets: cfg.Targets}
	if r.Chip, err = l.Evaluate(l.Test()); err != nil {
		return r, err
	}
	if err := l.SetMode(engine.ModeSoftware); err != nil {
		return r, err
	}
	r.Software, err = l.Evaluate(l.Test())
	return r, err
}

func (r transferReport) describe(path string) string {
	return fmt.Sprintf("%s: network %s, chip τ targets %s; test accuracy in software %.2f %%, on chip as transferred %.2f %% (%d samples)",
		path, r.Layout, r.Targets, 100*r.Software.Accuracy, 100*r.Chip.Accuracy, r.Chip.Samples)
}

// evalNIR deploys a NIR graph on the chip and reports its accuracy in
// software and on the chip as transferred.
func evalNIR(path string, rf *runFlags, dt float64, jsonOut bool, stdout io.Writer) error {
	cfg, err := rf.config()
	if err != nil {
		return err
	}
	if cfg.Resume != "" {
		return usagef("eval --nir deploys a graph; --resume does not apply")
	}
	set := map[string]bool{}
	rf.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg, d, err := nirDeploy(path, cfg, set["dataset"], dt)
	if err != nil {
		return err
	}
	r, err := evalTransfer(cfg)
	if err != nil {
		return err
	}
	if jsonOut {
		b, _ := json.Marshal(map[string]any{
			"nir": path, "dataset": cfg.Dataset, "chip_seed": cfg.ChipSeed, "noise_seed": cfg.NoiseSeed,
			"calibration": cfg.Calibration, "targets": cfg.Targets, "dt_seconds": d.Dt, "notes": d.Notes,
			"software_accuracy": r.Software.Accuracy, "chip_accuracy": r.Chip.Accuracy, "test_samples": r.Chip.Samples,
		})
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	for _, n := range d.Notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	_, err = fmt.Fprintln(stdout, r.describe(path))
	return err
}
