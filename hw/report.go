package hw

import "math"

// Stats summarises one parameter over the 512 circuits.
type Stats struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
}

// ParamReport compares one parameter uncalibrated and now.
type ParamReport struct {
	Param        Param  `json:"param"`
	Unit         string `json:"unit"`
	Uncalibrated Stats  `json:"uncalibrated"` // default codes
	Current      Stats  `json:"current"`      // the chip's codes now (see Report.State)
	// Shrink is Current.SD / Uncalibrated.SD (the factor calix tests).
	Shrink float64 `json:"shrink"`
	// Failed counts circuits that missed this parameter's target in the
	// calibration in force.
	Failed int `json:"failed"`
}

// Report is the chip report of `inloop chip`.
type Report struct {
	ChipSeed  uint64        `json:"chip_seed"`
	NoiseSeed uint64        `json:"noise_seed"`
	Ideal     bool          `json:"ideal"`
	State     CalibState    `json:"state"`
	Targets   *Targets      `json:"targets,omitempty"`
	Sigma     float64       `json:"sigma,omitempty"`
	Params    []ParamReport `json:"params"`
	// FailedCircuits lists the circuits that missed any target.
	FailedCircuits []int `json:"failed_circuits"`
	// CADC offset SD over the channels, LSB, before and after the digital
	// correction (equal when uncalibrated).
	CADCOffsetSDBefore float64 `json:"cadc_offset_sd_before"`
	CADCOffsetSDAfter  float64 `json:"cadc_offset_sd_after"`
}

func statsOf(x []float64) Stats {
	m, sd := meanSD(x)
	s := Stats{Mean: m, SD: sd, Min: math.Inf(1), Max: math.Inf(-1)}
	for _, v := range x {
		s.Min = math.Min(s.Min, v)
		s.Max = math.Max(s.Max, v)
	}
	return s
}

// uncalibratedValues returns p for every circuit at the default codes.
func (c *Chip) uncalibratedValues(p Param) []float64 {
	v := make([]float64, Circuits)
	for k := range v {
		switch p {
		case ParamCADCOffset:
			v[k] = c.die.cadcOff[k]
		default:
			for m := capMem(0); m < numCapMem; m++ {
				if m.param() == p {
					v[k] = onGrid(p, c.die.value(m, k, defaultCodes[m]))
				}
			}
		}
	}
	return v
}

// Report summarises the die: every parameter's spread with default codes and
// now, the failed circuits and the CADC offsets.
func (c *Chip) Report() Report {
	r := Report{ChipSeed: c.opt.ChipSeed, NoiseSeed: c.opt.NoiseSeed, Ideal: c.opt.Ideal, State: c.state,
		FailedCircuits: []int{}}
	failed := map[Param]int{}
	if c.lastCal != nil {
		t := c.lastCal.Targets
		r.Targets = &t
		r.Sigma = c.lastCal.Sigma
		for _, f := range c.lastCal.Failed {
			failed[f.Param]++
		}
		r.FailedCircuits = append(r.FailedCircuits, c.lastCal.FailedCircuits()...)
	}
	for p := Param(0); p < NumParams; p++ {
		u, now := statsOf(c.uncalibratedValues(p)), statsOf(c.Values(p))
		pr := ParamReport{Param: p, Unit: p.Unit(), Uncalibrated: u, Current: now, Failed: failed[p], Shrink: 1}
		if u.SD > 0 {
			pr.Shrink = now.SD / u.SD
		}
		r.Params = append(r.Params, pr)
	}
	r.CADCOffsetSDBefore = r.Params[ParamCADCOffset].Uncalibrated.SD
	r.CADCOffsetSDAfter = r.Params[ParamCADCOffset].Current.SD
	return r
}
