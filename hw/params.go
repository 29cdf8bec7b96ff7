package hw

import "fmt"

// Nominal CapMem transfer curves: what a circuit without mismatch makes of a
// 10-bit code. The die (mismatch.go) perturbs them per circuit.
const (
	// potentialCode0 and potentialPerCode map a voltage code to CADC LSB:
	// V = (code − 22)·5/12, so codes 70…550 read 20…220 as on the real chip.
	potentialCode0   = 22.0
	potentialPerCode = 5.0 / 12.0

	// tauScale and tauCodeOffset map a bias-current code to a time constant:
	// τ = tauScale/(code + tauCodeOffset) µs; code 290 gives 6 µs.
	tauScale      = 1800.0
	tauCodeOffset = 10.0

	// synGainCode is the code of unit synaptic-input gain; the gain is linear
	// in the code (an OTA bias current).
	synGainCode = 500.0

	// refClock is the refractory counter's clock period, µs; the counter is
	// 8 bits wide, so refractory codes run 0…255.
	refClock      = 0.016
	refCodeMax    = 255
	refTicksLimit = 1 << 20
)

// SynapticCurrentPerWeight is the jump of the synaptic current, in CADC LSB
// per µs, that one unit of hardware weight causes on a nominal circuit (gain
// 1, nominal synapse). It is chosen so the chip matches the training model:
// a unit model weight (hardware weight 240) with τ_mem = τ_syn = 6 µs peaks at
// ≈1.71 threshold distances in the 1.7 µs discrete model (docs/model.md §3.3),
// i.e. q·Δt·e^(−Δt/τ) = 70 LSB/240 per hardware unit, q ≈ 0.228 LSB/µs; the
// continuous PSP of one hardware unit then peaks at q·τ/e ≈ 0.50 LSB.
const SynapticCurrentPerWeight = 70.0 / 240.0 / (1.7 * 0.7533)

// String names the parameter as the CLI and the app show it.
func (p Param) String() string {
	switch p {
	case ParamLeak:
		return "leak"
	case ParamReset:
		return "reset"
	case ParamThreshold:
		return "threshold"
	case ParamTauMem:
		return "tau_mem"
	case ParamTauSyn:
		return "tau_syn"
	case ParamRefractory:
		return "refractory"
	case ParamSynGain:
		return "syn_gain"
	case ParamCADCOffset:
		return "cadc_offset"
	}
	return fmt.Sprintf("Param(%d)", int(p))
}

// Unit is the physical unit of the parameter's values.
func (p Param) Unit() string {
	switch p {
	case ParamLeak, ParamReset, ParamThreshold, ParamCADCOffset:
		return "LSB"
	case ParamTauMem, ParamTauSyn, ParamRefractory:
		return "µs"
	case ParamSynGain:
		return "rel"
	}
	return ""
}

// ParseParam returns the Param named s (as Param.String spells it).
func ParseParam(s string) (Param, error) {
	for p := Param(0); p < NumParams; p++ {
		if p.String() == s {
			return p, nil
		}
	}
	return 0, fmt.Errorf("hw: unknown parameter %q (accepted: leak, reset, threshold, tau_mem, tau_syn, refractory, syn_gain, cadc_offset)", s)
}

// String names the calibration state.
func (s CalibState) String() string {
	switch s {
	case Uncalibrated:
		return "uncalibrated"
	case Calibrated:
		return "calibrated"
	case Decalibrated:
		return "decalibrated"
	}
	return fmt.Sprintf("CalibState(%d)", int(s))
}

// DefaultTargets are the calibration targets of the paper's MNIST runs
// (docs/model.md §2.2): leak and reset 80, threshold 150 CADC LSB, τ_mem = τ_syn
// = 6 µs, refractory 2 µs, unit synaptic gain.
func DefaultTargets() Targets {
	return Targets{Leak: 80, Reset: 80, Threshold: 150, TauMem: 6, TauSyn: 6, Refractory: 2, SynGain: 1}
}

// capMem indexes the per-circuit CapMem cells (and the refractory counter).
type capMem int

const (
	cmLeak capMem = iota
	cmReset
	cmThreshold
	cmTauMem     // leak bias current
	cmTauSyn     // synaptic-input bias current
	cmSynGain    // synaptic-input OTA bias (i_synin_gm)
	cmRefractory // 8-bit refractory counter
	numCapMem
)

// defaultCodes are the codes of an uncalibrated chip: those that would hit the
// default targets on a circuit without mismatch.
var defaultCodes = [numCapMem]uint16{
	cmLeak:       214,
	cmReset:      214,
	cmThreshold:  382,
	cmTauMem:     290,
	cmTauSyn:     290,
	cmSynGain:    500,
	cmRefractory: 125,
}

// codeMax is the largest code of each cell.
func codeMax(m capMem) int {
	if m == cmRefractory {
		return refCodeMax
	}
	return CapMemMax
}
