package hw

import "testing"

// TestNeuronMatchesModel: Neuron reports what the emulation's neuron model
// runs, on a calibrated die with mismatch.
func TestNeuronMatchesModel(t *testing.T) {
	c := New(Options{ChipSeed: 3, NoiseSeed: 1})
	if _, err := c.Calibrate(DefaultTargets()); err != nil {
		t.Fatal(err)
	}
	n := Network{Inputs: 1, Neurons: 8, Projections: []Projection{{Pre: Population{External: true, Size: 1}, PostOffset: 0, PostSize: 8, Weights: make([]int8, 8)}}}
	if err := c.Configure(n); err != nil {
		t.Fatal(err)
	}
	m := c.ensureModel()
	for j := range 8 {
		p := c.Neuron(j)
		if p.Leak != m.leak[j] || p.Reset-p.Leak != m.resetU[j] || p.Threshold-p.Leak != m.thetaU[j] || p.TauMem != m.tauM[j] || p.TauSyn != m.tauS[j] {
			t.Errorf("neuron %d: %+v differs from the model (leak %g, reset−leak %g, threshold−leak %g, τ %g %g)", j, p, m.leak[j], m.resetU[j], m.thetaU[j], m.tauM[j], m.tauS[j])
		}
		if p.TauMem == DefaultTargets().TauMem {
			t.Errorf("neuron %d: τ_mem exactly nominal on a die with mismatch", j)
		}
	}
}
