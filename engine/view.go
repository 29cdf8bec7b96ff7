package engine

import (
	"fmt"

	"inloop/hw"
)

// probeHidden is how many hidden neurons SampleView probes.
const probeHidden = 2

// SampleView runs training sample i once more with probes on and returns the
// app's view of it: on the chip in chip and transfer mode (the chip's noise
// sequence is restored afterwards, so viewing never changes training), in
// the software model otherwise.
func (l *Learner) SampleView(i int) (SampleEvent, error) {
	if i < 0 || i >= l.train.Len() {
		return SampleEvent{}, fmt.Errorf("sample %d out of range (accepted: 0..%d)", i, l.train.Len()-1)
	}
	L := l.layout
	var tp tape
	tp.size(L)
	binInputs(&tp, l.train.Sample(i), L.Dt, L.Inputs)
	// The software model picks the hidden neurons worth probing: the first
	// to spike (neurons 0, 1, … if it stays silent).
	var model tape
	model.size(L)
	model.in, model.label = tp.in, tp.label
	l.net.m.forward(&l.net.w, &model)
	hidden := firstSpiking(&model.hidden, probeHidden, L.Hidden)

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
		l.softwareView(&ev, &model, hidden)
		return ev, nil
	}
	return ev, l.chipView(&ev, &tp, hidden)
}

// firstSpiking returns up to n distinct neurons in order of their first
// spike, padded with the lowest unused indices.
func firstSpiking(s *spikes, n, total int) []int {
	var out []int
	seen := map[int]bool{}
	for _, j := range s.idx {
		if len(out) == n {
			break
		}
		if !seen[int(j)] {
			seen[int(j)] = true
			out = append(out, int(j))
		}
	}
	for j := 0; len(out) < min(n, total); j++ {
		if !seen[j] {
			seen[j] = true
			out = append(out, j)
		}
	}
	return out
}

// modelToLSB converts a model membrane to nominal CADC LSB (leak 80,
// threshold 150 on an ideal chip).
func modelToLSB(v float32) float64 {
	return (float64(v)*thresholdDV + leakVolts) / cadcVolts
}

func (l *Learner) softwareView(ev *SampleEvent, tp *tape, hidden []int) {
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
	for _, j := range hidden {
		probe("hidden", j, j, func(f int) float32 { return tp.vh[f*L.Hidden+j] })
		for _, s := range ev.HiddenSpikes {
			if s.Index == j {
				ev.Probes[len(ev.Probes)-1].Spikes = append(ev.Probes[len(ev.Probes)-1].Spikes, s.Time)
			}
		}
	}
	k := ev.Prediction
	probe("output", k, L.Hidden+k, func(f int) float32 { return tp.vo[f*L.Outputs+k] })
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

func (l *Learner) chipView(ev *SampleEvent, tp *tape, hidden []int) error {
	L := l.layout
	cs := l.chip
	p := cs.placed
	if err := p.write(&l.net.w, L); err != nil {
		return err
	}
	probes := append([]int(nil), hidden...)
	for k := range L.Outputs {
		probes = append(probes, L.Hidden+k)
	}
	seq := cs.chip.Sequence()
	stim := stimulus(tp, L.Dt, nil)
	obs, err := cs.chip.Run([]hw.Stimulus{stim}, hw.RunOptions{Frames: L.Steps, Period: L.Dt, Probe: probes})
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
	addProbe := func(layer string, idx, neuron int) {
		pt := ProbeTrace{Layer: layer, Index: idx, Neuron: neuron, CADCDt: L.Dt}
		for f := range ob.Frames {
			pt.CADC = append(pt.CADC, float64(ob.CADC[f*p.net.Neurons+neuron]))
		}
		for _, tr := range ob.Probe {
			if tr.Neuron == neuron {
				pt.True = append([]float64(nil), tr.V...)
				pt.TrueDt = tr.Dt
			}
		}
		for _, s := range ob.Spikes {
			if int(s.Neuron) == neuron {
				pt.Spikes = append(pt.Spikes, float64(s.Tick)*hw.EventTick)
			}
		}
		pt.Leak, pt.Threshold = cs.chip.NeuronLevels(neuron)
		ev.Probes = append(ev.Probes, pt)
	}
	for _, j := range hidden {
		addProbe("hidden", j, j)
	}
	addProbe("output", ev.Prediction, L.Hidden+ev.Prediction)
	return nil
}
