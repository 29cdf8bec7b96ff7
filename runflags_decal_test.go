package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestTrainAugmentAndDecalibrationFlagsBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--augment"}, "--augment: yinyang has no training-time augmentation (accepted for mnist, fashion-mnist, shd)"},
		{[]string{"--decalibrate", "tau_mem=2"}, "is not a σ_d from 0 to 1"},
		{[]string{"--decalibrate", "gain=0.1"}, `unknown parameter "gain"`},
		{[]string{"--decalibrate", "tau=0.1,tau=0.2"}, "names tau twice"},
		{[]string{"--decalibrate", "tau=0.1", "--calibration", "uncalibrated"}, "needs --calibration calibrated"},
		{[]string{"--decalibrate-seed", "0"}, "--decalibrate-seed 0 is not accepted"},
		{[]string{"--resume", t.TempDir(), "--decalibrate", "threshold=0.2"}, "cannot change a resumed run"},
		{[]string{"--resume", t.TempDir(), "--augment"}, "--augment cannot change a resumed run"},
	} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"train"}, c.args...), nil, &out, &errOut)
		msg := errOut.String()
		if code != 2 || !strings.Contains(msg, c.want) || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line containing %q", c.args, code, msg, c.want)
		}
	}
}

// TestTrainPerParameterDecalibration trains on a chip detuned per
// parameter with its own draw: the summary names the spreads, and another
// decalibration seed gives another chip (another result).
func TestTrainPerParameterDecalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("trains tiny runs")
	}
	train := func(seed string) map[string]any {
		var out, errOut bytes.Buffer
		args := []string{"train", "--epochs", "1", "--hidden", "16", "--json", "--decalibrate", "tau_mem=0.3,threshold=0.1", "--decalibrate-seed", seed}
		if code := run(args, nil, &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		var s map[string]any
		if err := json.Unmarshal(out.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := train("5"), train("6")
	if c, _ := a["calibration"].(string); c != "decalibrated σ τm=0.30 τs=0.00 ϑ=0.10" {
		t.Fatalf("calibration %q", c)
	}
	if a["test_loss"] == b["test_loss"] {
		t.Errorf("decalibration seeds 5 and 6 gave the same run (test loss %v)", a["test_loss"])
	}
}
