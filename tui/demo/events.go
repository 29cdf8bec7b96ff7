package demo

import (
	"math"
	"math/rand/v2"

	"inloop/data"
	"inloop/engine"
	"inloop/hw"
)

// Sizes of the synthetic network (those of the paper's Yin-Yang network).
const (
	Inputs  = 5
	Hidden  = 120
	Outputs = 3
	Window  = 60.0 // µs
	Dt      = 1.7  // µs between CADC frames
	TrueDt  = 0.2  // µs between true-membrane points
	Frames  = 36   // CADC frames in the window (⌊Window/Dt⌋ + 1)
)

// Classes are the Yin-Yang class names.
var Classes = []string{"yin", "yang", "dot"}

// ParamNames are the mismatched circuit parameters, with units and the
// calibration target (mean) and uncalibrated and calibrated spreads (SD).
var params = []struct {
	name, unit           string
	mean, sdUncal, sdCal float64
}{
	{"leak", "LSB", 80, 12, 2},
	{"reset", "LSB", 70, 10, 2},
	{"threshold", "LSB", 150, 15, 3},
	{"tau_mem", "µs", 10, 2, 0.4},
	{"tau_syn", "µs", 5, 1, 0.25},
	{"refractory", "µs", 2, 0.5, 0.1},
	{"syn_gain", "", 1, 0.15, 0.03},
	{"cadc_offset", "LSB", 0, 10, 3},
}

// Chip returns a chip description with 512 circuits per parameter drawn
// from seed: uncalibrated spreads, calibrated ones about five times narrower.
func Chip(seed uint64, calibrated bool) engine.ChipEvent {
	rng := rand.New(rand.NewPCG(seed, 0x6d69736d))
	ev := engine.ChipEvent{ChipSeed: seed, Calibration: "uncalibrated"}
	if calibrated {
		ev.Calibration = "calibrated"
	}
	for _, p := range params {
		pm := engine.ParamMap{Name: p.name, Unit: p.unit, Uncalibrated: make([]float64, 512)}
		for i := range pm.Uncalibrated {
			pm.Uncalibrated[i] = p.mean + p.sdUncal*rng.NormFloat64()
		}
		pm.Current = pm.Uncalibrated
		if calibrated {
			pm.Calibrated = make([]float64, 512)
			for i := range pm.Calibrated {
				pm.Calibrated[i] = p.mean + p.sdCal*rng.NormFloat64()
			}
			pm.Current = pm.Calibrated
		}
		// Codes: nominal before calibration, moved by what calibration corrected.
		pm.UncalibratedCodes, pm.Codes = make([]uint16, 512), make([]uint16, 512)
		for i := range pm.Codes {
			pm.UncalibratedCodes[i] = 500
			pm.Codes[i] = uint16(min(max(500+math.Round(8*(pm.Current[i]-pm.Uncalibrated[i])/p.sdUncal), 0), 1022))
		}
		ev.Params = append(ev.Params, pm)
	}
	// The network's circuits, placed by the chip's own rule.
	c := hw.New(hw.Options{ChipSeed: seed, Ideal: true})
	net := hw.Network{Inputs: Inputs, Neurons: Hidden + Outputs, Integrators: hw.Population{Offset: Hidden, Size: Outputs}, Projections: []hw.Projection{
		{Pre: hw.Population{External: true, Size: Inputs}, PostSize: Hidden, Weights: make([]int8, Inputs*Hidden)},
		{Pre: hw.Population{Size: Hidden}, PostOffset: Hidden, PostSize: Outputs, Weights: make([]int8, Hidden*Outputs)},
	}}
	if err := c.Configure(net); err == nil {
		ev.Roles = make([]engine.CircuitRole, hw.Circuits)
		for k := range ev.Roles {
			ev.Roles[k] = engine.RoleOf(c.CircuitUse(k), Hidden)
		}
	}
	if calibrated { // a few circuits that missed τ_mem, as a real die has
		for _, k := range []int{37, 300, 301} {
			ev.Failures = append(ev.Failures, engine.CircuitFailure{Circuit: k, Param: "tau_mem", Target: 6, Reached: 9.5})
		}
		ev.Failed = 3
	}
	return ev
}

// Hyper returns the paper's Yin-Yang hyperparameters.
func Hyper() engine.Hyper {
	return engine.Hyper{LR: 0.002, LRDecay: 0.97, Batch: 64, SurrogateBeta: 50, ReadoutScale: 10,
		SpikeReg: 0.001, AmplitudeReg: 0.0005, WeightL2: 0.1, Dropout: 0}
}

// Curve returns a plausible training loss and accuracy at a step.
func Curve(step int, seed uint64) (loss, acc float64) {
	rng := rand.New(rand.NewPCG(seed, uint64(step)))
	s := float64(step)
	loss = 0.25 + 0.85*math.Exp(-s/300) + 0.05*rng.NormFloat64()
	acc = 0.95 - 0.6*math.Exp(-s/250) + 0.03*rng.NormFloat64()
	return math.Max(loss, 0.01), math.Min(math.Max(acc, 0), 1)
}

// Progress returns the progress after a step (100 batches per epoch).
func Progress(step int, seed uint64, h engine.Hyper, paused bool) engine.ProgressEvent {
	loss, acc := Curve(step, seed)
	return engine.ProgressEvent{
		Step: step, Epoch: step / 100, Batch: step%100 + 1, BatchesPerEpoch: 100, Epochs: 20,
		Loss: loss, Accuracy: acc, SamplesPerSec: 1234.5, SpikesPerSample: 23.4, LR: h.LR,
		Mode: engine.ModeChip, ChipSeed: 1, Calibration: "calibrated", Paused: paused,
	}
}

