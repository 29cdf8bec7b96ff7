package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// hyperParam describes one hyperparameter editable by name while a run goes
// on: its accepted range and where it lives in Hyper.
type hyperParam struct {
	name     string
	help     string  // what is accepted, for the error message
	lo, hi   float64 // accepted closed range
	openLo   bool    // lo itself is refused
	openHi   bool    // hi itself is refused
	integer  bool
	get      func(*Hyper) float64
	set      func(*Hyper, float64)
	describe string
}

var hyperParams = []hyperParam{
	{name: "lr", lo: 0, hi: 1, openLo: true, describe: "Adam learning rate",
		get: func(h *Hyper) float64 { return h.LR }, set: func(h *Hyper, v float64) { h.LR = v }},
	{name: "lr_decay", lo: 0, hi: 1, openLo: true, describe: "learning-rate factor per epoch",
		get: func(h *Hyper) float64 { return h.LRDecay }, set: func(h *Hyper, v float64) { h.LRDecay = v }},
	{name: "batch", lo: 1, hi: 1000, integer: true, describe: "samples per optimiser step",
		get: func(h *Hyper) float64 { return float64(h.Batch) }, set: func(h *Hyper, v float64) { h.Batch = int(v) }},
	{name: "beta", lo: 0, hi: 1000, openLo: true, describe: "SuperSpike surrogate steepness",
		get: func(h *Hyper) float64 { return h.SurrogateBeta }, set: func(h *Hyper, v float64) { h.SurrogateBeta = v }},
	{name: "readout_scale", lo: 0, hi: 1000, openLo: true, describe: "factor on the output scores",
		get: func(h *Hyper) float64 { return h.ReadoutScale }, set: func(h *Hyper, v float64) { h.ReadoutScale = v }},
	{name: "spike_reg", lo: 0, hi: 1, describe: "spike-count regulariser ρ_b",
		get: func(h *Hyper) float64 { return h.SpikeReg }, set: func(h *Hyper, v float64) { h.SpikeReg = v }},
	{name: "amp_reg", lo: 0, hi: 1, describe: "readout amplitude penalty ρ_a",
		get: func(h *Hyper) float64 { return h.AmplitudeReg }, set: func(h *Hyper, v float64) { h.AmplitudeReg = v }},
	{name: "weight_l2", lo: 0, hi: 100, describe: "hidden weight L2 factor",
		get: func(h *Hyper) float64 { return h.WeightL2 }, set: func(h *Hyper, v float64) { h.WeightL2 = v }},
	{name: "dropout", lo: 0, hi: 1, openHi: true, describe: "hidden dropout rate",
		get: func(h *Hyper) float64 { return h.Dropout }, set: func(h *Hyper, v float64) { h.Dropout = v }},
}

// HyperNames lists the names Set and ValidateSet accept, in display order.
func HyperNames() []string {
	names := make([]string, len(hyperParams))
	for i, p := range hyperParams {
		names[i] = p.name
	}
	return names
}

func (p hyperParam) accepted() string {
	lb, rb := "[", "]"
	if p.openLo {
		lb = "("
	}
	if p.openHi {
		rb = ")"
	}
	kind := "a number"
	if p.integer {
		kind = "an integer"
	}
	return fmt.Sprintf("%s in %s%g, %g%s", kind, lb, p.lo, p.hi, rb)
}

func findHyper(name string) (hyperParam, error) {
	for _, p := range hyperParams {
		if p.name == name {
			return p, nil
		}
	}
	return hyperParam{}, fmt.Errorf("unknown hyperparameter %q (accepted: %s)", name, strings.Join(HyperNames(), ", "))
}

// parse checks a typed value against the parameter's range.
func (p hyperParam) parse(value string) (float64, error) {
	s := strings.TrimSpace(value)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s: %q is not a number (accepted: %s)", p.name, value, p.accepted())
	}
	bad := v < p.lo || v > p.hi || (p.openLo && v == p.lo) || (p.openHi && v == p.hi)
	if p.integer && v != math.Trunc(v) {
		bad = true
	}
	if bad {
		return 0, fmt.Errorf("%s: %s out of range (accepted: %s)", p.name, s, p.accepted())
	}
	return v, nil
}

// ValidateSet checks a typed hyperparameter value without applying it; the
// error says what is accepted.
func ValidateSet(name, value string) error {
	p, err := findHyper(name)
	if err != nil {
		return err
	}
	_, err = p.parse(value)
	return err
}

// applySet parses value and writes it into h.
func applySet(h *Hyper, name, value string) error {
	p, err := findHyper(name)
	if err != nil {
		return err
	}
	v, err := p.parse(value)
	if err != nil {
		return err
	}
	p.set(h, v)
	return nil
}

// validateHyper checks every field of h against its range.
func validateHyper(h Hyper) error {
	for _, p := range hyperParams {
		v := p.get(&h)
		if _, err := p.parse(strconv.FormatFloat(v, 'g', -1, 64)); err != nil {
			return err
		}
	}
	return nil
}

// HyperValue returns the value of the named hyperparameter as text.
func HyperValue(h Hyper, name string) (string, error) {
	p, err := findHyper(name)
	if err != nil {
		return "", err
	}
	return strconv.FormatFloat(p.get(&h), 'g', -1, 64), nil
}
