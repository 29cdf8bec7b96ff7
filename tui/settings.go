package tui

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"inloop/engine"
)

// setting is one editable row of the settings pane: a hyperparameter or a
// calibration action, and how a typed value becomes a command.
type setting struct {
	name  string             // hyperparameter name or action label
	label string             // shown in the pane
	kind  engine.CommandKind // command sent
	// noValue actions are sent as they are (no text to type).
	noValue bool
	hint    string // shown while editing: what is accepted
}

// settings are the rows of the settings pane, hyperparameters first.
var settings = []setting{
	{name: "lr", label: "learning rate", kind: engine.CmdSet},
	{name: "lr_decay", label: "lr decay/epoch", kind: engine.CmdSet},
	{name: "batch", label: "batch", kind: engine.CmdSet},
	{name: "beta", label: "surrogate β", kind: engine.CmdSet},
	{name: "readout_scale", label: "readout scale", kind: engine.CmdSet},
	{name: "spike_reg", label: "spike reg ρ_b", kind: engine.CmdSet},
	{name: "amp_reg", label: "amp reg ρ_a", kind: engine.CmdSet},
	{name: "weight_l2", label: "weight L2", kind: engine.CmdSet},
	{name: "dropout", label: "dropout", kind: engine.CmdSet},
	{name: "mode", label: "mode", kind: engine.CmdMode, hint: "chip, software or transfer"},
	{name: "recalibrate", label: "recalibrate", kind: engine.CmdRecalibrate, hint: "empty = default targets, or leak=80,threshold=150,…"},
	{name: "decalibrate", label: "decalibrate σ_d", kind: engine.CmdDecalibrate, hint: "σ_d, a number in (0, 1]"},
	{name: "chip_seed", label: "chip seed", kind: engine.CmdChipSeed, hint: "a new die: an integer ≥ 0"},
	{name: "uncalibrate", label: "uncalibrate", kind: engine.CmdUncalibrate, noValue: true},
}

// numSettings is len(settings), as a constant for arrays.
const numSettings = 14

// firstCalibration is the index of the first calibration row.
const firstCalibration = 10

// command validates a typed value and returns the command to send, or an
// error saying what is accepted. Nothing is sent on error.
func (st setting) command(value string) (engine.Command, error) {
	v := strings.TrimSpace(value)
	switch st.kind {
	case engine.CmdSet:
		if err := engine.ValidateSet(st.name, v); err != nil {
			return engine.Command{}, err
		}
		return engine.Command{Kind: engine.CmdSet, Name: st.name, Value: v}, nil
	case engine.CmdMode:
		switch engine.Mode(v) {
		case engine.ModeChip, engine.ModeSoftware, engine.ModeTransfer:
			return engine.Command{Kind: engine.CmdMode, Value: v}, nil
		}
		return engine.Command{}, fmt.Errorf("mode: %q is not a mode (accepted: chip, software, transfer)", v)
	case engine.CmdDecalibrate:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || f <= 0 || f > 1 {
			return engine.Command{}, fmt.Errorf("decalibrate: %q is not accepted (accepted: σ_d, a number in (0, 1])", v)
		}
		return engine.Command{Kind: engine.CmdDecalibrate, Value: v}, nil
	case engine.CmdChipSeed:
		if _, err := strconv.ParseUint(v, 10, 64); err != nil {
			return engine.Command{}, fmt.Errorf("chip seed: %q is not accepted (accepted: an integer ≥ 0)", v)
		}
		return engine.Command{Kind: engine.CmdChipSeed, Value: v}, nil
	case engine.CmdRecalibrate:
		if v != "" {
			for _, kv := range strings.Split(v, ",") {
				name, num, ok := strings.Cut(strings.TrimSpace(kv), "=")
				if _, err := strconv.ParseFloat(strings.TrimSpace(num), 64); !ok || name == "" || err != nil {
					return engine.Command{}, fmt.Errorf("recalibrate: %q is not name=number (accepted: empty for the defaults, or leak=80,threshold=150,…)", kv)
				}
			}
		}
		return engine.Command{Kind: engine.CmdRecalibrate, Value: v}, nil
	}
	return engine.Command{Kind: st.kind}, nil
}

// value is the setting's value in force, as text ("" if not known).
func (st setting) value(s *runState) string {
	switch st.kind {
	case engine.CmdSet:
		if !s.hasHyper {
			return ""
		}
		return hyperText(s.hyper.Hyper, st.name)
	case engine.CmdMode:
		if s.hasHyper {
			return string(s.hyper.Mode)
		}
		if s.hasProgress {
			return string(s.progress.Mode)
		}
	case engine.CmdChipSeed:
		if s.hasChip {
			return strconv.FormatUint(s.chip.ChipSeed, 10)
		}
		if s.hasProgress {
			return strconv.FormatUint(s.progress.ChipSeed, 10)
		}
	case engine.CmdRecalibrate, engine.CmdDecalibrate, engine.CmdUncalibrate:
		return ""
	}
	return ""
}

// matches reports whether a command result belongs to this row.
func (st setting) matches(c engine.Command) bool {
	if c.Kind != st.kind {
		return false
	}
	return st.kind != engine.CmdSet || c.Name == st.name
}

// editStatus is what became of the last value sent from a row.
type editStatus int

const (
	editSent editStatus = iota + 1
	editApplied
	editRefused
)

// pending is the last value sent from a row and its fate.
type pending struct {
	value  string
	status editStatus
	reason string // the trainer's reason for a refusal
	step   int
}

// hyperText is the value of a named hyperparameter as text.
func hyperText(h engine.Hyper, name string) string {
	var v float64
	switch name {
	case "lr":
		v = h.LR
	case "lr_decay":
		v = h.LRDecay
	case "batch":
		return strconv.Itoa(h.Batch)
	case "beta":
		v = h.SurrogateBeta
	case "readout_scale":
		v = h.ReadoutScale
	case "spike_reg":
		v = h.SpikeReg
	case "amp_reg":
		v = h.AmplitudeReg
	case "weight_l2":
		v = h.WeightL2
	case "dropout":
		v = h.Dropout
	default:
		return ""
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
