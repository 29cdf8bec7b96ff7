package tui

import (
	"strings"

	"inloop/engine"
)

// setting is one editable row of the settings pane: a row of the engine's
// settings table (engine/hyper.go), which says what is accepted and how a
// typed value becomes a command.
type setting struct{ engine.Setting }

// settings are the rows of the settings pane, in the table's order.
var settings = func() []setting {
	var rows []setting
	for _, s := range engine.Settings() {
		rows = append(rows, setting{s})
	}
	return rows
}()

// firstCalibration is the index of the first calibration row: a section
// line goes above it.
var firstCalibration = func() int {
	for i, s := range settings {
		if s.Kind == engine.CmdRecalibrate {
			return i
		}
	}
	return len(settings)
}()

// command validates a typed value and returns the command to send, or an
// error saying what is accepted. Nothing is sent on error.
func (st setting) command(value string) (engine.Command, error) { return st.Command(value) }

// hint says what is accepted, shown while a value is typed.
func (st setting) hint() string {
	if st.Unit != "" && !strings.Contains(st.Accepts(), st.Unit) {
		return st.Accepts() + " " + st.Unit
	}
	return st.Accepts()
}

// value is the setting's value in force, as text ("" if not known).
func (st setting) value(s *runState) string {
	var cfg engine.Config
	known := false
	switch st.Kind {
	case engine.CmdSet:
		if st.Name == "epochs" {
			cfg.Epochs, known = s.progress.Epochs, s.hasProgress
		} else {
			cfg.Hyper, known = s.hyper.Hyper, s.hasHyper
		}
	case engine.CmdMode:
		switch {
		case s.hasHyper:
			cfg.Mode, known = s.hyper.Mode, true
		case s.hasProgress:
			cfg.Mode, known = s.progress.Mode, true
		}
	case engine.CmdChipSeed:
		switch {
		case s.hasChip:
			cfg.ChipSeed, known = s.chip.ChipSeed, true
		case s.hasProgress:
			cfg.ChipSeed, known = s.progress.ChipSeed, true
		}
	}
	if !known {
		return ""
	}
	return st.Value(cfg)
}

// matches reports whether a command result belongs to this row.
func (st setting) matches(c engine.Command) bool {
	if c.Kind != st.Kind {
		return false
	}
	return st.Kind != engine.CmdSet || c.Name == st.Name
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
