package hw

import "math"

// Chip is one emulated die. It is configured with integer codes and runs
// experiments; it is not safe for concurrent use by several goroutines (Run
// and Infer parallelise internally).
type Chip struct {
	opt   Options
	die   *die
	codes [numCapMem][Circuits]uint16
	// exact holds the analog values of an ideal chip that was calibrated or
	// decalibrated: an ideal chip hits its targets without code quantisation.
	exact    *[numCapMem][Circuits]float64
	cadcCorr [Circuits]float64 // digital per-channel offset correction, LSB
	state    CalibState
	lastCal  *CalibrationResult
	seq      uint64

	net     *placement   // nil until Configure
	model   *neuronModel // derived dynamics; nil when stale
	workers []*worker    // per-goroutine scratch, reused across runs
}

// New returns the die of opt.ChipSeed with default (uncalibrated) codes.
func New(opt Options) *Chip {
	c := &Chip{opt: opt, die: newDie(opt.ChipSeed, opt.Ideal)}
	c.setDefaultCodes()
	return c
}

// Options returns the options the chip was made with.
func (c *Chip) Options() Options { return c.opt }

func (c *Chip) setDefaultCodes() {
	for m := capMem(0); m < numCapMem; m++ {
		for k := 0; k < Circuits; k++ {
			c.codes[m][k] = defaultCodes[m]
		}
	}
	c.exact = nil
	c.cadcCorr = [Circuits]float64{}
	c.state = Uncalibrated
	c.lastCal = nil
	c.model = nil
}

// Sequence is the number of samples the chip has run so far; each sample's
// temporal noise is drawn from (NoiseSeed, its sequence number).
func (c *Chip) Sequence() uint64 { return c.seq }

// SetSequence restores the sample counter (checkpoints).
func (c *Chip) SetSequence(s uint64) { c.seq = s }

// State is the calibration state.
func (c *Chip) State() CalibState { return c.state }

// analog is the analog value of cell m of circuit k now.
func (c *Chip) analog(m capMem, k int) float64 {
	if c.exact != nil {
		return c.exact[m][k]
	}
	return c.die.value(m, k, c.codes[m][k])
}

// Values returns the effective value of p for every circuit now, in physical
// units (LSB, µs, relative). For ParamCADCOffset it is the channel offset
// left after the digital correction.
func (c *Chip) Values(p Param) []float64 {
	v := make([]float64, Circuits)
	if p == ParamCADCOffset {
		for k := range v {
			v[k] = c.die.cadcOff[k] - c.cadcCorr[k]
		}
		return v
	}
	m, ok := capMemOf(p)
	for k := range v {
		v[k] = math.NaN()
		if ok {
			v[k] = c.analog(m, k)
		}
	}
	return v
}

// Codes returns the CapMem codes of p for every circuit (nil for
// ParamCADCOffset, which is a digital correction, not a CapMem cell).
func (c *Chip) Codes(p Param) []uint16 {
	m, ok := capMemOf(p)
	if !ok {
		return nil
	}
	out := make([]uint16, Circuits)
	copy(out, c.codes[m][:])
	return out
}

// capMemOf is the CapMem cell that sets p; false for parameters that are
// not CapMem cells (the CADC offset).
func capMemOf(p Param) (capMem, bool) {
	for m := capMem(0); m < numCapMem; m++ {
		if m.param() == p {
			return m, true
		}
	}
	return 0, false
}

// circuitsOf returns the two circuits of logical neuron n: the first fires and
// is read out, the second shares its membrane and adds a synapse column.
func circuitsOf(n int) (first, second int) {
	h := n / (LogicalNeurons / Hemispheres)
	i := n % (LogicalNeurons / Hemispheres)
	first = h*Columns + 2*i
	return first, first + 1
}

// NeuronLevels returns the leak and threshold potentials of logical neuron n
// in CADC LSB (true analog values, introspection).
func (c *Chip) NeuronLevels(n int) (leak, threshold float64) {
	if n < 0 || n >= LogicalNeurons {
		return math.NaN(), math.NaN()
	}
	a, b := circuitsOf(n)
	return 0.5 * (c.analog(cmLeak, a) + c.analog(cmLeak, b)), c.analog(cmThreshold, a)
}