// Eval returns an evaluation at a step.
func Eval(step int, seed uint64) engine.EvalEvent {
	loss, acc := Curve(step, seed^0x5eed)
	return engine.EvalEvent{Step: step, Epoch: step / 100, TrainAccuracy: acc, TestAccuracy: acc - 0.01, TestLoss: loss + 0.02, SpikesPerSample: 22}
}

// Sample returns a sample as the chip saw it: input and hidden spikes, the
// output membranes and four probed neurons (three hidden, one output) whose
// CADC readings are the true membrane plus offset and noise, quantised to 8
// bits.
func Sample(step int, seed uint64) engine.SampleEvent {
	rng := rand.New(rand.NewPCG(seed, uint64(step)^0x73616d70))
	label := step % Outputs
	ev := engine.SampleEvent{
		Step: step, Label: label, Prediction: label, Classes: Classes,
		Window: Window, Dt: Dt, Inputs: Inputs, Hidden: Hidden, Outputs: Outputs,
	}
	if step%4 == 3 {
		ev.Prediction = (label + 1) % Outputs
	}
	for i := 0; i < Inputs; i++ {
		ev.InputSpikes = append(ev.InputSpikes, engine.SpikeAt{Index: i, Time: 2 + rng.Float64()*25})
	}
	// Every neuron is probed, as the engine does; the hidden spikes are
	// the probes' own.
	for j := 0; j < Hidden; j++ {
		pt := probe(rng, "hidden", j, j, ev.InputSpikes, 0.6+1.2*rng.Float64())
		for _, t := range pt.Spikes {
			ev.HiddenSpikes = append(ev.HiddenSpikes, engine.SpikeAt{Index: j, Time: t})
		}
		ev.Probes = append(ev.Probes, pt)
	}
	frames := Frames
	for o := 0; o < Outputs; o++ {
		tr := make([]float64, frames)
		peak := 0.4 + 0.5*rng.Float64()
		if o == ev.Prediction {
			peak = 1.2
		}
		for f := range tr {
			t := float64(f) * Dt
			tr[f] = peak * (t / 15) * math.Exp(1-t/15)
		}
		ev.OutputTraces = append(ev.OutputTraces, tr)
	}
	for k := 0; k < Outputs; k++ {
		ev.Probes = append(ev.Probes, probe(rng, "output", k, Hidden+k, ev.InputSpikes, 0.5+0.4*float64(k)))
	}
	return ev
}

// probe integrates a LIF membrane (exponential synapse) driven by the input
// spikes and reads it through an 8-bit CADC with an offset and noise.
func probe(rng *rand.Rand, layer string, index, neuron int, in []engine.SpikeAt, gain float64) engine.ProbeTrace {
	const leak, thresh, tauMem, tauSyn, refrac = 80.0, 150.0, 10.0, 5.0, 2.0
	pt := engine.ProbeTrace{Layer: layer, Index: index, Neuron: neuron, CADCDt: Dt, TrueDt: TrueDt, Leak: leak, Threshold: thresh}
	n := int(Window/TrueDt) + 1
	pt.True = make([]float64, n)
	v, isyn, refUntil := leak, 0.0, -1.0
	for i := 0; i < n; i++ {
		t := float64(i) * TrueDt
		for _, s := range in {
			if s.Time >= t-TrueDt && s.Time < t {
				isyn += 60 * gain
			}
		}
		isyn -= isyn * TrueDt / tauSyn
		if t < refUntil {
			v = leak
		} else {
			v += (leak-v)*TrueDt/tauMem + isyn*TrueDt/tauMem
		}
		if layer == "hidden" && v >= thresh {
			pt.Spikes = append(pt.Spikes, t)
			v, refUntil = leak, t+refrac
		}
		pt.True[i] = v
	}
	offset := 3 * rng.NormFloat64()
	frames := Frames
	pt.CADC = make([]float64, frames)
	for f := range pt.CADC {
		tv := pt.True[min(int(float64(f)*Dt/TrueDt), n-1)]
		pt.CADC[f] = math.Min(255, math.Max(0, math.Round(tv+offset+rng.NormFloat64())))
	}
	return pt
}

// Map returns a decision map of the synthetic Yin-Yang network: the true
// classes of the plane, blurred at the borders by a seeded error that
// shrinks as training goes on, the chip's a little worse than the model's.
func Map(step int, seed uint64) engine.MapEvent {
	rng := rand.New(rand.NewPCG(seed, uint64(step)^0x6d6170))
	ev := engine.MapEvent{Step: step, Side: engine.MapSide, Classes: Classes, ChipPath: "emulated chip 1, calibrated (demo)"}
	blur := 0.15 * math.Exp(-float64(step)/400)
	classify := func(x, y, extra float64) int {
		dx, dy := (rng.Float64()-0.5)*(blur+extra), (rng.Float64()-0.5)*(blur+extra)
		return data.YinYangClass(math.Min(math.Max(x+dx, 0), 1), math.Min(math.Max(y+dy, 0), 1))
	}
	for iy := range engine.MapSide {
		for ix := range engine.MapSide {
			x, y := (float64(ix)+0.5)/engine.MapSide, (float64(iy)+0.5)/engine.MapSide
			ev.Software = append(ev.Software, classify(x, y, 0))
			ev.Chip = append(ev.Chip, classify(x, y, 0.05))
		}
	}
	for range 60 {
		x, y := rng.Float64(), rng.Float64()
		if (x-0.5)*(x-0.5)+(y-0.5)*(y-0.5) > 0.25 {
			continue // the dataset's points lie in the disc
		}
		ev.Test = append(ev.Test, engine.MapPoint{X: x, Y: y, Label: data.YinYangClass(x, y), Chip: classify(x, y, 0.05), SoftwarePred: classify(x, y, 0)})
	}
	return ev
}
