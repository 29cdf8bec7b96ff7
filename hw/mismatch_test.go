package hw

import (
	"math"
	"slices"
	"testing"
)

// TestMismatchStatistics checks the fixed pattern of chip seed 1 over all 512
// circuits against the documented spreads (default codes).
func TestMismatchStatistics(t *testing.T) {
	c := New(Options{ChipSeed: 1})
	want := []struct {
		p              Param
		mean, meanTol  float64
		sdLo, sdHi     float64
		relative, norm bool
	}{
		{ParamLeak, 80, 2, 9, 16, false, false},
		{ParamReset, 80, 2, 9, 16, false, false},
		{ParamThreshold, 150, 2.5, 11, 18, false, false},
		{ParamTauMem, 6, 0.6, 0.18, 0.35, true, false},
		{ParamTauSyn, 6, 0.6, 0.18, 0.35, true, false},
		{ParamRefractory, 2, 0.05, 0.10, 0.20, false, false},
		{ParamSynGain, 1, 0.03, 0.11, 0.19, true, false},
		{ParamCADCOffset, 0, 1.5, 8.5, 11.5, false, false},
	}
	for _, w := range want {
		m, sd := meanSD(c.Values(w.p))
		if w.relative {
			sd /= m
		}
		if math.Abs(m-w.mean) > w.meanTol || sd < w.sdLo || sd > w.sdHi {
			t.Errorf("%v: mean %.3f SD %.3f; want mean %g±%g, SD in [%g, %g]", w.p, m, sd, w.mean, w.meanTol, w.sdLo, w.sdHi)
		}
	}
	// Threshold − leak, normalised: clearly heterogeneous, below 50 %.
	leak, th := c.Values(ParamLeak), c.Values(ParamThreshold)
	diff := make([]float64, Circuits)
	for k := range diff {
		diff[k] = th[k] - leak[k]
	}
	m, sd := meanSD(diff)
	if r := sd / m; r < 0.15 || r > 0.5 {
		t.Errorf("threshold − leak normalised SD %.3f; want clearly heterogeneous and below 0.5", r)
	}
	// Per-synapse gains: mean 1, SD 7 %.
	var g []float64
	for _, row := range c.die.synapse[0][:8] {
		for _, x := range row {
			g = append(g, float64(x))
		}
	}
	if m, sd := meanSD(g); math.Abs(m-1) > 0.01 || math.Abs(sd-sdSynapseGain) > 0.01 {
		t.Errorf("synapse gains mean %.3f SD %.3f; want 1 and %g", m, sd, sdSynapseGain)
	}
}

// TestSeedEqualityAndDifference: the same seed is the same die bit for bit;
// another seed is another die.
func TestSeedEqualityAndDifference(t *testing.T) {
	a, b, other := New(Options{ChipSeed: 7}), New(Options{ChipSeed: 7}), New(Options{ChipSeed: 8})
	for p := Param(0); p < NumParams; p++ {
		if !slices.Equal(a.Values(p), b.Values(p)) {
			t.Errorf("%v differs between two dies of seed 7", p)
		}
		if slices.Equal(a.Values(p), other.Values(p)) {
			t.Errorf("%v is the same on seeds 7 and 8", p)
		}
	}
	if a.die.synapse != b.die.synapse || a.die.synapse == other.die.synapse {
		t.Error("synapse gains do not follow the seed")
	}
	ideal := New(Options{ChipSeed: 7, Ideal: true})
	for p := Param(0); p < NumParams; p++ {
		v := ideal.Values(p)
		if _, sd := meanSD(v); sd != 0 {
			t.Errorf("ideal chip: %v has SD %g, want 0", p, sd)
		}
	}
}

// TestNeuronLevels: a logical neuron's leak is the mean of its two circuits'
// and its threshold the first circuit's.
func TestNeuronLevels(t *testing.T) {
	c := New(Options{ChipSeed: 3})
	leak, th := c.Values(ParamLeak), c.Values(ParamThreshold)
	for _, n := range []int{0, 5, 127, 128, 255} {
		a, b := circuitsOf(n)
		l, h := c.NeuronLevels(n)
		if l != 0.5*(leak[a]+leak[b]) || h != th[a] {
			t.Errorf("neuron %d: levels %g %g, want %g %g", n, l, h, 0.5*(leak[a]+leak[b]), th[a])
		}
	}
	if a, _ := circuitsOf(128); a != 256 {
		t.Errorf("neuron 128 starts at circuit %d, want 256 (second hemisphere)", a)
	}
}

func TestParamNames(t *testing.T) {
	want := []string{"leak", "reset", "threshold", "tau_mem", "tau_syn", "refractory", "syn_gain", "cadc_offset"}
	for p := Param(0); p < NumParams; p++ {
		if p.String() != want[p] {
			t.Errorf("Param %d is %q, want %q", p, p.String(), want[p])
		}
		q, err := ParseParam(want[p])
		if err != nil || q != p {
			t.Errorf("ParseParam(%q) = %v, %v", want[p], q, err)
		}
		if p.Unit() == "" {
			t.Errorf("%v has no unit", p)
		}
	}
}
