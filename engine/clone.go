package engine

import "slices"

// cloneEvent returns a deep copy of e: every slice is fresh, so no two
// consumers (and not the trainer) ever share memory through an event.
func cloneEvent(e Event) Event {
	switch e := e.(type) {
	case SampleEvent:
		return cloneSample(e)
	case ChipEvent:
		return cloneChip(e)
	case EvalEvent:
		e.Confusion = slices.Clone(e.Confusion)
		return e
	case MapEvent:
		e.Classes = slices.Clone(e.Classes)
		e.Chip, e.Software, e.Test = slices.Clone(e.Chip), slices.Clone(e.Software), slices.Clone(e.Test)
		return e
	case HistoryEvent:
		return HistoryEvent{Steps: slices.Clone(e.Steps), Loss: slices.Clone(e.Loss), Accuracy: slices.Clone(e.Accuracy)}
	}
	return e // the other events hold no slices
}

func cloneSample(e SampleEvent) SampleEvent {
	e.Classes = slices.Clone(e.Classes)
	e.InputSpikes = slices.Clone(e.InputSpikes)
	e.HiddenSpikes = slices.Clone(e.HiddenSpikes)
	if e.OutputTraces != nil {
		tr := make([][]float64, len(e.OutputTraces))
		for i, t := range e.OutputTraces {
			tr[i] = slices.Clone(t)
		}
		e.OutputTraces = tr
	}
	if e.Probes != nil {
		ps := make([]ProbeTrace, len(e.Probes))
		for i, p := range e.Probes {
			p.CADC = slices.Clone(p.CADC)
			p.True = slices.Clone(p.True)
			p.Spikes = slices.Clone(p.Spikes)
			ps[i] = p
		}
		e.Probes = ps
	}
	return e
}

func cloneChip(e ChipEvent) ChipEvent {
	if e.Params != nil {
		ps := make([]ParamMap, len(e.Params))
		for i, p := range e.Params {
			p.Uncalibrated = slices.Clone(p.Uncalibrated)
			p.Calibrated = slices.Clone(p.Calibrated)
			p.Current = slices.Clone(p.Current)
			p.UncalibratedCodes = slices.Clone(p.UncalibratedCodes)
			p.Codes = slices.Clone(p.Codes)
			ps[i] = p
		}
		e.Params = ps
	}
	e.Failures = slices.Clone(e.Failures)
	e.Roles = slices.Clone(e.Roles)
	return e
}
