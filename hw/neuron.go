package hw

// NeuronParams are the effective analog parameters of one logical neuron as
// the emulation runs it (the same combination of its two circuits as
// ensureModel in model.go; TestNeuronMatchesModel holds them together).
type NeuronParams struct {
	Leak, Reset, Threshold float64 // CADC LSB
	TauMem, TauSyn         float64 // µs
	Refractory             float64 // µs
	SynGain                float64 // relative, mean of the two synapse columns
}

// Neuron returns the effective parameters of logical neuron n (0 ≤ n <
// LogicalNeurons) now: leak, τ_mem and τ_syn averaged over its two
// circuits, reset, threshold and refractory time of the first (firing)
// circuit.
func (c *Chip) Neuron(n int) NeuronParams {
	a, b := circuitsOf(n)
	return NeuronParams{
		Leak:       0.5 * (c.analog(cmLeak, a) + c.analog(cmLeak, b)),
		Reset:      c.analog(cmReset, a),
		Threshold:  c.analog(cmThreshold, a),
		TauMem:     0.5 * (c.analog(cmTauMem, a) + c.analog(cmTauMem, b)),
		TauSyn:     0.5 * (c.analog(cmTauSyn, a) + c.analog(cmTauSyn, b)),
		Refractory: c.analog(cmRefractory, a),
		SynGain:    0.5 * (c.analog(cmSynGain, a) + c.analog(cmSynGain, b)),
	}
}
