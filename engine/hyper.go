package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"inloop/hw"
)

// Setting is one thing a user may change while a run goes on: a
// hyperparameter, the run's length, the mode or the chip's calibration. The
// table below is the one description of them: the app's settings pane and
// inline check, the run flags of train, the app and serve, and the trainer
// applying a command all read it, so they cannot disagree.
type Setting struct {
	Name    string      // as typed in a command: "lr", "mode", "recalibrate"
	Label   string      // as the app shows it: "learning rate"
	Unit    string      // of the value; "" = a plain number or a word
	Kind    CommandKind // the command that carries a change
	Flag    string      // the flag of train, the app and serve; "" = none
	Usage   string      // what it is, for the flag's usage line
	NoValue bool        // an action sent without a value
	num     *numRule    // numbers: the accepted range
	hyper   *hyperField // hyperparameters: where the value lives in Hyper
	parse   func(string) (string, error)
}

// numRule is the accepted range of a numeric setting.
type numRule struct {
	lo, hi         float64
	openLo, openHi bool // the bound itself is refused
	integer        bool
}

// hyperField reads and writes one field of Hyper.
type hyperField struct {
	get func(*Hyper) float64
	set func(*Hyper, float64)
}

func field(get func(*Hyper) float64, set func(*Hyper, float64)) *hyperField {
	return &hyperField{get, set}
}

// sigmaRule is σ_d's range everywhere: 0 is a plain calibration, 1 the
// widest scatter.
var sigmaRule = numRule{lo: 0, hi: 1}

// epochsRule bounds a run's length.
var epochsRule = numRule{lo: 1, hi: 100000, integer: true}

