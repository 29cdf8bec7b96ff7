package hw

import (
	"math"
	"strings"
	"testing"
)

// TestNeuronIsWhatTheDynamicsUse: Neuron reports the parameters the
// integration reads (leak, reset, threshold, τs, refractory ticks, the
// synaptic gains of both columns), and Values puts every circuit's
// refractory time on the grid of its counter.
func TestNeuronIsWhatTheDynamicsUse(t *testing.T) {
	c := New(Options{ChipSeed: 4, NoiseSeed: 5})
	if _, err := c.Calibrate(DefaultTargets()); err != nil {
		t.Fatal(err)
	}
	configure(t, c, mnistNetwork(1, 8, 20))
	m := c.ensureModel()
	for j := 0; j < m.n; j++ {
		p, err := c.Neuron(j)
		if err != nil {
			t.Fatal(err)
		}
		a, b := circuitsOf(j)
		thr := p.Threshold
		if j >= 246 {
			thr = math.Inf(1) // integrators: comparator off
		}
		if p.Leak != m.leak[j] || p.Reset-p.Leak != m.resetU[j] || (j < 246 && thr-p.Leak != m.thetaU[j]) ||
			p.TauMem != m.tauM[j] || p.TauSyn != m.tauS[j] || p.Refractory != float64(m.nref[j])*EventTick ||
			p.SynGain[0] != m.synGain[a] || p.SynGain[1] != m.synGain[b] {
			t.Fatalf("neuron %d: reported %+v, the model uses leak %g reset %g threshold %g τ %g/%g refractory %d ticks gains %g/%g",
				j, p, m.leak[j], m.resetU[j]+m.leak[j], m.thetaU[j]+m.leak[j], m.tauM[j], m.tauS[j], m.nref[j], m.synGain[a], m.synGain[b])
		}
	}
	for k, v := range c.Values(ParamRefractory) {
		if ticks := v / EventTick; math.Abs(ticks-math.Round(ticks)) > 1e-9 || ticks < 1 {
			t.Fatalf("circuit %d: refractory %g µs is not on the %g µs grid", k, v, EventTick)
		}
	}
	// 0.5 µs is 62.5 ticks: the counter holds 63 (504 ns), and that is reported
	id := New(Options{Ideal: true})
	p, _ := id.Neuron(7)
	p.Refractory = 0.5
	if err := id.SetNeuron(7, p); err != nil {
		t.Fatal(err)
	}
	if got, _ := id.Neuron(7); math.Abs(got.Refractory-0.504) > 1e-12 {
		t.Fatalf("refractory 0.5 µs reported as %g µs; the chip uses 63 ticks = 0.504 µs", got.Refractory)
	}
	a, _ := circuitsOf(7)
	if v := id.Values(ParamRefractory)[a]; math.Abs(v-0.504) > 1e-12 {
		t.Fatalf("Values reports %g µs for a 63-tick refractory counter", v)
	}
}

// TestSetNeuronChecks: bad values give one clear error naming the field and
// what is accepted; Calibrate replaces set values.
func TestSetNeuronChecks(t *testing.T) {
	c := New(Options{ChipSeed: 1})
	good := NeuronParams{Leak: 80, Reset: 80, Threshold: 150, TauMem: 6, TauSyn: 6, Refractory: 2, SynGain: [2]float64{1, 1}}
	for _, tc := range []struct {
		edit func(*NeuronParams)
		want string
	}{
		{func(p *NeuronParams) { p.TauMem = 0 }, "tau_mem = 0"},
		{func(p *NeuronParams) { p.TauSyn = math.NaN() }, "tau_syn = NaN"},
		{func(p *NeuronParams) { p.Refractory = -1 }, "refractory = -1"},
		{func(p *NeuronParams) { p.SynGain[1] = math.Inf(1) }, "syn_gain[1]"},
	} {
		p := good
		tc.edit(&p)
		err := c.SetNeuron(3, p)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "accepted") {
			t.Errorf("SetNeuron(%+v): %v; want an error naming %q and what is accepted", p, err, tc.want)
		}
	}
	if err := c.SetNeuron(LogicalNeurons, good); err == nil {
		t.Error("SetNeuron accepted neuron 256")
	}
	if err := c.SetNeuron(3, good); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.Neuron(3); p != (NeuronParams{Leak: 80, Reset: 80, Threshold: 150, TauMem: 6, TauSyn: 6, Refractory: 2, SynGain: [2]float64{1, 1}}) {
		t.Fatalf("set %+v, reads %+v", good, p)
	}
	if _, err := c.Calibrate(DefaultTargets()); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.Neuron(3); p.TauMem == 6 && p.Leak == 80 {
		t.Fatal("Calibrate kept the set values")
	}
}

// TestSynapseGainIsWhatTheWeightsUse: every placed weight's current jump is
// w·SynapticCurrentPerWeight·SynapseGain of its neuron, slot and sign.
func TestSynapseGainIsWhatTheWeightsUse(t *testing.T) {
	c := New(Options{ChipSeed: 5, NoiseSeed: 6})
	configure(t, c, mnistNetwork(2, 10, 20))
	c.ensureModel()
	checked := 0
	for _, pp := range c.net.projs {
		for post := 0; post < pp.PostSize; post++ {
			for k := 0; k < pp.Pre.Size; k++ {
				w := pp.Weights[post*pp.Pre.Size+k]
				if w == 0 {
					continue
				}
				slot, err := c.Slot(pp.Pre.External, pp.Pre.Offset+k)
				if err != nil {
					t.Fatal(err)
				}
				g, err := c.SynapseGain(pp.PostOffset+post, slot, w < 0)
				if err != nil {
					t.Fatal(err)
				}
				if want := float32(float64(w) * SynapticCurrentPerWeight * g); pp.eff[k*pp.PostSize+post] != want {
					t.Fatalf("neuron %d source %d: jump %g, weight × gain gives %g", pp.PostOffset+post, k, pp.eff[k*pp.PostSize+post], want)
				}
				checked++
			}
		}
	}
	if checked < 50000 {
		t.Fatalf("only %d weights checked", checked)
	}
	if _, err := c.SynapseGain(0, 256, false); err == nil {
		t.Error("SynapseGain accepted slot 256")
	}
}
