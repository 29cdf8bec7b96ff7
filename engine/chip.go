package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"inloop/hw"
)

// chipState is the learner's chip: the die, the network placed on it, and
// the recipe of its calibration state (enough to rebuild it exactly).
type chipState struct {
	chip   *hw.Chip
	placed *placed
	calib  calibRecipe
	failed int
	// Parameter maps kept for the app: at creation and after the last
	// calibration (nil until one).
	uncal [hw.NumParams][]float64
	cal   [hw.NumParams][]float64
	// uncalCodes are the CapMem codes at creation; failures the circuits
	// that missed a target in the calibration in force.
	uncalCodes [hw.NumParams][]uint16
	failures   []hw.CircuitFailure
}

// calibRecipe says how a chip's calibration state was reached.
type calibRecipe struct {
	ChipSeed  uint64
	NoiseSeed uint64
	State     string // "calibrated", "uncalibrated", "decalibrated"
	Targets   hw.Targets
	Sigma     float64
	Detune    hw.Detuning // per-parameter spreads; zero = Sigma for all three
	DecalSeed uint64
	Ideal     bool    // a die without mismatch and noise
	Membrane  float64 `json:",omitempty"` // membrane noise SD, LSB; 0 = off
}

// detuning is the per-parameter spread of a decalibrated recipe.
func (r calibRecipe) detuning() hw.Detuning {
	if r.Detune.Max() > 0 {
		return r.Detune
	}
	return hw.Detuning{TauMem: r.Sigma, TauSyn: r.Sigma, Threshold: r.Sigma}
}

func (r calibRecipe) label() string {
	if r.State == "decalibrated" {
		if d := r.detuning(); d.TauMem != d.TauSyn || d.TauMem != d.Threshold {
			return fmt.Sprintf("decalibrated σ τm=%.2f τs=%.2f ϑ=%.2f", d.TauMem, d.TauSyn, d.Threshold)
		}
		return decalibratedLabel(r.Sigma)
	}
	return r.State
}

// recipeOf is the calibration recipe a Config asks for.
func recipeOf(cfg Config) calibRecipe {
	t, _ := parseTargets(cfg.Targets) // validateConfig checked them
	r := calibRecipe{ChipSeed: cfg.ChipSeed, NoiseSeed: cfg.NoiseSeed, State: cfg.Calibration, Targets: t, Ideal: cfg.IdealChip,
		Membrane: cfg.Hyper.MembraneNoise}
	if cfg.Decalibrate > 0 || cfg.Detune.Max() > 0 {
		r.State, r.Sigma, r.Detune, r.DecalSeed = "decalibrated", cfg.Decalibrate, cfg.Detune, cfg.Seed
		if cfg.Detune.Max() > 0 {
			r.Sigma = cfg.Detune.Max()
		}
		if cfg.DecalibrateSeed != 0 {
			r.DecalSeed = cfg.DecalibrateSeed
		}
	}
	return r
}

// buildChip makes the die of r, brings it to r's calibration state and
// places the network of l.
func buildChip(r calibRecipe, l Layout) (*chipState, error) {
	c := hw.New(hw.Options{ChipSeed: r.ChipSeed, NoiseSeed: r.NoiseSeed, Ideal: r.Ideal, Membrane: membraneOf(r.Membrane)})
	cs := &chipState{chip: c, calib: r}
	for p := range hw.NumParams {
		cs.uncal[p] = c.Values(p)
		cs.uncalCodes[p] = c.Codes(p)
	}
	if err := cs.apply(r); err != nil {
		return nil, err
	}
	p, err := place(c, l)
	if err != nil {
		return nil, err
	}
	cs.placed = p
	return cs, nil
}

// membraneOf is the chip's membrane noise for an SD in LSB (0 = off).
func membraneOf(sd float64) hw.MembraneNoise {
	return hw.MembraneNoise{Off: sd == 0, SD: sd}
}

// The calibration part of *hw.Chip, asserted so the engine builds while hw
// grows these methods.
type (
	calibrator interface {
		Calibrate(hw.Targets) (hw.CalibrationResult, error)
	}
	decalibrator interface {
		DecalibrateEach(t hw.Targets, d hw.Detuning, seed uint64) (hw.CalibrationResult, error)
	}
	uncalibrator interface{ Uncalibrate() }
)

// apply brings the chip to the calibration state of r.
func (cs *chipState) apply(r calibRecipe) error {
	var res hw.CalibrationResult
	var err error
	unavailable := fmt.Errorf("chip: %s state is not available in this build of hw", r.State)
	switch r.State {
	case "uncalibrated":
		if cs.chip.State() != hw.Uncalibrated {
			c, ok := any(cs.chip).(uncalibrator)
			if !ok {
				return unavailable
			}
			c.Uncalibrate()
		}
		cs.calib, cs.failed, cs.failures = r, 0, nil
		return nil
	case "calibrated":
		c, ok := any(cs.chip).(calibrator)
		if !ok {
			return unavailable
		}
		res, err = c.Calibrate(r.Targets)
	case "decalibrated":
		c, ok := any(cs.chip).(decalibrator)
		if !ok {
			return unavailable
		}
		res, err = c.DecalibrateEach(r.Targets, r.detuning(), r.DecalSeed)
	default:
		return fmt.Errorf("unknown calibration state %q (accepted: calibrated, uncalibrated, decalibrated)", r.State)
	}
	if err != nil {
		return err
	}
	cs.calib = r
	cs.failed = len(res.FailedCircuits())
	cs.failures = res.Failed
	for p := range hw.NumParams {
		cs.cal[p] = cs.chip.Values(p)
	}
	return nil
}

