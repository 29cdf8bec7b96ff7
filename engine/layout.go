package engine

import (
	"fmt"
	"math"

	"inloop/hw"
)

// Layout is the shape of a network and its time grid: Inputs external
// channels → Hidden CuBa-LIF neurons (optionally recurrent) → Outputs leaky
// integrators, simulated for Steps frames of Dt µs.
//
// On the chip the hidden neurons are logical neurons 0..Hidden−1 and the
// outputs Hidden..Hidden+Outputs−1.
type Layout struct {
	Inputs, Hidden, Outputs int
	Recurrent               bool
	Steps                   int     // frames per sample (T)
	Dt                      float64 // µs per frame (the CADC period)
	TauMem, TauSyn          float64 // µs, the model's time constants
}

// LimitError says which chip limit a layout breaks.
type LimitError struct {
	Limit      string
	Have, Max  int
	LayoutDesc string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("network %s does not fit the chip: %s %d exceeds %d", e.LayoutDesc, e.Limit, e.Have, e.Max)
}

func (l Layout) String() string {
	rec := ""
	if l.Recurrent {
		rec = " recurrent"
	}
	return fmt.Sprintf("%d→%d%s→%d", l.Inputs, l.Hidden, rec, l.Outputs)
}

// Check verifies the layout against the chip's fan-in and neuron budget
// (docs/model.md §2.1): a hidden neuron sees Inputs (+Hidden if recurrent)
// signed sources, an output sees Hidden, and all neurons share 256 logical
// neurons.
func (l Layout) Check() error {
	if l.Inputs < 1 || l.Hidden < 1 || l.Outputs < 1 || l.Steps < 2 || !(l.Dt > 0) {
		return fmt.Errorf("network %s: sizes must be positive and at least 2 steps of positive length", l)
	}
	fanIn := l.Inputs
	if l.Recurrent {
		fanIn += l.Hidden
	}
	switch {
	case fanIn > hw.MaxFanIn:
		return &LimitError{Limit: "hidden fan-in (inputs + recurrent sources)", Have: fanIn, Max: hw.MaxFanIn, LayoutDesc: l.String()}
	case l.Hidden > hw.MaxFanIn:
		return &LimitError{Limit: "output fan-in (hidden neurons)", Have: l.Hidden, Max: hw.MaxFanIn, LayoutDesc: l.String()}
	case l.Hidden+l.Outputs > hw.LogicalNeurons:
		return &LimitError{Limit: "logical neurons (hidden + outputs)", Have: l.Hidden + l.Outputs, Max: hw.LogicalNeurons, LayoutDesc: l.String()}
	}
	return nil
}

// decays returns the per-step decay factors α = exp(−Δt/τ_syn) and
// β = exp(−Δt/τ_mem) of docs/model.md §3.2.
func (l Layout) decays() (alpha, beta float32) {
	return float32(math.Exp(-l.Dt / l.TauSyn)), float32(math.Exp(-l.Dt / l.TauMem))
}

// network returns the chip placement with all weights zero; projection order
// is input→hidden, hidden→output, then hidden→hidden if recurrent.
func (l Layout) network() hw.Network {
	n := hw.Network{Inputs: l.Inputs, Neurons: l.Hidden + l.Outputs,
		// The readout neurons integrate without spiking (docs/model.md §3.2).
		Integrators: hw.Population{Offset: l.Hidden, Size: l.Outputs}}
	n.Projections = append(n.Projections,
		hw.Projection{Pre: hw.Population{External: true, Size: l.Inputs}, PostOffset: 0, PostSize: l.Hidden, Weights: make([]int8, l.Inputs*l.Hidden)},
		hw.Projection{Pre: hw.Population{Size: l.Hidden}, PostOffset: l.Hidden, PostSize: l.Outputs, Weights: make([]int8, l.Hidden*l.Outputs)},
	)
	if l.Recurrent {
		n.Projections = append(n.Projections,
			hw.Projection{Pre: hw.Population{Size: l.Hidden}, PostOffset: 0, PostSize: l.Hidden, Weights: make([]int8, l.Hidden*l.Hidden)})
	}
	return n
}

// Projection indices of network().
const (
	projIn  = 0
	projOut = 1
	projRec = 2
)
