package engine

import (
	"errors"

	"inloop/data"
)

// CONTRACT STUB: the model engineer replaces the bodies (keep the API).

// Learner owns one run's network, optimiser state, datasets and chip. It is
// not safe for concurrent use: the Trainer's goroutine is its only user.
type Learner struct{}

// BatchStats describe one optimiser step.
type BatchStats struct {
	Loss            float64
	Accuracy        float64 // fraction of the batch classified right
	SpikesPerSample float64 // hidden spikes per sample
	Samples         int
}

// EvalStats describe an evaluation over a whole split.
type EvalStats struct {
	Accuracy        float64
	Loss            float64
	SpikesPerSample float64
	Samples         int
}

// NewLearner loads the datasets of cfg, builds and calibrates the chip,
// places the network and initialises the weights from cfg.Seed.
func NewLearner(cfg Config) (*Learner, error) { return nil, errors.New("not built yet") }

// Config returns the configuration in force (hyperparameters and mode
// included, as changed since the start).
func (l *Learner) Config() Config { return Config{} }

// Train is the training split; Test the evaluation split.
func (l *Learner) Train() data.Dataset { return nil }
func (l *Learner) Test() data.Dataset  { return nil }

// Step runs one optimiser step on the training samples idx (in the current
// mode), with dropout and augmentation drawn from seed.
func (l *Learner) Step(idx []int, seed uint64) (BatchStats, error) { return BatchStats{}, nil }

// EndEpoch applies the per-epoch learning-rate decay.
func (l *Learner) EndEpoch() {}

// Evaluate classifies the whole split (on the chip in chip and transfer mode).
func (l *Learner) Evaluate(ds data.Dataset) (EvalStats, error) { return EvalStats{}, nil }

// SampleView runs training sample i once more with probes on and returns the
// app's view of it.
func (l *Learner) SampleView(i int) (SampleEvent, error) { return SampleEvent{}, nil }

// ChipView describes the chip's mismatch maps and calibration state.
func (l *Learner) ChipView() ChipEvent { return ChipEvent{} }

// WeightStats summarise the weights as written to the chip.
func (l *Learner) WeightStats() WeightStats { return WeightStats{} }

// Set changes one hyperparameter from its text form; the error says what is accepted.
func (l *Learner) Set(name, value string) error { return nil }

// SetMode switches between chip, software and transfer mode.
func (l *Learner) SetMode(m Mode) error { return nil }

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
