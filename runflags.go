package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"inloop/data"
	"inloop/engine"
)

// runFlags are the flags of a training run common to train, the app and
// serve (docs/design.md §5). Everything a user may change during a run is also a
// flag, registered from the engine's settings table (engine/hyper.go), so a
// flag accepts what the app's settings pane accepts. Settings left unset
// take the dataset's defaults (engine.DefaultConfig).
type runFlags struct {
	fs                          *flag.FlagSet
	dataset, dataDir            string
	calibration, runDir, resume string
	hidden                      int
	seed, noiseSeed             uint64
	changes                     []engine.Command // settings given, in order
	bad                         error            // the first setting refused
	augment                     bool
	decalSeed                   uint64
	detune                      decalFlag // --decalibrate given per parameter
}

// decalSettingFlag is --decalibrate: a joint σ_d goes through the settings
// table like the app's setting; σ_d per parameter ("tau_mem=0.3,...")
// fixes the run's chip (engine.Config.Detune).
type decalSettingFlag struct{ settingFlag }

func (v *decalSettingFlag) Set(text string) error {
	if !strings.Contains(text, "=") {
		return v.settingFlag.Set(text)
	}
	if err := v.f.detune.Set(text); err != nil && v.f.bad == nil {
		v.f.bad = usagef("--decalibrate %v", err)
	}
	v.text = text
	return nil
}

// settingFlag is a flag of one row of the settings table.
type settingFlag struct {
	s    engine.Setting
	f    *runFlags
	text string
}

func (v *settingFlag) String() string { return v.text }

// Set checks text by the settings table. A refusal is kept for config to
// report as "--flag value reason (accepted: ...)", in the words the app uses.
func (v *settingFlag) Set(text string) error {
	c, err := v.s.Command(text)
	if err != nil {
		var se *engine.SettingError
		if errors.As(err, &se) {
			err = usagef("--%s %s", v.s.Flag, se.Detail())
		}
		if v.f.bad == nil {
			v.f.bad = err
		}
		return nil
	}
	v.text = text
	v.f.changes = append(v.f.changes, c)
	return nil
}

// addRunFlags registers the run flags on fs.
func addRunFlags(fs *flag.FlagSet) *runFlags {
	d, _ := engine.DefaultConfig("yinyang")
	f := &runFlags{fs: fs}
	fs.StringVar(&f.dataset, "dataset", d.Dataset, "dataset: "+strings.Join(data.Names, "|"))
	fs.StringVar(&f.dataDir, "data-dir", "", "directory of the dataset files (mnist, fashion-mnist, shd; default $INLOOP_DATA_DIR)")
	fs.IntVar(&f.hidden, "hidden", 0, "hidden neurons (default: the dataset's)")
	fs.Uint64Var(&f.seed, "seed", d.Seed, "seed of the initial weights, data order and dropout")
	fs.Uint64Var(&f.noiseSeed, "noise-seed", d.NoiseSeed, "seed of the chip's temporal noise")
	fs.StringVar(&f.calibration, "calibration", d.Calibration, "chip state: calibrated | uncalibrated")
	fs.StringVar(&f.runDir, "run-dir", "", "write config, metrics and checkpoints to `DIR` (default: no run files)")
	fs.StringVar(&f.resume, "resume", "", "continue the run in `DIR` from its last checkpoint")
	for _, s := range engine.Settings() {
		if s.Flag == "" {
			continue
		}
		v := &settingFlag{s: s, f: f}
		switch s.Kind {
		case engine.CmdMode, engine.CmdChipSeed:
			v.text = s.Value(d) // the same for every dataset
		}
		usage := s.Usage + " (accepted: " + s.Accepts() + ")"
		if s.Kind == engine.CmdSet {
			usage += " (default: the dataset's)"
		}
		if s.Flag == "decalibrate" {
			fs.Var(&decalSettingFlag{*v}, s.Flag, usage+"; or σ_d per parameter, e.g. tau_mem=0.3,tau_syn=0.2,threshold=0.1 (tau: both time constants)")
			continue
		}
		fs.Var(v, s.Flag, usage)
	}
	fs.BoolVar(&f.augment, "augment", false, "training-time augmentation: rotation ≤ 15° (mnist, fashion-mnist), channel jitter (shd)")
	fs.Uint64Var(&f.decalSeed, "decalibrate-seed", 0, "seed of the decalibration's per-neuron targets (default: --seed)")
	return f
}

