package engine

import (
	"errors"
	"fmt"

	"inloop/hw"
)

// device is what the in-the-loop step needs of a chip: place a network,
// write weights, run a batch. *hw.Chip implements it; tests use an ideal
// stand-in.
type device interface {
	Configure(hw.Network) error
	SetWeights(proj int, w []int8) error
	Run(batch []hw.Stimulus, opt hw.RunOptions) ([]hw.Observation, error)
}

// placed is a network configured on a device, with the integer weights last
// written to it.
type placed struct {
	dev      device
	net      hw.Network
	outScale float64 // output scale of the last write
}

func place(dev device, l Layout) (*placed, error) {
	p := &placed{dev: dev, net: l.network()}
	if err := dev.Configure(p.net); err != nil {
		return nil, fmt.Errorf("placing network %s: %w", l, err)
	}
	return p, nil
}

// write quantises w (hidden ×240, output ×min(63/max|W|, 250)) and writes
// every projection to the chip.
func (p *placed) write(w *Weights, l Layout) error {
	H, O := l.Hidden, l.Outputs
	quantise(p.net.Projections[projIn].Weights, w.In, l.Inputs, H, hiddenScale)
	p.outScale = outputScale(w.Out)
	quantise(p.net.Projections[projOut].Weights, w.Out, H, O, p.outScale)
	if l.Recurrent {
		quantise(p.net.Projections[projRec].Weights, w.Rec, H, H, hiddenScale)
	}
	for i, pr := range p.net.Projections {
		if err := p.dev.SetWeights(i, pr.Weights); err != nil {
			return fmt.Errorf("writing weights: %w", err)
		}
	}
	return nil
}

// run writes w, runs the inputs of tapes on the chip and fills the tapes with
// the measured membranes and spikes. stim and events are reused scratch.
func (p *placed) run(w *Weights, l Layout, tapes []tape, stim []hw.Stimulus, events [][]hw.Event) ([]hw.Stimulus, [][]hw.Event, error) {
	if err := p.write(w, l); err != nil {
		return stim, events, err
	}
	stim = stim[:0]
	for len(events) < len(tapes) {
		events = append(events, nil)
	}
	for i := range tapes {
		s := stimulus(&tapes[i], l.Dt, events[i])
		events[i] = s.Events
		stim = append(stim, s)
	}
	obs, err := p.dev.Run(stim, hw.RunOptions{Frames: l.Steps, Period: l.Dt})
	if err != nil {
		return stim, events, fmt.Errorf("chip run: %w", err)
	}
	if len(obs) != len(tapes) {
		return stim, events, fmt.Errorf("chip run: %d observations for %d samples", len(obs), len(tapes))
	}
	forShards(len(tapes), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			measure(&tapes[i], &obs[i], l, p.net.Neurons)
		}
	})
	return stim, events, nil
}

// errNoChip is returned when a chip operation is asked of a learner without
// a chip.
var errNoChip = errors.New("no chip: the learner runs in software mode only")

// runOnChip runs tapes on the learner's chip with weights w.
func (l *Learner) runOnChip(w *Weights, tapes []tape) error {
	if l.chip == nil {
		return errNoChip
	}
	var err error
	l.stimuli, l.events, err = l.chip.placed.run(w, l.layout, tapes, l.stimuli, l.events)
	return err
}