var settings = []Setting{
	{Name: "lr", Label: "learning rate", Kind: CmdSet, Flag: "lr", Usage: "Adam learning rate",
		num: &numRule{lo: 0, hi: 1, openLo: true}, hyper: field(func(h *Hyper) float64 { return h.LR }, func(h *Hyper, v float64) { h.LR = v })},
	{Name: "lr_decay", Label: "lr decay/epoch", Kind: CmdSet, Flag: "lr-decay", Usage: "learning-rate factor per epoch",
		num: &numRule{lo: 0, hi: 1, openLo: true}, hyper: field(func(h *Hyper) float64 { return h.LRDecay }, func(h *Hyper, v float64) { h.LRDecay = v })},
	{Name: "batch", Label: "batch", Unit: "samples", Kind: CmdSet, Flag: "batch", Usage: "samples per optimiser step",
		num: &numRule{lo: 1, hi: 1000, integer: true}, hyper: field(func(h *Hyper) float64 { return float64(h.Batch) }, func(h *Hyper, v float64) { h.Batch = int(v) })},
	{Name: "beta", Label: "surrogate β", Kind: CmdSet, Flag: "beta", Usage: "SuperSpike surrogate steepness β",
		num: &numRule{lo: 0, hi: 1000, openLo: true}, hyper: field(func(h *Hyper) float64 { return h.SurrogateBeta }, func(h *Hyper, v float64) { h.SurrogateBeta = v })},
	{Name: "readout_scale", Label: "readout scale", Kind: CmdSet, Flag: "readout-scale", Usage: "factor on the output scores",
		num: &numRule{lo: 0, hi: 1000, openLo: true}, hyper: field(func(h *Hyper) float64 { return h.ReadoutScale }, func(h *Hyper, v float64) { h.ReadoutScale = v })},
	{Name: "spike_reg", Label: "spike reg ρ_b", Kind: CmdSet, Flag: "spike-reg", Usage: "spike-count regulariser ρ_b",
		num: &numRule{lo: 0, hi: 1}, hyper: field(func(h *Hyper) float64 { return h.SpikeReg }, func(h *Hyper, v float64) { h.SpikeReg = v })},
	{Name: "amp_reg", Label: "amp reg ρ_a", Kind: CmdSet, Flag: "amp-reg", Usage: "readout amplitude penalty ρ_a",
		num: &numRule{lo: 0, hi: 1}, hyper: field(func(h *Hyper) float64 { return h.AmplitudeReg }, func(h *Hyper, v float64) { h.AmplitudeReg = v })},
	{Name: "weight_l2", Label: "weight L2", Kind: CmdSet, Flag: "weight-l2", Usage: "hidden weight L2 factor",
		num: &numRule{lo: 0, hi: 100}, hyper: field(func(h *Hyper) float64 { return h.WeightL2 }, func(h *Hyper, v float64) { h.WeightL2 = v })},
	{Name: "dropout", Label: "dropout", Kind: CmdSet, Flag: "dropout", Usage: "hidden dropout rate",
		num: &numRule{lo: 0, hi: 1, openHi: true}, hyper: field(func(h *Hyper) float64 { return h.Dropout }, func(h *Hyper, v float64) { h.Dropout = v })},
	{Name: "membrane_noise", Label: "membrane noise", Unit: "LSB", Kind: CmdSet, Flag: "membrane-noise",
		Usage: "SD of the chip's membrane noise within a sample (0 = off; hw/noise.go)",
		num:   &numRule{lo: 0, hi: 100}, hyper: field(func(h *Hyper) float64 { return h.MembraneNoise }, func(h *Hyper, v float64) { h.MembraneNoise = v })},
	{Name: "epochs", Label: "epochs", Kind: CmdSet, Flag: "epochs", Usage: "epochs to train (with --resume: extend the run)",
		num: &epochsRule},
	{Name: "mode", Label: "mode", Kind: CmdMode, Flag: "mode",
		Usage: "training mode: chip (in the loop) | software (ideal model) | transfer (software, evaluated on the chip)",
		parse: func(s string) (string, error) { m, err := parseMode(s); return string(m), err }},
	{Name: "recalibrate", Label: "recalibrate", Kind: CmdRecalibrate, Flag: "targets",
		Usage: "calibrate to these targets, name=value,... (default: the paper's)",
		parse: func(s string) (string, error) { _, err := parseTargets(s); return s, err }},
	{Name: "decalibrate", Label: "decalibrate σ_d", Kind: CmdDecalibrate, Flag: "decalibrate",
		Usage: "calibrate to per-neuron targets scattered with normalised SD σ_d (0 = plain calibration)",
		num:   &sigmaRule},
	{Name: "chip_seed", Label: "chip seed", Kind: CmdChipSeed, Flag: "chip-seed", Usage: "the die: seed of the chip's fixed-pattern mismatch",
		parse: func(s string) (string, error) { _, err := parseChipSeed(s); return s, err }},
	{Name: "uncalibrate", Label: "uncalibrate", Kind: CmdUncalibrate, NoValue: true},
}

// Settings returns the table of settings in display order: hyperparameters,
// then the run's length and mode, then the chip's calibration.
func Settings() []Setting { return append([]Setting(nil), settings...) }

// FindSetting returns the setting a command of kind with name addresses
// (name only matters for set commands).
func FindSetting(kind CommandKind, name string) (Setting, error) {
	for _, s := range settings {
		if s.Kind == kind && (kind != CmdSet || s.Name == strings.TrimSpace(name)) {
			return s, nil
		}
	}
	if kind == CmdSet {
		var names []string
		for _, s := range settings {
			if s.Kind == CmdSet {
				names = append(names, s.Name)
			}
		}
		return Setting{}, fmt.Errorf("unknown setting %q (accepted: %s)", name, strings.Join(names, ", "))
	}
	return Setting{}, fmt.Errorf("%q is not a setting", kind)
}

// Accepts says what the setting accepts, as hints and errors show it.
func (s Setting) Accepts() string {
	switch {
	case s.num != nil:
		return s.num.accepts(s.Unit)
	case s.NoValue:
		return "no value"
	}
	switch s.Kind {
	case CmdMode:
		return "chip, software or transfer"
	case CmdRecalibrate:
		return "empty for the default targets, or name=value,… of " + targetNames()
	case CmdChipSeed:
		return "a whole number ≥ 0"
	}
	return ""
}

