package main

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// trainedRun trains a tiny Yin-Yang run into a new directory.
func trainedRun(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	var out, errOut bytes.Buffer
	if code := run([]string{"train", "--epochs", "1", "--hidden", "16", "--run-dir", dir}, nil, &out, &errOut); code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut.String())
	}
	return dir
}

func TestEvalBadInputExit2OneLine(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny run")
	}
	dir := trainedRun(t)
	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{}, "no run directory given"},
		{[]string{filepath.Join(empty, "nope")}, "is not a run directory"},
		{[]string{empty}, "holds no run to resume"},
		{[]string{dir, "--dataset", "mnist"}, "is a yinyang run, not mnist"},
		{[]string{dir, "--dataset", "cifar"}, `--dataset "cifar" is not accepted`},
		{[]string{dir, "--silence", "1.5"}, "fractions from 0 to 1"},
		{[]string{dir, "--silence", "x"}, "fractions from 0 to 1"},
		{[]string{dir, "--draws", "0"}, "--draws 0 is not accepted"},
		{[]string{dir, "--calibration", "half"}, "accepted: calibrated, uncalibrated"},
		{[]string{dir, "--decalibrate", "2"}, "σ_d from 0 to 1"},
		{[]string{dir, "--decalibrate", "tau_mem=0.3,gain=0.1"}, `unknown parameter "gain"`},
		{[]string{dir, "--decalibrate", "0.2", "--calibration", "uncalibrated"}, "needs --calibration calibrated"},
		{[]string{dir, "--mode", "gpu"}, "accepted: chip, software"},
		{[]string{dir, "--mode", "software", "--chip-seed", "3"}, "--mode software evaluates the ideal model"},
		{[]string{dir, "--window", "0"}, "--window 0 is not accepted"},
		{[]string{dir, "extra"}, "unexpected argument"},
	} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"eval"}, c.args...), nil, &out, &errOut)
		msg := errOut.String()
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", c.args, code, msg)
		}
		if !strings.Contains(msg, c.want) || strings.Count(strings.TrimSpace(msg), "\n") != 0 || out.Len() != 0 {
			t.Errorf("%v: stderr %q, want one line containing %q and no stdout", c.args, msg, c.want)
		}
	}
}

// TestEvalReport evaluates a run on its own die and on another: the
// figures are consistent (silencing nothing changes little; the decision
// comes no later than the window) and a second die gives another report.
func TestEvalReport(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny run")
	}
	dir := trainedRun(t)
	eval := func(args ...string) evalReport {
		var out, errOut bytes.Buffer
		if code := run(append([]string{"eval", dir, "--json"}, args...), nil, &out, &errOut); code != 0 {
			t.Fatalf("eval %v: exit %d: %s", args, code, errOut.String())
		}
		var r evalReport
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("eval %v: %v: %s", args, err, out.String())
		}
		return r
	}
	own := eval("--silence", "0,0.5", "--draws", "2")
	if own.Dataset != "yinyang" || own.Samples != 1000 || own.ChipSeed != 1 || !(own.Accuracy > 0.4) {
		t.Fatalf("report %+v", own)
	}
	if own.Inference == nil || own.Inference.PaperEnergy != 2.4 || !(own.Inference.Accuracy > 0) {
		t.Fatalf("inference %+v", own.Inference)
	}
	if own.Latency == nil || len(own.Latency.Readout) == 0 || !(own.Latency.PeakTime > 0 && own.Latency.PeakTime <= 12) {
		t.Fatalf("latency %+v", own.Latency)
	}
	// silencing nothing differs from the intact network by the chip's
	// temporal noise only
	if s := own.Silence[0]; s.Fraction != 0 || math.Abs(s.Mean-own.Accuracy) > 0.05 {
		t.Errorf("silencing nothing: %+v, intact %g", s, own.Accuracy)
	}
	if s := own.Silence[1]; !(s.Mean < own.Accuracy) {
		t.Errorf("silencing half the neurons left accuracy %g (intact %g)", s.Mean, own.Accuracy)
	}
	other := eval("--chip-seed", "7", "--decalibrate", "tau=0.2", "--no-latency")
	if other.ChipSeed != 7 || !strings.Contains(other.Calibration, "τm=0.20 τs=0.20 ϑ=0.00") || other.Latency != nil {
		t.Fatalf("other die: %+v", other)
	}
	sw := eval("--mode", "software", "--no-latency")
	if sw.Mode != "software" || sw.Inference != nil || sw.ChipSeed != 0 {
		t.Fatalf("software: %+v", sw)
	}
}
