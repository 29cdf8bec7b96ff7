package engine

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckNewRunField: each field is refused by its flag's rule with what
// is accepted, and accepted text comes back trimmed.
func TestCheckNewRunField(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, text, want, refused string }{
		{"dataset", " mnist ", "mnist", ""},
		{"dataset", "cifar", "", "accepted: yinyang"},
		{"data-dir", dir, dir, ""},
		{"data-dir", "", "", ""},
		{"data-dir", filepath.Join(dir, "none"), "", "is not a directory"},
		{"mode", "software", "software", ""},
		{"mode", "gpu", "", "chip, software or transfer"},
		{"chip-seed", "12", "12", ""},
		{"chip-seed", "-1", "", "a whole number ≥ 0"},
		{"calibration", "uncalibrated", "uncalibrated", ""},
		{"calibration", "half", "", "calibrated, uncalibrated"},
		{"hidden", "", "", ""},
		{"hidden", "40", "40", ""},
		{"hidden", "0", "", "1 to 256 neurons"},
		{"hidden", "forty", "", "not a whole number"},
		{"epochs", "", "", ""},
		{"epochs", "30", "30", ""},
		{"epochs", "2.5", "", "2.5"},
		{"colour", "red", "", "unknown field"},
	} {
		got, err := CheckNewRunField(c.name, c.text)
		switch {
		case c.refused == "" && (err != nil || got != c.want):
			t.Errorf("%s %q: got %q, %v; want %q accepted", c.name, c.text, got, err, c.want)
		case c.refused != "" && (err == nil || !strings.Contains(err.Error(), c.refused)):
			t.Errorf("%s %q: error %v, want one saying %q", c.name, c.text, err, c.refused)
		}
	}
}

// TestNewRunCommandRoundTrip: the form's values become a command whose
// configuration is the dataset's defaults with the fields given and the
// current run's seeds; a refused field names itself.
func TestNewRunCommandRoundTrip(t *testing.T) {
	dir := t.TempDir()
	vals := map[string]string{"dataset": "mnist", "data-dir": dir, "mode": "transfer", "chip-seed": "9", "calibration": "uncalibrated", "hidden": "64", "epochs": "3"}
	c, err := NewRunCommand(vals)
	if err != nil || c.Kind != CmdNewRun {
		t.Fatalf("NewRunCommand: %+v, %v", c, err)
	}
	cur, _ := DefaultConfig("yinyang")
	cur.Seed, cur.NoiseSeed = 41, 42
	cfg, err := newRunConfig(c.Value, cur)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := DefaultConfig("mnist")
	want.DataDir, want.Mode, want.ChipSeed, want.Calibration, want.Hidden, want.Epochs = dir, ModeTransfer, 9, "uncalibrated", 64, 3
	want.Seed, want.NoiseSeed = 41, 42
	if cfg.Dataset != want.Dataset || cfg.DataDir != want.DataDir || cfg.Mode != want.Mode || cfg.ChipSeed != want.ChipSeed ||
		cfg.Calibration != want.Calibration || cfg.Hidden != want.Hidden || cfg.Epochs != want.Epochs ||
		cfg.Seed != 41 || cfg.NoiseSeed != 42 || cfg.Hyper != want.Hyper {
		t.Errorf("config %+v, want %+v", cfg, want)
	}
	if got := NewRunValues(cfg); got["hidden"] != "64" || got["epochs"] != "3" || got["data-dir"] != dir || got["mode"] != "transfer" {
		t.Errorf("NewRunValues %v", got)
	}
	vals["hidden"] = "999"
	if _, err := NewRunCommand(vals); err == nil || !strings.HasPrefix(err.Error(), "hidden 999 is not accepted") {
		t.Errorf("a refused hidden size: %v", err)
	}
	if _, err := newRunConfig("dataset=cifar", cur); err == nil || !strings.Contains(err.Error(), "dataset") {
		t.Errorf("a refused command value: %v", err)
	}
}

// TestTrainerNewRun: a new run whose learner cannot be built (missing
// dataset files) is refused and the run goes on; one that can be ends the
// run and starts the configured one in a sibling directory.
func TestTrainerNewRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	missing, _ := NewRunCommand(map[string]string{"dataset": "mnist", "mode": "chip", "chip-seed": "1", "calibration": "calibrated"})
	good, _ := NewRunCommand(map[string]string{"dataset": "yinyang", "mode": "software", "chip-seed": "5", "calibration": "uncalibrated", "hidden": "40", "epochs": "2"})
	var tr *Trainer
	var learners []*fakeLearner
	tr, err := newTrainer(fakeConfig(0, dir), func(c Config) (trainee, error) {
		if c.Dataset == "mnist" {
			return nil, errors.New("mnist: train-images-idx3-ubyte is missing")
		}
		fl := newFake(c, 23)
		n := len(learners)
		fl.hook = func(k int) {
			if n == 0 && k == 7 {
				tr.Send(missing)
				tr.Send(good)
			}
		}
		learners = append(learners, fl)
		return fl, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := eventChan(tr.Subscribe())
	defer cancel()
	sum, err := runToEnd(t, tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(learners) != 2 {
		t.Fatalf("%d learners, want 2", len(learners))
	}
	c := learners[1].Cfg
	if c.Dataset != "yinyang" || c.Mode != ModeSoftware || c.ChipSeed != 5 || c.Calibration != "uncalibrated" || c.Hidden != 40 || c.Epochs != 2 || c.Seed != 7 || c.RunDir != dir+"-2" {
		t.Errorf("the new run's config %+v", c)
	}
	if sum.RunDir != dir+"-2" {
		t.Errorf("summary run dir %q, want %q", sum.RunDir, dir+"-2")
	}
	var runs []RunEvent
	var cmds []CommandEvent
	for _, e := range drain(events) {
		switch e := e.(type) {
		case RunEvent:
			runs = append(runs, e)
		case CommandEvent:
			if e.Command.Kind == CmdNewRun {
				cmds = append(cmds, e)
			}
		}
	}
	if len(cmds) != 2 || cmds[0].Applied || !strings.Contains(cmds[0].Err, "missing") || !cmds[1].Applied {
		t.Fatalf("new-run commands %+v", cmds)
	}
	if len(runs) != 1 || runs[0].Dataset != "yinyang" || runs[0].Hidden != 40 || runs[0].Why != "new yinyang run" {
		t.Fatalf("run events %+v", runs)
	}
}

// TestTrainerNewRunWithoutRunDir: without a run directory the new run
// writes nothing either.
func TestTrainerNewRunWithoutRunDir(t *testing.T) {
	good, _ := NewRunCommand(map[string]string{"dataset": "yinyang", "mode": "chip", "chip-seed": "1", "calibration": "calibrated", "epochs": "1"})
	var tr *Trainer
	var learners []*fakeLearner
	tr, err := newTrainer(fakeConfig(0, ""), func(c Config) (trainee, error) {
		fl := newFake(c, 23)
		if len(learners) == 0 {
			fl.hook = func(k int) {
				if k == 2 {
					tr.Send(good)
				}
			}
		}
		learners = append(learners, fl)
		return fl, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := runToEnd(t, tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(learners) != 2 || learners[1].Cfg.RunDir != "" || sum.RunDir != "" {
		t.Fatalf("%d learners, new run dir %q, summary dir %q", len(learners), learners[len(learners)-1].Cfg.RunDir, sum.RunDir)
	}
}
