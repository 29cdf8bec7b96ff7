package hw

import "errors"

// Calibrate searches CapMem codes so every circuit hits t (in progress).
func (c *Chip) Calibrate(t Targets) (CalibrationResult, error) {
	return CalibrationResult{}, errors.New("hw: calibration is not built yet")
}

// Decalibrate calibrates to per-neuron targets drawn with normalised SD sigma.
func (c *Chip) Decalibrate(t Targets, sigma float64, seed uint64) (CalibrationResult, error) {
	return CalibrationResult{}, errors.New("hw: calibration is not built yet")
}

// Uncalibrate restores the default codes and drops the CADC correction.
func (c *Chip) Uncalibrate() { c.setDefaultCodes() }