// SettingError is a value a setting does not accept.
type SettingError struct {
	Name, Value string
	Reason      string // "is not an integer", "is out of range"
	Accepts     string
}

func (e *SettingError) Error() string { return e.Name + ": " + e.Detail() }

// Detail is the error without the setting's name, for where a flag's name
// already says it.
func (e *SettingError) Detail() string {
	return fmt.Sprintf("%s %s (accepted: %s)", e.Value, e.Reason, e.Accepts)
}

// Check validates typed text and returns it in the form a command carries.
func (s Setting) Check(value string) (string, error) {
	v := strings.TrimSpace(value)
	if s.NoValue {
		return "", nil
	}
	if s.num != nil {
		if _, reason := s.num.parse(v); reason != "" {
			return "", &SettingError{Name: s.Name, Value: quoteEmpty(v), Reason: reason, Accepts: s.Accepts()}
		}
		return v, nil
	}
	out, err := s.parse(v)
	if err != nil {
		return "", &SettingError{Name: s.Name, Value: quoteEmpty(v), Reason: err.Error(), Accepts: s.Accepts()}
	}
	return out, nil
}

// Command validates typed text and returns the command that carries it;
// nothing is to be sent on error.
func (s Setting) Command(value string) (Command, error) {
	v, err := s.Check(value)
	if err != nil {
		return Command{}, err
	}
	c := Command{Kind: s.Kind, Value: v}
	if s.Kind == CmdSet {
		c.Name = s.Name
	}
	return c, nil
}

// Value is the setting's value in cfg as text ("" for actions).
func (s Setting) Value(cfg Config) string {
	switch {
	case s.hyper != nil:
		return formatNumber(s.hyper.get(&cfg.Hyper))
	case s.Name == "epochs":
		return strconv.Itoa(cfg.Epochs)
	case s.Kind == CmdMode:
		return string(cfg.Mode)
	case s.Kind == CmdChipSeed:
		return strconv.FormatUint(cfg.ChipSeed, 10)
	case s.Kind == CmdDecalibrate:
		return formatNumber(cfg.Decalibrate)
	case s.Kind == CmdRecalibrate:
		return cfg.Targets
	}
	return ""
}

// Apply sets the value of c in cfg, as a run's flags do before it starts.
// The trainer applies commands to a running run itself (trainer_commands.go).
func (cfg *Config) Apply(c Command) error {
	s, err := FindSetting(c.Kind, c.Name)
	if err != nil {
		return err
	}
	v, err := s.Check(c.Value)
	if err != nil {
		return err
	}
	switch {
	case s.hyper != nil:
		x, _ := s.num.parse(v)
		s.hyper.set(&cfg.Hyper, x)
	case s.Name == "epochs":
		x, _ := s.num.parse(v)
		cfg.Epochs = int(x)
	case s.Kind == CmdMode:
		cfg.Mode = Mode(v)
	case s.Kind == CmdChipSeed:
		cfg.ChipSeed, _ = parseChipSeed(v)
	case s.Kind == CmdDecalibrate:
		cfg.Decalibrate, _ = s.num.parse(v)
	case s.Kind == CmdRecalibrate:
		cfg.Targets = v
	case s.Kind == CmdUncalibrate:
		cfg.Calibration, cfg.Decalibrate = "uncalibrated", 0
	}
	return nil
}

// Set writes the named hyperparameter, typed as text, into h.
func (h *Hyper) Set(name, value string) error {
	s, err := FindSetting(CmdSet, name)
	if err != nil {
		return err
	}
	if s.hyper == nil {
		return fmt.Errorf("%s is not a hyperparameter", s.Name)
	}
	v, err := s.Check(value)
	if err != nil {
		return err
	}
	x, _ := s.num.parse(v)
	s.hyper.set(h, x)
	return nil
}

