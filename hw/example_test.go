package hw_test

import (
	"fmt"

	"inloop/hw"
)

// A researcher's comparison: a die with mismatch but no temporal noise, one
// neuron set to chosen parameters (threshold below the leak: it fires on
// its own), what the chip uses read back, one synapse's gain, and the noise
// a noisy chip would draw for a sample, replayed without running it.
func Example() {
	c := hw.New(hw.Options{ChipSeed: 7, NoNoise: true}) // mismatch on, temporal noise off
	net := hw.Network{Inputs: 1, Neurons: 1, Projections: []hw.Projection{
		{Pre: hw.Population{External: true, Size: 1}, PostSize: 1, Weights: []int8{40}}}}
	if err := c.Configure(net); err != nil {
		panic(err)
	}
	p := hw.NeuronParams{Leak: 80, Reset: 60, Threshold: 75, TauMem: 6, TauSyn: 6, Refractory: 0.5, SynGain: [2]float64{1, 1}}
	if err := c.SetNeuron(0, p); err != nil {
		panic(err)
	}
	got, _ := c.Neuron(0)
	fmt.Printf("refractory used: %.3f µs\n", got.Refractory) // 63 ticks of 8 ns
	// from rest (20 LSB above the threshold) it fires at once, then every
	// 0.504 + 6·ln(20/5) = 8.82 µs: ticks 0, 1102, 2204

	slot, _ := c.Slot(true, 0)
	g, _ := c.SynapseGain(0, slot, false)
	fmt.Printf("synapse gain of input 0: %.3f\n", g)

	obs, err := c.Run([]hw.Stimulus{{Duration: 20}}, hw.RunOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Print("self-firing spikes at ticks:")
	for _, sp := range obs[0].Spikes {
		fmt.Print(" ", sp.Tick)
	}
	fmt.Println()

	noisy := hw.New(hw.Options{ChipSeed: 7, NoiseSeed: 3})
	if err := noisy.Configure(net); err != nil {
		panic(err)
	}
	sn, _ := noisy.Noise(0, 12, 2500) // sample 0 of a Run: 12 frames, 20 µs
	fmt.Printf("membrane-noise refreshes: %d, first at tick %d\n", len(sn.KickTicks), sn.KickTicks[0])
	// Output:
	// refractory used: 0.504 µs
	// synapse gain of input 0: 0.930
	// self-firing spikes at ticks: 0 1102 2204
	// membrane-noise refreshes: 12, first at tick 0
}
