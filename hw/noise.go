package hw

import (
	"fmt"
	"math"
)

// Temporal noise. Three kinds, all from the noise seed, sample k of a run
// drawing from (NoiseSeed, Sequence()+k):
//
//   - per-sample offsets: each neuron's leak and threshold move by a
//     Gaussian offset (leakJitterLSB, thresholdJitterLSB) for the whole
//     sample (slow drifts: trial-to-trial variability of resting levels);
//   - membrane noise within the sample (below);
//   - readout noise: every CADC conversion adds white Gaussian noise
//     (readoutNoiseLSB) before rounding.
//
// Membrane noise is a noise current η on every neuron's synaptic input. At
// the refresh ticks t_k = round(k·Δ/8 ns), k = 0, 1, … (Δ =
// MembraneNoise.Interval, by default the 1.7 µs of the CADC and the input
// bins, so the refreshes fall on ticks the integrator stops at anyway), η
// of neuron j jumps by ξ_kj = σ_ξ·z_kj with independent standard normal
// z_kj; between refreshes it decays with the neuron's τ_syn like any
// synaptic current:
//
//	dη/dt = −η/τ_syn + Σ_k ξ_kj·δ(t − t_k),   η = 0 at the sample's start
//
// so at the refresh ticks η is exactly an Ornstein–Uhlenbeck current
// sampled there (an AR(1) process with coefficient e^(−Δ/τ_syn)), relaxing
// deterministically in between. The membrane filters it (du/dt = −u/τ_mem +
// I + η). Since the kicks enter like input spikes, the integration stays
// exact and event-driven: a spike's tick is the tick of the first crossing
// of this process, and with the noise off nothing changes.
//
// Statistics (noiseCov): with A the propagator of (u, I) over Δ and the
// kick variance σ_ξ², the state right after refresh k has covariance
// P_(k+1) = A·P_k·Aᵀ + diag(0, σ_ξ²) from P_0 = 0, whose fixed point has
//
//	P_II = σ_ξ²/(1 − e_s²),  P_uI = F·e_s·P_II/(1 − e_m·e_s),
//	P_uu = (2·e_m·F·P_uI + F²·P_II)/(1 − e_m²)
//
// (e_m, e_s, F of the neuron over Δ; lif.go), and the membrane's
// autocovariance at lag m refreshes is e_m(mΔ)·P_uu + F(mΔ)·P_uI. The
// amplitude MembraneNoise.SD is σ_V = √P_uu of a neuron with τ_mem = τ_syn
// = 6 µs (the calibration targets) on the uniform grid Δ; σ_ξ follows from
// it and is the same for every neuron, so a neuron with longer time
// constants fluctuates more, as a physical noise current would make it.
//
// The default σ_V (docs/model.md §2.3 gives the source): no BrainScaleS-2
// measurement of membrane noise in the spiking mode was found; the
// published trial-to-trial figure is 2 LSB SD per CADC readout (the hxtorch
// mock of the chip's MAC mode). A resting neuron read by the CADC here
// varies from trial to trial by the readout noise (1 LSB), the leak offset
// (1 LSB) and σ_V together; σ_V = √(2² − 1² − 1²) ≈ 1.4 LSB makes that the
// published 2 LSB.
const (
	DefaultMembraneNoiseSD       = 1.4 // LSB
	DefaultMembraneNoiseInterval = 1.7 // µs
	nominalNoiseTau              = 6.0 // µs: τ_mem = τ_syn at which SD is defined
)

// Check says what is wrong with the options, if anything (New panics on
// options that do not pass).
func (o Options) Check() error {
	mn := o.Membrane
	if !(mn.SD >= 0 && mn.SD <= 100) {
		return fmt.Errorf("hw: membrane noise SD %g LSB; accepted 0 (default %g) to 100 LSB", mn.SD, float64(DefaultMembraneNoiseSD))
	}
	if mn.Interval != 0 && !(mn.Interval >= EventTick && mn.Interval <= 1000) {
		return fmt.Errorf("hw: membrane noise interval %g µs; accepted 0 (default %g) or %g to 1000 µs", mn.Interval, float64(DefaultMembraneNoiseInterval), EventTick)
	}
	return nil
}