// validateHyper checks every field of h against its range.
func validateHyper(h Hyper) error {
	for _, s := range settings {
		if s.hyper == nil {
			continue
		}
		if _, err := s.Check(strconv.FormatFloat(s.hyper.get(&h), 'g', -1, 64)); err != nil {
			return err
		}
	}
	return nil
}

func (r numRule) accepts(unit string) string {
	lb, rb := "[", "]"
	if r.openLo {
		lb = "("
	}
	if r.openHi {
		rb = ")"
	}
	kind := "a number"
	if r.integer {
		kind = "an integer"
	}
	s := fmt.Sprintf("%s in %s%g, %g%s", kind, lb, r.lo, r.hi, rb)
	if unit != "" {
		s += " " + unit
	}
	return s
}

// parse reads typed text; reason says why it is refused ("" = accepted).
func (r numRule) parse(s string) (v float64, reason string) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, "is not a number"
	}
	if r.integer && v != math.Trunc(v) {
		return 0, "is not an integer"
	}
	if v < r.lo || v > r.hi || (r.openLo && v == r.lo) || (r.openHi && v == r.hi) {
		return 0, "is out of range"
	}
	return v, ""
}

// formatNumber prints a value as the settings show it: short, exact for the
// values people type.
func formatNumber(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// parseMode reads a training mode.
func parseMode(s string) (Mode, error) {
	switch m := Mode(strings.TrimSpace(s)); m {
	case ModeChip, ModeSoftware, ModeTransfer:
		return m, nil
	}
	return "", fmt.Errorf("is not a mode")
}

// parseChipSeed reads a die's seed.
func parseChipSeed(s string) (uint64, error) {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("is not a whole number from 0 to %d", uint64(math.MaxUint64))
	}
	return v, nil
}

// parseSigma reads a decalibration σ_d by the setting's rule.
func parseSigma(s string) (float64, error) {
	ds, _ := FindSetting(CmdDecalibrate, "")
	v, err := ds.Check(s)
	if err != nil {
		return 0, err
	}
	x, _ := sigmaRule.parse(v)
	return x, nil
}

// calibrationTargets are the parameters a calibration can be asked to hit;
// names and units are hw.Param's.
var calibrationTargets = []hw.Param{hw.ParamLeak, hw.ParamReset, hw.ParamThreshold, hw.ParamTauMem, hw.ParamTauSyn, hw.ParamRefractory, hw.ParamSynGain}

func targetNames() string {
	var b strings.Builder
	for i, p := range calibrationTargets {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.String())
		if u := p.Unit(); u != "" && (i+1 == len(calibrationTargets) || calibrationTargets[i+1].Unit() != u) {
			b.WriteString(" (" + u + ")")
		}
	}
	return b.String()
}

// targetField is where a calibration target lives in hw.Targets.
func targetField(t *hw.Targets, p hw.Param) *float64 {
	switch p {
	case hw.ParamLeak:
		return &t.Leak
	case hw.ParamReset:
		return &t.Reset
	case hw.ParamThreshold:
		return &t.Threshold
	case hw.ParamTauMem:
		return &t.TauMem
	case hw.ParamTauSyn:
		return &t.TauSyn
	case hw.ParamRefractory:
		return &t.Refractory
	case hw.ParamSynGain:
		return &t.SynGain
	}
	return nil
}

// parseTargets reads "leak=80,threshold=150,..." over the default targets;
// the ranges are the chip's (hw.Targets.Check).
func parseTargets(s string) (hw.Targets, error) {
	t := hw.DefaultTargets()
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		k, v, ok := strings.Cut(f, "=")
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return t, fmt.Errorf("has %q, not name=number", f)
		}
		p, err := hw.ParseParam(strings.TrimSpace(k))
		dst := targetField(&t, p)
		if err != nil || dst == nil {
			return t, fmt.Errorf("has %q, not a calibration target", strings.TrimSpace(k))
		}
		*dst = x
	}
	if err := t.Check(); err != nil {
		return t, fmt.Errorf("asks for %s", strings.TrimPrefix(err.Error(), "hw: calibration target "))
	}
	return t, nil
}
