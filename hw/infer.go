package hw

import (
	"fmt"
	"math"
)

// InferenceInterval is the time between images in the fast inference mode,
// µs (docs/model.md §2.6: one image every 11.8 µs, > 85,000 images/s).
const InferenceInterval = 11.8

// InferOptions configure the fast inference mode.
type InferOptions struct {
	// Readout are the logical neurons that classify; Size 0 means the
	// network's Integrators.
	Readout Population
	// Window is the time from stimulus onset (its first event) to the PPU's
	// reset of all membranes and synaptic inputs, µs; 0 means 10.
	Window float64
	// Period is the CADC interval during the window, µs; 0 means CADCPeriod.
	Period float64
}

// Inference is one image's classification observables.
type Inference struct {
	// Class is the readout neuron (0-based within Readout) with the largest
	// Peak; ties go to the lower index.
	Class int
	// Peak is, per readout neuron, the largest CADC code in the window minus
	// the code of the frame at onset (the trainer's normalisation: traces
	// minus their first sample).
	Peak []int16
	// Max is, per readout neuron, the largest raw CADC code in the window.
	Max []uint8
	// Spikes counts the spikes of all neurons in the window.
	Spikes int
}

// Infer classifies every sample of batch in the fast mode of docs/model.md §2.6:
// each image starts from reset at its first event, CADC frames of the
// readout neurons are taken every Period, and the PPU resets the chip
// Window µs after onset, so the next image can follow InferenceInterval µs
// later. Samples run in parallel as in Run; Sequence advances by len(batch).
func (c *Chip) Infer(batch []Stimulus, opt InferOptions) ([]Inference, error) {
	if c.net == nil {
		return nil, configErr("projection", "no network is configured; call Configure first")
	}
	ro := opt.Readout
	if ro.Size == 0 {
		ro = c.net.integrators
	}
	if ro.Size < 1 || ro.External || ro.Offset < 0 || ro.Offset+ro.Size > c.net.neurons {
		return nil, fmt.Errorf("hw: readout neurons %d..%d; need a non-empty range of logical neurons within 0..%d (or Network.Integrators)", ro.Offset, ro.Offset+ro.Size-1, c.net.neurons-1)
	}
	window := opt.Window
	if window == 0 {
		window = 10
	}
	period := opt.Period
	if period == 0 {
		period = CADCPeriod
	}
	if !(window > 0) || window > maxDuration || !(period >= EventTick) || math.IsInf(period, 0) {
		return nil, fmt.Errorf("hw: inference window %g µs and period %g µs; need window > 0 and period ≥ %g µs", opt.Window, opt.Period, EventTick)
	}
	m := c.ensureModel()
	sampled := make([]int32, ro.Size)
	for i := range sampled {
		sampled[i] = int32(ro.Offset + i)
	}
	plan := m.planInfer
	if plan == nil || m.planInferFor != ro {
		plan = newFFPlan(m, c.net, nil, sampled)
		m.planInfer, m.planInferFor = plan, ro
	}
	frames := int(math.Floor(window/period+1e-9)) + 1
	out := make([]Inference, len(batch))
	peaks := make([]int16, len(batch)*ro.Size)
	maxes := make([]uint8, len(batch)*ro.Size)
	base, stride := c.seq, plan.evStride(c.net)
	var bad firstError
	c.parallel(len(batch), func(w *worker, k int) {
		s := &batch[k]
		onset := 0.0
		if len(s.Events) > 0 {
			onset = s.Events[0].Time
		}
		ticks, rows, err := w.eventTicks(k, s, onset, c.net.inputs, stride)
		if err != nil {
			bad.set(k, err)
			return
		}
		if cap(w.frameBuf) < frames*ro.Size {
			w.frameBuf = make([]uint8, frames*ro.Size)
		}
		job := sampleJob{events: s.Events, ticks: ticks, rows: rows, t0: onset, horizon: tickOf(window) + 1, frames: frames,
			period: period, sampled: sampled, cadc: w.frameBuf[:frames*ro.Size], plan: plan}
		w.noise = noiseSource{rng: newRNG(c.opt.NoiseSeed, noiseStream, base+uint64(k))}
		w.simulate(m, c.net, &job)
		inf := &out[k]
		inf.Peak = peaks[k*ro.Size : (k+1)*ro.Size : (k+1)*ro.Size]
		inf.Max = maxes[k*ro.Size : (k+1)*ro.Size : (k+1)*ro.Size]
		inf.Spikes = len(w.spikes)
		for i := 0; i < ro.Size; i++ {
			b := job.cadc[i]
			mx := b
			for f := 1; f < frames; f++ {
				mx = max(mx, job.cadc[f*ro.Size+i])
			}
			inf.Max[i] = mx
			inf.Peak[i] = int16(mx) - int16(b)
			if inf.Peak[i] > inf.Peak[inf.Class] {
				inf.Class = i
			}
		}
	})
	if bad.err != nil {
		return nil, bad.err
	}
	c.seq += uint64(len(batch))
	return out, nil
}
