package hw

// The temporal noise of one sample is drawn up front, in a fixed layout,
// from the sample's stream (NoiseSeed, Sequence()+k): first the leak offset
// of every placed neuron, then the threshold offset of every neuron, then
// the readout noise of every CADC conversion, frame-major over the sampled
// neurons. Which draw lands where depends only on the network, the run's
// frames and the sampled neurons, never on the path the integrator takes
// (probes, feed-forward levels or the event loop, vector kernels), so those
// cannot change an observable.

// sampleNoise fills dl and dth with the leak and threshold offsets (LSB) and
// returns the readout noise of frames × nsampled conversions in zr (reused).
func sampleNoise(s *noiseSource, m *neuronModel, frames, nsampled int, dl, dth, zr []float64) []float64 {
	s.fill(dl, m.leakSD)
	s.fill(dth, m.thSD)
	nz := frames * nsampled
	if cap(zr) < nz {
		zr = make([]float64, nz)
	}
	zr = zr[:nz]
	s.fill(zr, m.readoutSD)
	return zr
}
