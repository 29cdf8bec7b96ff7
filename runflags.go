package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"inloop/data"
	"inloop/engine"
	"inloop/hw"
)

// runFlags are the flags of a training run common to train, the app and
// serve (docs/design.md §5). Numbers left unset take the dataset's defaults
// (engine.DefaultConfig).
type runFlags struct {
	fs                          *flag.FlagSet
	dataset, dataDir, mode      string
	calibration, runDir, resume string
	epochs, batch, hidden       int
	lr, decalibrate             float64
	chipSeed, seed, noiseSeed   uint64
}

// addRunFlags registers the run flags on fs.
func addRunFlags(fs *flag.FlagSet) *runFlags {
	d, _ := engine.DefaultConfig("yinyang")
	f := &runFlags{fs: fs}
	fs.StringVar(&f.dataset, "dataset", d.Dataset, "dataset: "+strings.Join(data.Names, "|"))
	fs.StringVar(&f.dataDir, "data-dir", "", "directory of the dataset files (mnist, fashion-mnist, shd; default $INLOOP_DATA_DIR)")
	fs.StringVar(&f.mode, "mode", string(d.Mode), "training mode: chip (in the loop) | software (ideal model) | transfer (software, evaluated on the chip)")
	fs.IntVar(&f.epochs, "epochs", 0, "epochs to train (default: the dataset's; with --resume: extend the run)")
	fs.IntVar(&f.batch, "batch", 0, "samples per optimiser step (default: the dataset's)")
	fs.Float64Var(&f.lr, "lr", 0, "Adam learning rate (default: the dataset's)")
	fs.IntVar(&f.hidden, "hidden", 0, "hidden neurons (default: the dataset's)")
	fs.Uint64Var(&f.chipSeed, "chip-seed", d.ChipSeed, "the die: seed of the chip's fixed-pattern mismatch")
	fs.Uint64Var(&f.seed, "seed", d.Seed, "seed of the initial weights, data order and dropout")
	fs.Uint64Var(&f.noiseSeed, "noise-seed", d.NoiseSeed, "seed of the chip's temporal noise")
	fs.StringVar(&f.calibration, "calibration", d.Calibration, "chip state: calibrated | uncalibrated")
	fs.Float64Var(&f.decalibrate, "decalibrate", 0, "calibrate to per-neuron targets scattered with normalised SD `SIGMA` (0..1)")
	fs.StringVar(&f.runDir, "run-dir", "", "write config, metrics and checkpoints to `DIR` (default: no run files)")
	fs.StringVar(&f.resume, "resume", "", "continue the run in `DIR` from its last checkpoint")
	return f
}

// configFlags fix what a run is; a resumed run keeps its own. (--lr and
// --batch may change on resume: the trainer applies them as set commands.)
var configFlags = []string{"dataset", "mode", "hidden", "chip-seed", "seed", "noise-seed", "calibration", "decalibrate"}