// fixedFlags fix what a run is; a resumed run keeps its own. The settings
// flags apply to a resumed run as if typed in the app at its first batch.
var fixedFlags = []string{"dataset", "hidden", "seed", "noise-seed", "calibration", "augment", "decalibrate-seed"}

// config validates the flags and returns the run's configuration. Errors
// are usage errors naming the flag and what it accepts.
func (f *runFlags) config() (engine.Config, error) {
	if f.bad != nil {
		return engine.Config{}, f.bad
	}
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if err := engine.CheckDataDir(f.dataDir); err != nil {
		return engine.Config{}, usagef("--data-dir %v", err)
	}
	if f.resume != "" {
		for _, n := range fixedFlags {
			if set[n] {
				return engine.Config{}, usagef("--%s cannot change a resumed run (with --resume, --data-dir, --run-dir and the settings, --lr to --decalibrate, apply)", n)
			}
		}
		if st, err := os.Stat(f.resume); err != nil || !st.IsDir() {
			return engine.Config{}, usagef("--resume %s is not a run directory", f.resume)
		}
		if f.detune.any() {
			return engine.Config{}, usagef("--decalibrate per parameter cannot change a resumed run (a joint σ_d can: it applies as the app's setting)")
		}
		cfg := engine.Config{Resume: f.resume, DataDir: f.dataDir, RunDir: f.runDir}
		for _, c := range f.changes {
			if c.Kind == engine.CmdSet && c.Name == "epochs" {
				cfg.Epochs, _ = strconv.Atoi(c.Value) // the resume checks it against the epochs trained
				continue
			}
			cfg.Changes = append(cfg.Changes, c)
		}
		return cfg, nil
	}
	if err := engine.CheckDataset(f.dataset); err != nil {
		return engine.Config{}, usagef("--dataset %v", err)
	}
	cfg, _ := engine.DefaultConfig(f.dataset)
	if err := engine.CheckCalibration(f.calibration); err != nil {
		return engine.Config{}, usagef("--calibration %v", err)
	}
	cfg.Calibration = f.calibration
	for _, c := range f.changes {
		if err := cfg.Apply(c); err != nil {
			return engine.Config{}, usagef("%v", err) // checked as the flag was parsed
		}
	}
	if cfg.Calibration != "calibrated" {
		if set["decalibrate"] && cfg.Decalibrate > 0 {
			return engine.Config{}, usagef("--decalibrate needs --calibration calibrated (it calibrates to scattered targets)")
		}
		if set["targets"] {
			return engine.Config{}, usagef("--targets needs --calibration calibrated")
		}
	}
	if f.detune.any() {
		if cfg.Calibration != "calibrated" {
			return engine.Config{}, usagef("--decalibrate needs --calibration calibrated (it calibrates to scattered targets)")
		}
		cfg.Decalibrate, cfg.Detune = 0, f.detune.each
	}
	if f.augment {
		if cfg.Dataset == "yinyang" {
			return engine.Config{}, usagef("--augment: yinyang has no training-time augmentation (accepted for mnist, fashion-mnist, shd)")
		}
		cfg.Augment = true
	}
	if set["decalibrate-seed"] {
		if f.decalSeed == 0 {
			return engine.Config{}, usagef("--decalibrate-seed 0 is not accepted (accepted: 1 or more; leave it out to use --seed)")
		}
		cfg.DecalibrateSeed = f.decalSeed
	}
	if set["hidden"] {
		if err := engine.CheckHidden(f.hidden); err != nil {
			return engine.Config{}, usagef("--hidden %v", err)
		}
		cfg.Hidden = f.hidden
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
