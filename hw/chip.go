package hw

import (
	"fmt"
	"math"
)

// Chip is one emulated die. It is configured with integer codes and runs
// experiments; it is not safe for concurrent use by several goroutines (Run
// and Infer parallelise internally).
type Chip struct {
	opt   Options
	die   *die
	codes [numCapMem][Circuits]uint16
	// exact holds analog values that override the codes (NaN: none): those
	// of an ideal chip that was calibrated or decalibrated (it hits its
	// targets without code quantisation) and those set by SetNeuron.
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
	if err := opt.Check(); err != nil {
		panic(err) // a programmer error: callers with user input call Check first
	}
	if opt.Ideal {
		opt.NoMismatch, opt.NoNoise = true, true
	}
	opt.Ideal = opt.NoMismatch && opt.NoNoise
	c := &Chip{opt: opt, die: newDie(opt.ChipSeed, opt.NoMismatch)}
	c.setDefaultCodes()
	return c
}

// noiseScale is 1 with temporal noise and 0 without.
func (c *Chip) noiseScale() float64 {
	if c.opt.NoNoise {
		return 0
	}
	return 1
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
		if v := c.exact[m][k]; !math.IsNaN(v) {
			return v
		}
	}
	return c.die.value(m, k, c.codes[m][k])
}

// refTicks is the refractory counter's length in event ticks for an analog
// refractory time of v µs: what the chip uses.
func refTicks(v float64) int64 { return max(1, int64(math.Round(v/EventTick))) }

// onGrid is the value of p that the chip uses for an analog value v: the
// refractory time on the event grid, every other parameter as it is.
func onGrid(p Param, v float64) float64 {
	if p == ParamRefractory {
		return float64(refTicks(v)) * EventTick
	}
	return v
}

// Values returns the effective value of p for every circuit now, in physical
// units (LSB, µs, relative): what the circuit uses, so the refractory time
// is on the 8 ns grid of its counter. For ParamCADCOffset it is the channel
// offset left after the digital correction. A logical neuron combines two
// circuits; Neuron gives the parameters it uses.
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
			v[k] = onGrid(p, c.analog(m, k))
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
// in CADC LSB (true analog values, introspection; NaN for a neuron that
// does not exist).
func (c *Chip) NeuronLevels(n int) (leak, threshold float64) {
	p, err := c.Neuron(n)
	if err != nil {
		return math.NaN(), math.NaN()
	}
	return p.Leak, p.Threshold
}

// Neuron returns the parameters logical neuron n uses now (see
// NeuronParams), the same values the integration reads.
func (c *Chip) Neuron(n int) (NeuronParams, error) {
	if n < 0 || n >= LogicalNeurons {
		return NeuronParams{}, fmt.Errorf("hw: logical neuron %d; the chip has 0..%d", n, LogicalNeurons-1)
	}
	a, b := circuitsOf(n)
	return NeuronParams{
		Leak:       0.5 * (c.analog(cmLeak, a) + c.analog(cmLeak, b)),
		Reset:      c.analog(cmReset, a),
		Threshold:  c.analog(cmThreshold, a),
		TauMem:     0.5 * (c.analog(cmTauMem, a) + c.analog(cmTauMem, b)),
		TauSyn:     0.5 * (c.analog(cmTauSyn, a) + c.analog(cmTauSyn, b)),
		Refractory: onGrid(ParamRefractory, c.analog(cmRefractory, a)),
		SynGain:    [2]float64{c.analog(cmSynGain, a), c.analog(cmSynGain, b)},
	}, nil
}

