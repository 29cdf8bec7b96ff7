package engine

import (
	"math"
	"strings"
	"testing"
)

func TestValidateSet(t *testing.T) {
	good := map[string]string{"lr": "1e-3", "lr_decay": "0.97", "batch": "100", "beta": "50",
		"readout_scale": "10", "spike_reg": "0", "amp_reg": "0.01", "weight_l2": "0.1", "dropout": "0.4"}
	for n, v := range good {
		if err := ValidateSet(n, v); err != nil {
			t.Errorf("%s=%s refused: %v", n, v, err)
		}
	}
	bad := []struct{ name, value, want string }{
		{"lr", "0", "(0, 1]"},
		{"lr", "abc", "not a number"},
		{"lr", "NaN", "not a number"},
		{"batch", "2.5", "an integer"},
		{"batch", "0", "[1, 1000]"},
		{"dropout", "1", "[0, 1)"},
		{"spike_reg", "-1", "[0, 1]"},
		{"momentum", "0.9", "unknown hyperparameter"},
	}
	for _, b := range bad {
		err := ValidateSet(b.name, b.value)
		if err == nil {
			t.Errorf("%s=%s accepted", b.name, b.value)
			continue
		}
		if !strings.Contains(err.Error(), b.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s=%s: error %q should be one line mentioning %q", b.name, b.value, err, b.want)
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