// ensureChip creates the chip and places the network once.
func (l *Learner) ensureChip() error {
	if l.chip != nil {
		return nil
	}
	cs, err := buildChip(recipeOf(l.cfg), l.layout)
	if err != nil {
		return err
	}
	l.chip = cs
	return nil
}

// ChipView describes the chip's mismatch maps and calibration state.
func (l *Learner) ChipView() ChipEvent {
	if l.chip == nil {
		return ChipEvent{ChipSeed: l.cfg.ChipSeed, Calibration: "none (software mode)"}
	}
	cs := l.chip
	ev := ChipEvent{ChipSeed: cs.calib.ChipSeed, Calibration: cs.calib.label(), Failed: cs.failed}
	for p := range hw.NumParams {
		pm := ParamMap{Name: p.String(), Unit: p.Unit(), Uncalibrated: append([]float64(nil), cs.uncal[p]...), Current: cs.chip.Values(p),
			UncalibratedCodes: slices.Clone(cs.uncalCodes[p]), Codes: cs.chip.Codes(p)}
		if cs.cal[p] != nil {
			pm.Calibrated = append([]float64(nil), cs.cal[p]...)
		}
		ev.Params = append(ev.Params, pm)
	}
	for _, f := range cs.failures {
		ev.Failures = append(ev.Failures, CircuitFailure{Circuit: f.Circuit, Param: f.Param.String(), Target: f.Target, Reached: f.Reached})
	}
	ev.Roles = make([]CircuitRole, hw.Circuits)
	for k := range ev.Roles {
		ev.Roles[k] = RoleOf(cs.chip.CircuitUse(k), l.layout.Hidden)
	}
	return ev
}

// RoleOf names a circuit's use in the network's terms, for a network whose
// first hidden logical neurons are its hidden layer and the rest its
// outputs: layer and index of its neuron, and its synapse rows as ranges.
func RoleOf(u hw.CircuitUse, hidden int) CircuitRole {
	if u.Neuron < 0 {
		return CircuitRole{Neuron: -1}
	}
	r := CircuitRole{Layer: "hidden", Index: u.Neuron, Neuron: u.Neuron, Second: u.Second, Inputs: u.Inputs, Hidden: u.Neurons}
	if u.Neuron >= hidden {
		r.Layer, r.Index = "output", u.Neuron-hidden
	}
	var b strings.Builder
	for i := 0; i < len(u.Rows); {
		j := i
		for j+1 < len(u.Rows) && u.Rows[j+1] == u.Rows[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		if j > i {
			fmt.Fprintf(&b, "%d–%d", u.Rows[i], u.Rows[j])
		} else {
			fmt.Fprintf(&b, "%d", u.Rows[i])
		}
		i = j + 1
	}
	r.Rows = b.String()
	return r
}

// Recalibrate calibrates the chip to targets given as "name=value,..." text
// ("" = the defaults); Uncalibrate restores default codes; Decalibrate draws
// per-neuron targets with normalised SD sigma; SwapChip replaces the die.
func (l *Learner) Recalibrate(targets string) error {
	t, err := parseTargets(targets)
	if err != nil {
		return err
	}
	if err := l.ensureChip(); err != nil {
		return err
	}
	r := l.chip.calib
	r.State, r.Targets, r.Sigma, r.Detune = "calibrated", t, 0, hw.Detuning{}
	if err := l.chip.apply(r); err != nil {
		return err
	}
	l.cfg.Calibration, l.cfg.Decalibrate, l.cfg.Detune, l.cfg.Targets = "calibrated", 0, hw.Detuning{}, targets
	return nil
}

func (l *Learner) Uncalibrate() error {
	if err := l.ensureChip(); err != nil {
		return err
	}
	r := l.chip.calib
	r.State, r.Sigma, r.Detune = "uncalibrated", 0, hw.Detuning{}
	if err := l.chip.apply(r); err != nil {
		return err
	}
	l.cfg.Calibration, l.cfg.Decalibrate, l.cfg.Detune = "uncalibrated", 0, hw.Detuning{}
	return nil
}

func (l *Learner) Decalibrate(sigma float64) error {
	if _, err := parseSigma(strconv.FormatFloat(sigma, 'g', -1, 64)); err != nil {
		return err
	}
	if err := l.ensureChip(); err != nil {
		return err
	}
	r := l.chip.calib
	if sigma == 0 {
		r.State, r.Sigma, r.Detune = "calibrated", 0, hw.Detuning{}
	} else {
		r.State, r.Sigma, r.Detune, r.DecalSeed = "decalibrated", sigma, hw.Detuning{}, r.DecalSeed+1
	}
	if err := l.chip.apply(r); err != nil {
		return err
	}
	l.cfg.Calibration, l.cfg.Decalibrate, l.cfg.Detune = "calibrated", sigma, hw.Detuning{}
	return nil
}

func (l *Learner) SwapChip(seed uint64) error {
	r := recipeOf(l.cfg)
	if l.chip != nil {
		r = l.chip.calib
	}
	r.ChipSeed = seed
	cs, err := buildChip(r, l.layout)
	if err != nil {
		return err
	}
	l.chip = cs
	l.cfg.ChipSeed = seed
	return nil
}
