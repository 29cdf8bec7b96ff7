package engine

import (
	"math"

	"inloop/data"
	"inloop/hw"
)

// Unit conversions between the chip and the model (docs/model.md §3.3).
const (
	cadcVolts   = 1.2 / 256 // V per CADC LSB
	leakVolts   = 0.38      // V of model 0
	thresholdDV = 0.33      // V from leak to threshold (model 1)
	// spikeDelay is the offset between a model bin and the chip: an input of
	// bin t is injected at t·Δt + spikeDelay, a recorded spike at time τ
	// belongs to bin ⌊(τ − spikeDelay)/Δt⌋.
	spikeDelay = 1.7
)

// inputBin returns the model bin of an input spike at time µs.
func inputBin(time, dt float64) int32 {
	return int32(math.Floor(time/dt + 1e-9))
}

// binInputs fills tp.in from a data sample's spikes; spikes on channels
// beyond inputs or outside the window are dropped.
func binInputs(tp *tape, s data.Sample, dt float64, inputs int) {
	bins, idx := tp.bins[:0], tp.index[:0]
	for _, sp := range s.Spikes {
		if sp.Channel < 0 || sp.Channel >= inputs {
			continue
		}
		bins = append(bins, inputBin(sp.Time, dt))
		idx = append(idx, int32(sp.Channel))
	}
	tp.in.fromBins(tp.steps, bins, idx)
	tp.label = s.Label
	tp.bins, tp.index = bins, idx
}

// stimulus returns the chip input of tp: each input spike of bin t at
// t·Δt + spikeDelay µs, recorded for the whole window.
func stimulus(tp *tape, dt float64, ev []hw.Event) hw.Stimulus {
	ev = ev[:0]
	for t := range tp.steps {
		idx, _ := tp.in.bin(t)
		for _, i := range idx {
			ev = append(ev, hw.Event{Time: float64(t)*dt + spikeDelay, Source: i})
		}
	}
	return hw.Stimulus{Events: ev, Duration: float64(tp.steps) * dt}
}

// cadcToModel converts a raw CADC code to volts above the model's leak in
// threshold units: ((raw/256·1.2) − 0.38)/0.33.
func cadcToModel(raw uint8) float32 {
	return float32((float64(raw)*cadcVolts - leakVolts) / thresholdDV)
}

// measure fills tp's hidden membranes, hidden spikes and output membranes
// from one chip observation: CADC frames normalised to model units minus
// each neuron's first frame, spikes shifted back by spikeDelay and binned.
// Hidden neurons are logical 0..H−1, outputs H..H+O−1; neurons is the
// number of logical neurons per CADC frame.
func measure(tp *tape, ob *hw.Observation, l Layout, neurons int) {
	H, O, T := l.Hidden, l.Outputs, l.Steps
	frames := min(ob.Frames, T, len(ob.CADC)/max(neurons, 1))
	if frames == 0 {
		clear(tp.vh)
		clear(tp.vo)
	}
	for f := range T * min(frames, 1) {
		vh := tp.vh[f*H : (f+1)*H]
		vo := tp.vo[f*O : (f+1)*O]
		if f >= frames {
			// Missing frames hold the last value (the chip always returns T).
			copy(vh, tp.vh[(frames-1)*H:frames*H])
			copy(vo, tp.vo[(frames-1)*O:frames*O])
			continue
		}
		row := ob.CADC[f*neurons : (f+1)*neurons]
		base := ob.CADC[:neurons]
		for j := range vh {
			vh[j] = cadcToModel(row[j]) - cadcToModel(base[j])
		}
		for k := range vo {
			vo[k] = cadcToModel(row[H+k]) - cadcToModel(base[H+k])
		}
	}
	bins, idx := tp.bins[:0], tp.index[:0]
	for _, sp := range ob.Spikes {
		if int(sp.Neuron) >= H {
			continue
		}
		tau := float64(sp.Tick) * hw.EventTick
		b := int32(math.Floor((tau - spikeDelay) / l.Dt))
		if b < 0 {
			b = 0
		}
		bins = append(bins, b)
		idx = append(idx, sp.Neuron)
	}
	tp.hidden.fromBins(T, bins, idx)
	tp.bins, tp.index = bins, idx
}
