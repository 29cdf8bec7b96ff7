package main

import (
	"flag"
	"io"
	"testing"

	"inloop/engine"
)

// TestRunFlagsCoverSettings: every setting a user may change during a run
// is a flag of train, the app and serve, and a flag reaches the run's
// configuration as the app's command would change it.
func TestRunFlagsCoverSettings(t *testing.T) {
	want, _ := engine.DefaultConfig("mnist")
	want.Hyper = engine.Hyper{LR: 2e-3, LRDecay: 0.9, Batch: 64, SurrogateBeta: 40, ReadoutScale: 8, SpikeReg: 0.5, AmplitudeReg: 0.02, WeightL2: 0.2, Dropout: 0.4}
	want.Epochs, want.Mode, want.ChipSeed, want.Decalibrate, want.Targets = 3, engine.ModeSoftware, 9, 0.3, "threshold=160"
	args := []string{"--dataset", "mnist"}
	for _, s := range engine.Settings() {
		if s.NoValue {
			continue
		}
		if s.Flag == "" {
			t.Errorf("setting %s has no flag", s.Name)
			continue
		}
		args = append(args, "--"+s.Flag, s.Value(want))
	}
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	rf := addRunFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	got, err := rf.config()
	if err != nil {
		t.Fatal(err)
	}
	if got.Hyper != want.Hyper || got.Epochs != want.Epochs || got.Mode != want.Mode || got.ChipSeed != want.ChipSeed ||
		got.Decalibrate != want.Decalibrate || got.Targets != want.Targets {
		t.Errorf("flags %v gave\n%+v, want\n%+v", args, got, want)
	}

	// With --resume the settings become the commands applied at the first
	// batch, except --epochs, which extends the run.
	fs = flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	rf = addRunFlags(fs)
	if err := fs.Parse([]string{"--resume", t.TempDir(), "--spike-reg", "0.25", "--epochs", "7", "--mode", "chip"}); err != nil {
		t.Fatal(err)
	}
	got, err = rf.config()
	if err != nil {
		t.Fatal(err)
	}
	if got.Epochs != 7 || len(got.Changes) != 2 || got.Changes[0] != (engine.Command{Kind: engine.CmdSet, Name: "spike_reg", Value: "0.25"}) ||
		got.Changes[1] != (engine.Command{Kind: engine.CmdMode, Value: "chip"}) {
		t.Errorf("resume: epochs %d changes %+v", got.Epochs, got.Changes)
	}
}
