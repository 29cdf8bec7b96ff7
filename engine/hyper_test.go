package engine

import (
	"math"
	"strings"
	"testing"
)

// check validates text for the named setting as the app's inline check does.
func check(kind CommandKind, name, value string) error {
	s, err := FindSetting(kind, name)
	if err != nil {
		return err
	}
	_, err = s.Command(value)
	return err
}

func TestSettingsCheck(t *testing.T) {
	good := map[string]string{"lr": "1e-3", "lr_decay": "0.97", "batch": "100", "beta": "50",
		"readout_scale": "10", "spike_reg": "0", "amp_reg": "0.01", "weight_l2": "0.1", "dropout": "0.4", "epochs": "20"}
	for n, v := range good {
		if err := check(CmdSet, n, v); err != nil {
			t.Errorf("%s=%s refused: %v", n, v, err)
		}
	}
	for _, c := range []Command{
		{Kind: CmdMode, Value: "software"}, {Kind: CmdDecalibrate, Value: "0"}, {Kind: CmdDecalibrate, Value: "1"},
		{Kind: CmdChipSeed, Value: "18446744073709551615"}, {Kind: CmdRecalibrate, Value: ""},
		{Kind: CmdRecalibrate, Value: "leak=90, threshold=160,syn_gain=1.2"}, {Kind: CmdUncalibrate},
	} {
		if err := check(c.Kind, c.Name, c.Value); err != nil {
			t.Errorf("%v refused: %v", c, err)
		}
	}
	bad := []struct {
		kind              CommandKind
		name, value, want string
	}{
		{CmdSet, "lr", "0", "0 is out of range (accepted: a number in (0, 1])"},
		{CmdSet, "lr", "abc", "not a number"},
		{CmdSet, "lr", "NaN", "not a number"},
		{CmdSet, "batch", "2.5", "batch: 2.5 is not an integer (accepted: an integer in [1, 1000] samples)"},
		{CmdSet, "batch", "0", "[1, 1000]"},
		{CmdSet, "dropout", "1", "[0, 1)"},
		{CmdSet, "spike_reg", "-1", "[0, 1]"},
		{CmdSet, "epochs", "0", "[1, 100000]"},
		{CmdSet, "momentum", "0.9", "unknown setting"},
		{CmdMode, "", "chips", "chips is not a mode (accepted: chip, software or transfer)"},
		{CmdDecalibrate, "", "1.5", "[0, 1]"},
		{CmdChipSeed, "", "-1", "whole number"},
		{CmdRecalibrate, "", "leak=90,foo=3", `"foo", not a calibration target`},
		{CmdRecalibrate, "", "leak", "not name=number"},
		{CmdRecalibrate, "", "cadc_offset=3", "not a calibration target"},
		{CmdRecalibrate, "", "leak=300", "leak = 300 LSB; accepted 10…245 LSB"},
	}
	for _, b := range bad {
		err := check(b.kind, b.name, b.value)
		if err == nil {
			t.Errorf("%s %s=%s accepted", b.kind, b.name, b.value)
			continue
		}
		if !strings.Contains(err.Error(), b.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s %s=%s: error %q should be one line containing %q", b.kind, b.name, b.value, err, b.want)
		}
	}
}

// TestSettingsOneRule checks that a running trainer, a configuration and
// the inline check accept and refuse the same values: each refused value
// is refused by Config.Apply and by the learner's own entry points.
func TestSettingsOneRule(t *testing.T) {
	for _, v := range []string{"0", "0.3", "1", "-0.1", "1.01", "x"} {
		_, inline := parseSigma(v)
		var cfg Config
		apply := cfg.Apply(Command{Kind: CmdDecalibrate, Value: v})
		if (inline == nil) != (apply == nil) {
			t.Errorf("σ_d %s: inline %v, config %v", v, inline, apply)
		}
	}
	var h Hyper
	if err := h.Set("batch", "2.5"); err == nil || !strings.Contains(err.Error(), "not an integer") {
		t.Errorf("Hyper.Set batch=2.5: %v", err)
	}
	if err := h.Set("epochs", "3"); err == nil {
		t.Error("Hyper.Set accepted epochs, which is not a hyperparameter")
	}
	if _, err := parseTargets("threshold=160"); err != nil {
		t.Error(err)
	}
}