// SetNeuron makes logical neuron n use p, on any chip: the analog values of
// both its circuits are set directly (as an ideal calibration does), over
// whatever their codes would give, until the next Calibrate, Decalibrate or
// Uncalibrate. Codes still report the codes. The refractory time is put on
// the event grid (NeuronParams.Refractory).
func (c *Chip) SetNeuron(n int, p NeuronParams) error {
	if n < 0 || n >= LogicalNeurons {
		return fmt.Errorf("hw: logical neuron %d; the chip has 0..%d", n, LogicalNeurons-1)
	}
	if err := checkNeuron(p); err != nil {
		return fmt.Errorf("hw: neuron %d: %w", n, err)
	}
	if c.exact == nil {
		c.exact = new([numCapMem][Circuits]float64)
		for m := range c.exact {
			for k := range c.exact[m] {
				c.exact[m][k] = math.NaN()
			}
		}
	}
	a, b := circuitsOf(n)
	for i, k := range [2]int{a, b} {
		for m, v := range [numCapMem]float64{p.Leak, p.Reset, p.Threshold, p.TauMem, p.TauSyn, p.SynGain[i], p.Refractory} {
			c.exact[m][k] = v
		}
	}
	c.model = nil
	return nil
}

// checkNeuron says what is wrong with p, if anything.
func checkNeuron(p NeuronParams) error {
	for _, x := range []struct {
		name   string
		v, lo  float64
		hi     float64
		unit   string
		openLo bool
	}{
		{"leak", p.Leak, -1000, 1000, "LSB", false},
		{"reset", p.Reset, -1000, 1000, "LSB", false},
		{"threshold", p.Threshold, -1000, 1000, "LSB", false},
		{"tau_mem", p.TauMem, 0, 1000, "µs", true},
		{"tau_syn", p.TauSyn, 0, 1000, "µs", true},
		{"refractory", p.Refractory, 0, float64(refTicksLimit) * EventTick, "µs", false},
		{"syn_gain[0]", p.SynGain[0], 0, 100, "", false},
		{"syn_gain[1]", p.SynGain[1], 0, 100, "", false},
	} {
		if !(x.v >= x.lo && x.v <= x.hi) || (x.openLo && x.v == x.lo) {
			lb := "["
			if x.openLo {
				lb = "("
			}
			return fmt.Errorf("%s = %g %s; accepted %s%g, %g] %s", x.name, x.v, x.unit, lb, x.lo, x.hi, x.unit)
		}
	}
	return nil
}

// SynapseGain returns the relative gain of one synapse of logical neuron n:
// the synapse of source slot s (0…255, see Configure: input i uses slot i,
// neuron j slot (Inputs+j) mod 256) in the excitatory or the inhibitory row
// of its row pair, times the synaptic-input gain of the circuit whose column
// holds it. A weight w through it moves the synaptic current by
// w·SynapticCurrentPerWeight·gain (the excitatory row for w > 0, the
// inhibitory one for w < 0).
func (c *Chip) SynapseGain(n, slot int, inhibitory bool) (float64, error) {
	if n < 0 || n >= LogicalNeurons || slot < 0 || slot >= MaxFanIn {
		return math.NaN(), fmt.Errorf("hw: synapse of neuron %d slot %d; the chip has neurons 0..%d and slots 0..%d", n, slot, LogicalNeurons-1, MaxFanIn-1)
	}
	a, _ := circuitsOf(n)
	h := a / Columns
	circ := a + slot/slotsPerColumn
	row := 2 * (slot % slotsPerColumn)
	if inhibitory {
		row++
	}
	return float64(c.die.synapse[h][row][circ-h*Columns]) * c.analog(cmSynGain, circ), nil
}

// Slot returns the source slot of an external input (external) or a
// logical neuron of the configured network (see SynapseGain).
func (c *Chip) Slot(external bool, index int) (int, error) {
	if c.net == nil {
		return 0, configErr("projection", "no network is configured; call Configure first")
	}
	limit := c.net.neurons
	if external {
		limit = c.net.inputs
	}
	if index < 0 || index >= limit {
		return 0, fmt.Errorf("hw: source %d; the network has %d of that kind", index, limit)
	}
	return slotOf(c.net.inputs, external, index), nil
}
