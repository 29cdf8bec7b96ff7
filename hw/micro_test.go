package hw

import "testing"

func BenchmarkSimOne(b *testing.B) {
	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
	c.Configure(mnistNetwork(1, 8, 20))
	m := c.ensureModel()
	st := mnistStimuli(1, 1, true)[0]
	job := sampleJob{events: st.Events, horizon: tickOf(34) + 1, frames: 21, period: 1.7, cadc: make([]uint8, 21*256)}
	w := &worker{}
	w.noise = noiseSource{rng: newRNG(1)}
	for b.Loop() {
		w.simulate(m, c.net, &job)
	}
}
