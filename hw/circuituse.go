package hw

import "slices"

// CircuitUse is what the placed network uses one neuron circuit for: the
// app's circuit inspector shows it beside the circuit's parameters.
type CircuitUse struct {
	Neuron int // logical neuron the circuit belongs to; −1: none placed there
	// Second marks the neuron's second circuit, which adds a synapse column;
	// the first fires and is read out (the two share one membrane).
	Second     bool
	Integrator bool // the neuron's comparator is off (a readout integrator)
	// Rows are the synapse rows of the circuit's column that carry a source,
	// ascending: row pair r is excitatory row 2r and inhibitory row 2r+1.
	Rows []int
	// Inputs and Neurons count the external inputs and logical neurons
	// those rows carry.
	Inputs, Neurons int
}

// CircuitUse returns what the configured network uses circuit k for (a
// zero use with Neuron −1 before Configure or for an unused circuit).
func (c *Chip) CircuitUse(k int) CircuitUse {
	u := CircuitUse{Neuron: -1}
	if k < 0 || k >= Circuits || c.net == nil {
		return u
	}
	n := k/Columns*(LogicalNeurons/Hemispheres) + k%Columns/2 // inverse of circuitsOf
	if n >= c.net.neurons {
		return u
	}
	u.Neuron, u.Second = n, k%2 == 1
	in := c.net.integrators
	u.Integrator = in.Size > 0 && n >= in.Offset && n < in.Offset+in.Size
	col := 0
	if u.Second {
		col = 1
	}
	for _, p := range c.net.projs {
		if n < p.PostOffset || n >= p.PostOffset+p.PostSize {
			continue
		}
		for i := range p.Pre.Size {
			s := slotOf(c.net.inputs, p.Pre.External, p.Pre.Offset+i)
			if s/slotsPerColumn != col {
				continue
			}
			r := s % slotsPerColumn
			u.Rows = append(u.Rows, 2*r, 2*r+1)
			if p.Pre.External {
				u.Inputs++
			} else {
				u.Neurons++
			}
		}
	}
	slices.Sort(u.Rows)
	return u
}
