package engine

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
)

// learnerCheckpointVersion changes whenever the checkpoint layout does.
const learnerCheckpointVersion = 1

// checkpoint is everything a resumed run needs to continue exactly: the
// weights, Adam's moments, the decayed learning rate and the chip's recipe
// and noise position.
type checkpoint struct {
	Version int
	Config  Config
	Layout  Layout
	Weights []float32
	AdamM   []float32
	AdamV   []float32
	AdamT   int
	LR      float64
	Epochs  int
	HasChip bool
	Chip    calibRecipe
	ChipSeq uint64
}

// Checkpoint serialises weights, optimiser state, seeds, chip state and
// calibration; Restore loads it into a Learner built from the same Config.
func (l *Learner) Checkpoint() ([]byte, error) {
	c := checkpoint{
		Version: learnerCheckpointVersion, Config: l.cfg, Layout: l.layout,
		Weights: l.net.w.All, AdamM: l.net.opt.M, AdamV: l.net.opt.V, AdamT: l.net.opt.T,
		LR: l.lr, Epochs: l.epochs,
	}
	if l.chip != nil {
		c.HasChip, c.Chip, c.ChipSeq = true, l.chip.calib, l.chip.chip.Sequence()
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&c); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return buf.Bytes(), nil
}

// Restore loads a checkpoint written by Checkpoint into l, which must have
// been built for the same dataset and network.
func (l *Learner) Restore(b []byte) error {
	var c checkpoint
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&c); err != nil {
		return fmt.Errorf("restore: corrupt checkpoint: %w", err)
	}
	if c.Version != learnerCheckpointVersion {
		return fmt.Errorf("restore: checkpoint version %d, this build reads %d", c.Version, learnerCheckpointVersion)
	}
	if c.Layout != l.layout {
		return fmt.Errorf("restore: checkpoint network %s (%d steps) differs from this run's %s (%d steps)", c.Layout, c.Layout.Steps, l.layout, l.layout.Steps)
	}
	n := len(l.net.w.All)
	if len(c.Weights) != n || len(c.AdamM) != n || len(c.AdamV) != n {
		return fmt.Errorf("restore: checkpoint holds %d weights, the network has %d", len(c.Weights), n)
	}
	if err := l.checkRestorable(&c); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if c.HasChip {
		cs, err := buildChip(c.Chip, l.layout)
		if err != nil {
			return fmt.Errorf("restore: rebuilding chip: %w", err)
		}
		cs.chip.SetSequence(c.ChipSeq)
		l.chip = cs
	}
	copy(l.net.w.All, c.Weights)
	copy(l.net.opt.M, c.AdamM)
	copy(l.net.opt.V, c.AdamV)
	l.net.opt.T = c.AdamT
	l.lr, l.epochs = c.LR, c.Epochs
	l.cfg = c.Config
	return nil
}

// checkRestorable refuses learner state that this learner cannot continue
// from, field by field: a configuration of another run or out of range,
// non-finite numbers, a chip mode without a chip.
func (l *Learner) checkRestorable(c *checkpoint) error {
	if err := validateConfig(c.Config); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	if what := runIdentityDiff(c.Config, l.cfg); what != "" {
		return fmt.Errorf("the learner's %s differs from the run's", what)
	}
	if c.Config.Mode != ModeSoftware && !c.HasChip {
		return fmt.Errorf("mode %s without chip state", c.Config.Mode)
	}
	if !(c.LR > 0) || math.IsInf(c.LR, 0) || c.AdamT < 0 || c.Epochs < 0 {
		return fmt.Errorf("learning rate %v, Adam step %d, epochs %d out of range", c.LR, c.AdamT, c.Epochs)
	}
	for _, s := range [][]float32{c.Weights, c.AdamM, c.AdamV} {
		for _, v := range s {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return errors.New("weights or optimiser state not finite")
			}
		}
	}
	return nil
}