// TestSettingsValueRoundTrip checks that what Value prints, Apply reads back.
func TestSettingsValueRoundTrip(t *testing.T) {
	c, _ := DefaultConfig("mnist")
	c.Decalibrate, c.Targets, c.ChipSeed = 0.3, "leak=90", 7
	for _, s := range Settings() {
		if s.NoValue {
			continue
		}
		var d Config
		if err := d.Apply(Command{Kind: s.Kind, Name: s.Name, Value: s.Value(c)}); err != nil {
			t.Errorf("%s: %v", s.Name, err)
			continue
		}
		if got, want := s.Value(d), s.Value(c); got != want {
			t.Errorf("%s: %q read back as %q", s.Name, want, got)
		}
	}
}

func TestDefaultConfigs(t *testing.T) {
	for _, ds := range []string{"yinyang", "mnist", "fashion-mnist", "shd"} {
		c, err := DefaultConfig(ds)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateConfig(c); err != nil {
			t.Errorf("%s default invalid: %v", ds, err)
		}
	}
	c, _ := DefaultConfig("mnist")
	h := c.Hyper
	if h.LR != 1.5e-3 || h.LRDecay != 0.97 || h.Batch != 100 || h.SurrogateBeta != 50 || h.ReadoutScale != 10 || h.SpikeReg != 5e-4 || h.WeightL2 != 0.1 || c.Hidden != 246 {
		t.Errorf("MNIST defaults differ from the paper: %+v hidden %d", h, c.Hidden)
	}
	if _, err := DefaultConfig("cifar"); err == nil {
		t.Error("unknown dataset accepted")
	}
}

func TestLayoutLimits(t *testing.T) {
	ok := []Layout{
		{Inputs: 256, Hidden: 246, Outputs: 10, Steps: 20, Dt: 1.7},
		{Inputs: 70, Hidden: 186, Outputs: 20, Recurrent: true, Steps: 20, Dt: 1.7},
	}
	for _, l := range ok {
		if err := l.Check(); err != nil {
			t.Errorf("%s: %v", l, err)
		}
	}
	bad := []Layout{
		{Inputs: 257, Hidden: 10, Outputs: 10, Steps: 20, Dt: 1.7},
		{Inputs: 71, Hidden: 186, Outputs: 20, Recurrent: true, Steps: 20, Dt: 1.7},
		{Inputs: 256, Hidden: 247, Outputs: 10, Steps: 20, Dt: 1.7},
	}
	for _, l := range bad {
		if err := l.Check(); err == nil {
			t.Errorf("%s accepted", l)
		}
	}
}

func TestQuantise(t *testing.T) {
	w := []float32{0.1, -0.3, 0.0021, 0.26} // pre-major 2×2
	dst := make([]int8, 4)
	quantise(dst, w, 2, 2, hiddenScale)
	// post-major: dst[j*pre+i]
	want := []int8{24, 1, -63, 62}
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("quantise = %v, want %v", dst, want)
		}
	}
	if s := outputScale([]float32{0.5, -0.9}); math.Abs(s-70) > 1e-5 {
		t.Errorf("output scale %g, want 63/0.9 = 70", s)
	}
	if s := outputScale([]float32{0.01}); s != 250 {
		t.Errorf("output scale %g, want the cap 250", s)
	}
}

func TestSuperSpike(t *testing.T) {
	if v := superSpike(1, 50); v != 1 {
		t.Errorf("at threshold %g, want 1", v)
	}
	if v := superSpike(0, 50); v != float32(1.0/(51*51)) {
		t.Errorf("at rest %g, want 1/51²", v)
	}
}
