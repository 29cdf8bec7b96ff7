package hw

import "math"

// mnistNetwork is the paper's 256-246-10 layout with random weights of SD
// sdHidden and sdOut hardware units (clipped to ±63).
func mnistNetwork(seed uint64, sdHidden, sdOut float64) Network {
	r := newRNG(seed, 77)
	draw := func(n int, sd float64) []int8 {
		w := make([]int8, n)
		for k := range w {
			w[k] = int8(math.Max(-63, math.Min(63, math.Round(sd*r.norm()))))
		}
		return w
	}
	return Network{Inputs: 256, Neurons: 256, Integrators: Population{Offset: 246, Size: 10}, Projections: []Projection{
		{Pre: Population{External: true, Size: 256}, PostOffset: 0, PostSize: 246, Weights: draw(246*256, sdHidden)},
		{Pre: Population{Offset: 0, Size: 246}, PostOffset: 246, PostSize: 10, Weights: draw(10*246, sdOut)},
	}}
}

// mnistStimuli returns count samples of 34 µs in which every input spikes
// once. With grid true the times lie on the 1.7 µs bins as the trainer
// injects them (bin·1.7 + 1.7 µs, bins 0…6); otherwise they are continuous
// latencies in 0…12 µs.
func mnistStimuli(seed uint64, count int, grid bool) []Stimulus {
	r := newRNG(seed, 78)
	out := make([]Stimulus, count)
	for s := range out {
		ev := make([]Event, 256)
		for i := range ev {
			var t float64
			if grid {
				t = float64(int(r.float64()*7)+1) * 1.7
			} else {
				t = 12 * r.float64()
			}
			ev[i] = Event{Time: t, Source: int32(i)}
		}
		sortEvents(ev)
		out[s] = Stimulus{Events: ev, Duration: 34}
	}
	return out
}

func sortEvents(ev []Event) {
	// insertion sort keeps the test helper dependency-free and stable
	for i := 1; i < len(ev); i++ {
		for k := i; k > 0 && ev[k].Time < ev[k-1].Time; k-- {
			ev[k], ev[k-1] = ev[k-1], ev[k]
		}
	}
}