// config validates the flags and returns the run's configuration. Errors
// are usage errors naming the flag and what it accepts.
func (f *runFlags) config() (engine.Config, error) {
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if set["epochs"] && (f.epochs < 1 || f.epochs > 100000) {
		return engine.Config{}, usagef("--epochs %d is not accepted (accepted: a whole number from 1 to 100000)", f.epochs)
	}
	if f.dataDir != "" {
		if st, err := os.Stat(f.dataDir); err != nil || !st.IsDir() {
			return engine.Config{}, usagef("--data-dir %s is not a directory", f.dataDir)
		}
	}
	if set["batch"] {
		if err := engine.ValidateSet("batch", strconv.Itoa(f.batch)); err != nil {
			return engine.Config{}, usagef("--%v", err)
		}
	}
	if set["lr"] {
		if err := engine.ValidateSet("lr", strconv.FormatFloat(f.lr, 'g', -1, 64)); err != nil {
			return engine.Config{}, usagef("--%v", err)
		}
	}
	if f.resume != "" {
		for _, n := range configFlags {
			if set[n] {
				return engine.Config{}, usagef("--%s cannot change a resumed run (with --resume only --epochs, --lr, --batch, --data-dir and --run-dir apply)", n)
			}
		}
		if st, err := os.Stat(f.resume); err != nil || !st.IsDir() {
			return engine.Config{}, usagef("--resume %s is not a run directory", f.resume)
		}
		cfg := engine.Config{Resume: f.resume, DataDir: f.dataDir, RunDir: f.runDir}
		if set["epochs"] {
			cfg.Epochs = f.epochs
		}
		if set["lr"] {
			cfg.Hyper.LR = f.lr
		}
		if set["batch"] {
			cfg.Hyper.Batch = f.batch
		}
		return cfg, nil
	}
	cfg, err := engine.DefaultConfig(f.dataset)
	if err != nil {
		return engine.Config{}, usagef("--dataset %q is not accepted (accepted: %s)", f.dataset, strings.Join(data.Names, ", "))
	}
	switch m := engine.Mode(f.mode); m {
	case engine.ModeChip, engine.ModeSoftware, engine.ModeTransfer:
		cfg.Mode = m
	default:
		return engine.Config{}, usagef("--mode %q is not accepted (accepted: chip, software, transfer)", f.mode)
	}
	switch f.calibration {
	case "calibrated", "uncalibrated":
		cfg.Calibration = f.calibration
	default:
		return engine.Config{}, usagef("--calibration %q is not accepted (accepted: calibrated, uncalibrated)", f.calibration)
	}
	if set["decalibrate"] {
		if math.IsNaN(f.decalibrate) || f.decalibrate < 0 || f.decalibrate > 1 {
			return engine.Config{}, usagef("--decalibrate %v is not accepted (accepted: σ_d from 0 to 1, e.g. 0.3)", f.decalibrate)
		}
		if f.decalibrate > 0 && cfg.Calibration != "calibrated" {
			return engine.Config{}, usagef("--decalibrate needs --calibration calibrated (it calibrates to scattered targets)")
		}
		cfg.Decalibrate = f.decalibrate
	}
	if set["epochs"] {
		cfg.Epochs = f.epochs
	}
	if set["batch"] {
		cfg.Hyper.Batch = f.batch
	}
	if set["lr"] {
		cfg.Hyper.LR = f.lr
	}
	if set["hidden"] {
		if f.hidden < 1 || f.hidden > hw.LogicalNeurons {
			return engine.Config{}, usagef("--hidden %d is not accepted (accepted: 1 to %d neurons)", f.hidden, hw.LogicalNeurons)
		}
		cfg.Hidden = f.hidden
	}
	if set["chip-seed"] {
		cfg.ChipSeed = f.chipSeed
	}
	if set["seed"] {
		cfg.Seed = f.seed
	}
	if set["noise-seed"] {
		cfg.NoiseSeed = f.noiseSeed
	}
	cfg.DataDir = f.dataDir
	cfg.RunDir = f.runDir
	return cfg, nil
}

// badInput turns errors caused by what the user asked for (a used, empty or
// damaged run directory, a network that does not fit the chip) into usage
// errors (exit 2); others pass unchanged. Missing or damaged data files
// exit 1, as in the data command.
func badInput(err error) error {
	var (
		rd  *engine.RunDirError
		cp  *engine.CheckpointError
		rc  *engine.RunConfigError
		lim *engine.LimitError
		ud  *data.UnknownDatasetError
	)
	if errors.As(err, &rd) || errors.As(err, &cp) || errors.As(err, &rc) || errors.As(err, &lim) || errors.As(err, &ud) {
		return usagef("%s", oneLine(err.Error()))
	}
	return err
}

// oneLine keeps an error message on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// describeFlags is the usage text of a command with run flags.
func describeFlags(fs *flag.FlagSet, head string) func() {
	return func() {
		out := fs.Output()
		fmt.Fprintln(out, head)
		fs.PrintDefaults()
	}
}