// SetMembraneNoise changes the membrane noise of the chip (the rest of its
// options stay); runs after it use the new setting.
func (c *Chip) SetMembraneNoise(mn MembraneNoise) error {
	o := c.opt
	o.Membrane = mn
	if err := o.Check(); err != nil {
		return err
	}
	c.opt.Membrane = mn
	c.model = nil
	return nil
}

// membraneNoise returns the kick SD σ_ξ (LSB/µs; 0 with the noise off) and
// the refresh interval Δ (µs) of the chip's options.
func (c *Chip) membraneNoise() (kickSD, interval float64) {
	mn := c.opt.Membrane
	interval = mn.Interval
	if interval == 0 {
		interval = DefaultMembraneNoiseInterval
	}
	if mn.Off || c.opt.NoNoise {
		return 0, interval
	}
	sd := mn.SD
	if sd == 0 {
		sd = DefaultMembraneNoiseSD
	}
	return sd / math.Sqrt(noiseCov(nominalNoiseTau, nominalNoiseTau, interval).uu), interval
}

// cov2 is the covariance of a neuron's (u, I).
type cov2 struct{ uu, ui, ii float64 }

// noiseCov is the stationary covariance of (u, I) right after a refresh, on
// the uniform grid dt, per unit kick variance (see above).
func noiseCov(tauM, tauS, dt float64) cov2 {
	p := propagator(tauM, tauS, 1/tauM-1/tauS, dt)
	a, b, c := p.em, p.f, p.es
	ii := 1 / (1 - c*c)
	ui := b * c * ii / (1 - a*c)
	return cov2{uu: (2*a*b*ui + b*b*ii) / (1 - a*a), ui: ui, ii: ii}
}

// kickTicks returns the refresh ticks before horizon in dst (reused).
func kickTicks(interval float64, horizon int64, dst []int64) []int64 {
	dst = dst[:0]
	for k := 0; ; k++ {
		t := tickOf(float64(k) * interval)
		if t >= horizon {
			return dst
		}
		dst = append(dst, t)
	}
}

// kickSource deals the kicks of one sample by (refresh, neuron), in any
// order: z_kj is a table deviate (rng.go) picked by the top 12 bits of
// kickHash(key ^ k·φ ^ j·c), a 32-bit hash per kick, so that every path
// reads the same kick and a vector kernel can make eight at once
// (addKicksVector). tab holds the table scaled by σ_ξ, as float32 (the
// jumps of a tick are summed in float32; neuronModel.kickTab).
type kickSource struct {
	key uint32
	tab *[1 << normTableBits]float32
}

// Constants of the kick hash: the refresh and the neuron enter through
// multiplications by odd constants, then lowbias32 (a 32-bit integer hash
// with two multiplications) mixes them.
const (
	kickMulRefresh = 0x9e3779b9
	kickMulNeuron  = 0x85ebca6b
	kickMul1       = 0x7feb352d
	kickMul2       = 0x846ca68b
)

// kickHash is lowbias32.
func kickHash(x uint32) uint32 {
	x ^= x >> 16
	x *= kickMul1
	x ^= x >> 15
	x *= kickMul2
	x ^= x >> 16
	return x
}

// kick is the current jump ξ_kj of neuron j at refresh k, LSB/µs.
func (s kickSource) kick(k, j int) float32 {
	h := kickHash(s.key ^ uint32(k)*kickMulRefresh ^ uint32(j)*kickMulNeuron)
	return s.tab[h>>(32-normTableBits)]
}

