package hw

// CalibrationResult summarises one calibration.
type CalibrationResult struct {
	State   CalibState `json:"state"`
	Targets Targets    `json:"targets"`
	// Sigma and Seed are the decalibration spread and seed (0 if calibrated).
	Sigma float64 `json:"sigma"`
	Seed  uint64  `json:"seed"`
	// Failed lists every circuit whose parameter could not reach its target
	// within the code range and tolerance; such circuits keep the best code.
	Failed []CircuitFailure `json:"failed"`
	// CADC offset SD over the 512 channels before and after correction, LSB.
	CADCOffsetSDBefore float64 `json:"cadc_offset_sd_before"`
	CADCOffsetSDAfter  float64 `json:"cadc_offset_sd_after"`
}

// CircuitFailure is a circuit that missed a calibration target.
type CircuitFailure struct {
	Circuit int     `json:"circuit"`
	Param   Param   `json:"param"`
	Target  float64 `json:"target"`
	Reached float64 `json:"reached"` // measured value at the best code
}

// FailedCircuits returns the distinct circuits that failed any parameter.
func (r CalibrationResult) FailedCircuits() []int {
	seen := map[int]bool{}
	var out []int
	for _, f := range r.Failed {
		if !seen[f.Circuit] {
			seen[f.Circuit] = true
			out = append(out, f.Circuit)
		}
	}
	return out
}

// MarshalText renders the parameter by name (JSON).
func (p Param) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses a parameter name.
func (p *Param) UnmarshalText(b []byte) error {
	q, err := ParseParam(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// MarshalText renders the state by name (JSON).
func (s CalibState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
