package engine

import (
	"fmt"

	"inloop/hw"
)

// viewProbeDt is the spacing of the true membrane points in a sample view,
// µs: about three points per CADC frame, which a pane of up to 200 columns
// resolves; every neuron is probed, so finer points would cost training time
// (BENCHMARKS.md, BenchmarkSampleView).
const viewProbeDt = 0.5

// SampleView runs training sample i once more with every neuron probed and
// returns the app's view of it: on the chip in chip and transfer mode (the
// chip's noise sequence is restored afterwards, so viewing never changes
// training), in the software model otherwise. Probes holds every hidden
// neuron, then every output neuron, each in index order, so a viewer can
// show any of them.
func (l *Learner) SampleView(i int) (SampleEvent, error) {
	if i < 0 || i >= l.train.Len() {
		return SampleEvent{}, fmt.Errorf("sample %d out of range (accepted: 0..%d)", i, l.train.Len()-1)
	}
	L := l.layout
	var tp tape
	tp.size(L)
	binInputs(&tp, l.train.Sample(i), L.Dt, L.Inputs)
	ev := SampleEvent{
		Step: l.net.opt.T, Label: tp.label, Classes: l.train.Classes(),
		Window: float64(L.Steps) * L.Dt, Dt: L.Dt,
		Inputs: L.Inputs, Hidden: L.Hidden, Outputs: L.Outputs,
	}
	for t := range L.Steps {
		idx, _ := tp.in.bin(t)
		for _, c := range idx {
			ev.InputSpikes = append(ev.InputSpikes, SpikeAt{Index: int(c), Time: float64(t)*L.Dt + spikeDelay})
		}
	}
	if l.chip == nil || l.cfg.Mode == ModeSoftware {
		l.net.m.forward(&l.net.w, &tp)
		l.softwareView(&ev, &tp)
		return ev, nil
	}
	return ev, l.chipView(&ev, &tp)
}

// modelToLSB converts a model membrane to nominal CADC LSB (leak 80,
// threshold 150 on an ideal chip).
func modelToLSB(v float32) float64 {
	return (float64(v)*thresholdDV + leakVolts) / cadcVolts
}

func (l *Learner) softwareView(ev *SampleEvent, tp *tape) {
	L := l.layout
	lt := l.lossTerms()
	_, ev.Prediction = lt.eval(tp, L.Outputs, false, 0)
	for t := range L.Steps {
		idx, _ := tp.hidden.bin(t)
		for _, j := range idx {
			ev.HiddenSpikes = append(ev.HiddenSpikes, SpikeAt{Index: int(j), Time: float64(t)*L.Dt + spikeDelay})
		}
	}
	ev.OutputTraces = outputTraces(tp, L)
	probe := func(layer string, idx, neuron int, v func(f int) float32) {
		p := ProbeTrace{Layer: layer, Index: idx, Neuron: neuron, CADCDt: L.Dt, Leak: modelToLSB(0), Threshold: modelToLSB(1)}
		for f := range L.Steps {
			p.CADC = append(p.CADC, modelToLSB(v(f)))
		}
		ev.Probes = append(ev.Probes, p)
	}
	for j := range L.Hidden {
		probe("hidden", j, j, func(f int) float32 { return tp.vh[f*L.Hidden+j] })
	}
	for _, s := range ev.HiddenSpikes {
		ev.Probes[s.Index].Spikes = append(ev.Probes[s.Index].Spikes, s.Time)
	}
	for k := range L.Outputs {
		probe("output", k, L.Hidden+k, func(f int) float32 { return tp.vo[f*L.Outputs+k] })
	}
}

func outputTraces(tp *tape, L Layout) [][]float64 {
	out := make([][]float64, L.Outputs)
	for k := range out {
		out[k] = make([]float64, L.Steps)
		for f := range L.Steps {
			out[k][f] = float64(tp.vo[f*L.Outputs+k])
		}
	}
	return out
}

func (l *Learner) chipView(ev *SampleEvent, tp *tape) error {
	L := l.layout
	cs := l.chip
	p := cs.placed
	if err := p.write(&l.net.w, L); err != nil {
		return err
	}
	probes := make([]int, L.Hidden+L.Outputs)
	for j := range probes {
		probes[j] = j
	}
	seq := cs.chip.Sequence()
	stim := stimulus(tp, L.Dt, nil)
	obs, err := cs.chip.Run([]hw.Stimulus{stim}, hw.RunOptions{Frames: L.Steps, Period: L.Dt, Probe: probes, ProbeDt: viewProbeDt})
	cs.chip.SetSequence(seq)
	if err != nil {
		return fmt.Errorf("sample view: %w", err)
	}
	ob := &obs[0]
	measure(tp, ob, L, p.net.Neurons)
	_, ev.Prediction = l.lossTerms().eval(tp, L.Outputs, false, 0)
	ev.OutputTraces = outputTraces(tp, L)
	for _, s := range ob.Spikes {
		if int(s.Neuron) < L.Hidden {
			ev.HiddenSpikes = append(ev.HiddenSpikes, SpikeAt{Index: int(s.Neuron), Time: float64(s.Tick) * hw.EventTick})
		}
	}
	ev.Probes = make([]ProbeTrace, len(probes))
	for i, neuron := range probes {
		pt := ProbeTrace{Layer: "hidden", Index: neuron, Neuron: neuron, CADCDt: L.Dt}
		if neuron >= L.Hidden {
			pt.Layer, pt.Index = "output", neuron-L.Hidden
		}
		pt.CADC = make([]float64, ob.Frames)
		for f := range ob.Frames {
			pt.CADC[f] = float64(ob.CADC[f*p.net.Neurons+neuron])
		}
		tr := ob.Probe[i] // in the order asked
		pt.True, pt.TrueDt = tr.V, tr.Dt
		pt.Leak, pt.Threshold = cs.chip.NeuronLevels(neuron)
		ev.Probes[i] = pt
	}
	for _, s := range ob.Spikes {
		if n := int(s.Neuron); n < len(ev.Probes) {
			ev.Probes[n].Spikes = append(ev.Probes[n].Spikes, float64(s.Tick)*hw.EventTick)
		}
	}
	return nil
}
