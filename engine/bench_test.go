package engine

import (
	"math/rand/v2"
	"testing"

	"inloop/hw"
)

// mnistShaped returns B tapes of MNIST-shaped synthetic input: 256 inputs,
// each spiking once at a uniformly drawn bin of 20 (the peer's "ttfs"
// encoding), random labels.
func mnistShaped(l Layout, n *net, B int, seed uint64) []tape {
	rng := rand.New(rand.NewPCG(seed, 1))
	tapes := n.batchTapes(B)
	bins := make([]int32, l.Inputs)
	idx := make([]int32, l.Inputs)
	for b := range tapes {
		for i := range idx {
			bins[i] = int32(rng.IntN(l.Steps))
			idx[i] = int32(i)
		}
		tapes[b].in.fromBins(l.Steps, bins, idx)
		tapes[b].label = rng.IntN(l.Outputs)
	}
	return tapes
}

var mnistLayout = Layout{Inputs: 256, Hidden: 246, Outputs: 10, Steps: 20, Dt: hw.CADCPeriod, TauMem: 6, TauSyn: 6}

// BenchmarkTrainStepMNIST is one optimiser step on a batch of 100
// MNIST-shaped samples (256→246→10, 20 steps): in software (forward,
// backward, Adam) and in the loop (write weights, emulate the chip, read out,
// backward, Adam).
func BenchmarkTrainStepMNIST(b *testing.B) {
	const B = 100
	l := mnistLayout
	lt := lossTerms{readout: ReadoutMax, scale: 10}
	setup := func() *net {
		n := newNet(l, 50)
		initWeights(n.w, l, 1e-3, rand.New(rand.NewPCG(1, 2)))
		// a trained network spikes; scale the input weights up so the
		// hidden layer is active (≈ 10–30 spikes per sample)
		for i := range n.w.In {
			n.w.In[i] *= 4
		}
		clampHidden(n.w, hiddenLimit)
		return n
	}
	b.Run("software", func(b *testing.B) {
		n := setup()
		tapes := mnistShaped(l, n, B, 3)
		spikes := 0
		b.ResetTimer()
		for b.Loop() {
			st := n.gradient(tapes, &n.w, lt, 5e-4, true)
			n.update(1e-3, 0.1, nil)
			spikes = st.spikes
		}
		b.ReportMetric(float64(B*b.N)/b.Elapsed().Seconds(), "samples/s")
		b.ReportMetric(float64(spikes)/B, "hidden-spikes/sample")
	})
	// chip: without membrane noise, as before it existed; chip-noise: with
	// the default
	for _, mn := range []float64{0, hw.DefaultMembraneNoiseSD} {
		name := "chip"
		if mn > 0 {
			name = "chip-noise"
		}
		b.Run(name, func(b *testing.B) { benchChipStep(b, l, lt, setup, mn) })
	}
}

func benchChipStep(b *testing.B, l Layout, lt lossTerms, setup func() *net, membrane float64) {
	const B = 100
	n := setup()
	cs, err := buildChip(calibRecipe{ChipSeed: 1, NoiseSeed: 1, State: "calibrated", Targets: hw.DefaultTargets(), Membrane: membrane}, l)
	if err != nil {
		b.Skip(err)
	}
	tapes := mnistShaped(l, n, B, 3)
	var stim []hw.Stimulus
	var ev [][]hw.Event
	spikes := 0
	b.ResetTimer()
	for b.Loop() {
		stim, ev, err = cs.placed.run(&n.w, l, tapes, stim, ev)
		if err != nil {
			b.Fatal(err)
		}
		st := n.gradient(tapes, &n.w, lt, 5e-4, false)
		n.update(1e-3, 0.1, nil)
		spikes = st.spikes
	}
	b.ReportMetric(float64(B*b.N)/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(float64(spikes)/B, "hidden-spikes/sample")
}

// BenchmarkSampleView is the app's per-view cost: one Yin-Yang sample rerun
// on the chip with every neuron probed (the trainer does this at most every
// sampleEvery).
func BenchmarkSampleView(b *testing.B) {
	cfg, _ := DefaultConfig("yinyang")
	l, err := NewLearner(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := l.SampleView(i % 100); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecisionMap is one refresh of the Yin-Yang decision map: the
// MapSide² grid and MapTestPoints test points through the chip and the software model
// (the trainer does this at most every mapEvery while someone watches).
func BenchmarkDecisionMap(b *testing.B) {
	cfg, _ := DefaultConfig("yinyang")
	l, err := NewLearner(cfg)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := l.DecisionMap(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainStepYinYang is one chip-mode optimiser step of the default
// Yin-Yang run (batch 50): the unit the decision map's cost is compared to.
func BenchmarkTrainStepYinYang(b *testing.B) {
	cfg, _ := DefaultConfig("yinyang")
	l, err := NewLearner(cfg)
	if err != nil {
		b.Fatal(err)
	}
	idx := make([]int, cfg.Hyper.Batch)
	for i := 0; b.Loop(); i++ {
		for k := range idx {
			idx[k] = (i*len(idx) + k) % l.Train().Len()
		}
		if _, err := l.Step(idx, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