// addKicks adds the kicks of refresh k to row[j] for j in lo…hi−1 (the
// inner loop of the membrane noise): a vector kernel takes blocks of 8
// neurons where the CPU has one, the scalar loop the rest, with the same
// values.
func (s kickSource) addKicks(row []float32, lo, hi, k int) {
	row = row[:hi]
	j := lo
	if n8 := (hi - lo) &^ 7; n8 > 0 && addKicksVector(row[lo:lo+n8], s.key^uint32(k)*kickMulRefresh, uint32(lo)*kickMulNeuron, s.tab) {
		j += n8
	}
	c := s.key ^ uint32(k)*kickMulRefresh
	tab := s.tab
	for ; j < hi; j++ {
		row[j] += tab[kickHash(c^uint32(j)*kickMulNeuron)>>(32-normTableBits)]
	}
}

// sampleNoise fills dl and dth with the leak and threshold offsets (LSB),
// returns the readout noise of frames × nsampled conversions in zr (reused)
// and sets up the membrane kicks.
func sampleNoise(s *noiseSource, m *neuronModel, frames, nsampled int, dl, dth, zr []float64) ([]float64, kickSource) {
	s.fill(dl, m.leakSD)
	s.fill(dth, m.thSD)
	nz := frames * nsampled
	if cap(zr) < nz {
		zr = make([]float64, nz)
	}
	zr = zr[:nz]
	s.fill(zr, m.readoutSD)
	key := s.uint64()
	return zr, kickSource{key: uint32(key ^ key>>32), tab: m.kickTab}
}

// SampleNoise is the temporal noise of one sample, as Run draws it (see
// Chip.Noise).
type SampleNoise struct {
	Sequence uint64
	// LeakOffset and ThresholdOffset are per placed neuron, LSB: added to
	// the leak and the threshold for the whole sample.
	LeakOffset, ThresholdOffset []float64
	// Readout is the noise of each CADC conversion of a Run with all
	// neurons sampled, LSB, frame-major: Readout[f*Neurons+j].
	Readout []float64
	// KickTicks are the refresh ticks of the membrane noise and Kicks the
	// jumps of each neuron's noise current there, LSB/µs:
	// Kicks[k*Neurons+j] at KickTicks[k].
	KickTicks []int64
	Kicks     []float32
}

// Noise replays the temporal noise that sample number seq (Sequence() at
// the start of its batch plus its index) of a Run with frames CADC frames
// and the given horizon (in event ticks; Run's is max(round(Duration/8 ns),
// round((frames−1)·Period/8 ns)+1)) draws on the configured network. It
// does not run anything or change the chip.
func (c *Chip) Noise(seq uint64, frames int, horizon int64) (SampleNoise, error) {
	if c.net == nil {
		return SampleNoise{}, configErr("projection", "no network is configured; call Configure first")
	}
	if frames < 0 || horizon < 0 || horizon > int64(maxDuration/EventTick)+1 || frames > int(horizon)+1 {
		return SampleNoise{}, fmt.Errorf("hw: noise of %d frames over %d ticks; need 0 ≤ frames ≤ horizon+1 and 0 ≤ horizon ≤ %d ticks", frames, horizon, int64(maxDuration/EventTick)+1)
	}
	m := c.ensureModel()
	n := m.n
	sn := SampleNoise{Sequence: seq, LeakOffset: make([]float64, n), ThresholdOffset: make([]float64, n)}
	s := noiseSource{rng: newRNG(c.opt.NoiseSeed, noiseStream, seq)}
	var ks kickSource
	sn.Readout, ks = sampleNoise(&s, m, frames, n, sn.LeakOffset, sn.ThresholdOffset, nil)
	sn.KickTicks = kickTicks(m.kickEvery, horizon, nil)
	if m.kickSD == 0 {
		sn.KickTicks = nil
	}
	sn.Kicks = make([]float32, len(sn.KickTicks)*n)
	for k := range sn.KickTicks {
		for j := 0; j < n; j++ {
			sn.Kicks[k*n+j] = ks.kick(k, j)
		}
	}
	return sn, nil
}
