package hw

import "math"

// Mismatch spreads of the emulated die (fixed pattern, drawn once per chip
// seed). Potentials carry an offset and a relative slope error of their
// CapMem transfer curve; time constants a log-normal factor on the bias
// current and an offset of the current DAC; gains a relative error.
// Uncalibrated (default codes) this gives leak and reset SD ≈ 12 LSB,
// threshold ≈ 14 LSB (threshold − leak ≈ 26 % normalised), τ ≈ 25 %, synaptic
// gain ≈ 15 %, refractory ≈ 0.15 µs, synapse gain ≈ 7 %: clearly
// heterogeneous and below the 50 % that docs/model.md §2.3 says exceeds an
// uncalibrated chip.
const (
	sdPotentialOffset = 12.0 // LSB, leak and reset
	sdThresholdOffset = 14.0 // LSB
	sdPotentialSlope  = 0.03 // relative slope error of voltage cells
	sdTauLog          = 0.25 // log-normal σ of the τ bias-current scale
	sdTauCodeOffset   = 3.0  // codes, current-DAC offset
	sdSynGain         = 0.15 // relative, per circuit
	sdRefractory      = 0.15 // µs, analog reset-release offset
	sdSynapseGain     = 0.07 // relative, per synapse
	sdCADCOffset      = 10.0 // LSB, per channel
	sdCADCGain        = 0.02 // relative, per channel
)

// Temporal noise, from the noise seed. Each sample draws, per neuron, a small
// offset of the leak and of the threshold that holds for the whole sample
// (slow membrane noise: trial-to-trial variability of spike times and
// resting levels), and every CADC conversion adds white readout noise. Noise
// that varies within a sample is left out: it would force the integrator to
// visit every neuron on a fine grid, and the readout noise already gives the
// ≈1.4 LSB frame-to-frame scatter the trainer sees.
const (
	leakJitterLSB      = 1.0 // LSB, per neuron and sample
	thresholdJitterLSB = 1.0 // LSB, per neuron and sample
	readoutNoiseLSB    = 1.0 // LSB per CADC conversion
	madcNoiseLSB       = 1.0 // LSB per MADC sample (calibration probe)
)

// die is the fixed pattern of one chip.
type die struct {
	potOffset [3][Circuits]float64 // leak, reset, threshold: LSB
	potSlope  [3][Circuits]float64 // relative slope error
	tauScale  [2][Circuits]float64 // τ_mem, τ_syn: µs·code
	tauOffset [2][Circuits]float64 // codes
	synGain   [Circuits]float64    // relative factor
	refOffset [Circuits]float64    // µs
	cadcOff   [Circuits]float64    // LSB
	cadcGain  [Circuits]float64    // relative factor
	// synapse[h][row][col] is the gain of one synapse; rows 2k and 2k+1 are
	// the excitatory and inhibitory rows of row pair k.
	synapse [Hemispheres][Rows][Columns]float32
}

// newDie draws the fixed pattern of chip seed; nominal gives the die without
// mismatch.
func newDie(seed uint64, nominal bool) *die {
	d := &die{}
	for c := 0; c < Circuits; c++ {
		d.potSlope[0][c], d.potSlope[1][c], d.potSlope[2][c] = 1, 1, 1
		d.tauScale[0][c], d.tauScale[1][c] = tauScale, tauScale
		d.tauOffset[0][c], d.tauOffset[1][c] = tauCodeOffset, tauCodeOffset
		d.synGain[c] = 1
		d.cadcGain[c] = 1
	}
	for h := range d.synapse {
		for r := range d.synapse[h] {
			for k := range d.synapse[h][r] {
				d.synapse[h][r][k] = 1
			}
		}
	}
	if nominal {
		return d
	}
	// One stream per quantity, so adding a quantity never moves the others.
	r := newRNG(seed, 1)
	for i := 0; i < 3; i++ {
		sd := sdPotentialOffset
		if i == 2 {
			sd = sdThresholdOffset
		}
		for c := 0; c < Circuits; c++ {
			d.potOffset[i][c] = sd * r.norm()
			d.potSlope[i][c] = 1 + sdPotentialSlope*r.norm()
		}
	}
	r = newRNG(seed, 2)
	for i := 0; i < 2; i++ {
		for c := 0; c < Circuits; c++ {
			d.tauScale[i][c] = tauScale * math.Exp(sdTauLog*r.norm())
			d.tauOffset[i][c] = tauCodeOffset + sdTauCodeOffset*r.norm()
		}
	}
	r = newRNG(seed, 3)
	for c := 0; c < Circuits; c++ {
		d.synGain[c] = math.Max(0.05, 1+sdSynGain*r.norm())
		d.refOffset[c] = sdRefractory * r.norm()
	}
	r = newRNG(seed, 4)
	for c := 0; c < Circuits; c++ {
		d.cadcOff[c] = sdCADCOffset * r.norm()
		d.cadcGain[c] = 1 + sdCADCGain*r.norm()
	}
	r = newRNG(seed, 5)
	for h := range d.synapse {
		for row := range d.synapse[h] {
			for k := range d.synapse[h][row] {
				d.synapse[h][row][k] = float32(math.Max(0, 1+sdSynapseGain*r.norm()))
			}
		}
	}
	return d
}

// value is the analog value circuit c makes of code for cell m, in physical
// units (LSB, µs, relative).
func (d *die) value(m capMem, c int, code uint16) float64 {
	x := float64(code)
	switch m {
	case cmLeak, cmReset, cmThreshold:
		i := int(m - cmLeak)
		return (x-potentialCode0)*potentialPerCode*d.potSlope[i][c] + d.potOffset[i][c]
	case cmTauMem, cmTauSyn:
		i := int(m - cmTauMem)
		return d.tauScale[i][c] / math.Max(x+d.tauOffset[i][c], 0.5)
	case cmSynGain:
		return x / synGainCode * d.synGain[c]
	case cmRefractory:
		return math.Max(x*refClock+d.refOffset[c], EventTick)
	}
	panic("hw: bad CapMem cell")
}

// increasing reports whether value grows with the code.
func (m capMem) increasing() bool { return m != cmTauMem && m != cmTauSyn }

// param maps a CapMem cell to the Param it sets.
func (m capMem) param() Param {
	return [numCapMem]Param{ParamLeak, ParamReset, ParamThreshold, ParamTauMem, ParamTauSyn, ParamSynGain, ParamRefractory}[m]
}
