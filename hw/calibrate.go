package hw

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Calibration, the way calix does it: first the CADC (every channel reads a
// common reference voltage; the per-channel digital offset correction is the
// rounded mean deviation), then per circuit a binary search over each 10-bit
// CapMem code (8-bit for the refractory counter), measuring the circuit
// through the same noisy readout at every step:
//
//   - leak: the resting membrane, 10 CADC reads;
//   - reset: the membrane clamped during a long refractory period, 10 reads;
//   - threshold: the membrane at the moment of a threshold crossing under a
//     slow drive, 10 reads (calix reads the maximum of the spiking trace);
//   - τ_mem: an MADC trace (30 MSample/s, 1 LSB noise) of the relaxation
//     after a reset 40 LSB below the leak, fitted by regressing the slope on
//     the value (offset-free: du/dt = −(V − V_leak)/τ_mem);
//   - τ_syn and synaptic gain: an MADC trace of the response to 8 synapses of
//     weight 63 on the circuit's column; the synaptic current is
//     reconstructed as I = du/dt + u/τ_mem (τ_mem as just measured), and a
//     log-linear fit gives τ_syn (slope) and the gain (intercept, relative to
//     8·63·SynapticCurrentPerWeight);
//   - refractory: spike timestamps of the circuit with its reset above its
//     threshold, so it fires again the instant the clamp releases: the
//     inter-spike interval is the refractory time on the 8 ns grid.
//
// The measurement noise comes from the noise seed, one stream per circuit and
// parameter, so a calibration is deterministic and independent of the number
// of cores. Residual mismatch stays: CADC gain errors, the noise of the
// measurements, code quantisation and the per-synapse gains.

// Tolerances beyond which a circuit is reported as failed.
const (
	tolPotential  = 3.0  // LSB
	tolTau        = 0.05 // relative
	tolGain       = 0.05 // relative
	tolRefractory = 0.05 // µs
	cadcReads     = 10
	madcRate      = 30.0 // samples per µs
	calibStream   = 0x63616c6962
)

// Calibrate searches the CapMem codes of every circuit so it hits t, and
// corrects the CADC offsets. Circuits that cannot reach a target are listed
// in the result (they keep their best code).
func (c *Chip) Calibrate(t Targets) (CalibrationResult, error) {
	if err := checkTargets(t); err != nil {
		return CalibrationResult{}, err
	}
	var per [Circuits]Targets
	for k := range per {
		per[k] = t
	}
	res := c.calibrateTo(&per)
	res.State, res.Targets = Calibrated, t
	c.state = Calibrated
	c.lastCal = &res
	return res, nil
}

// Decalibrate calibrates every logical neuron to its own targets: τ_mem,
// τ_syn and threshold − leak drawn from normal distributions centred on t
// with normalised SD sigma (paper Fig. 4), from seed. Both circuits of a
// logical neuron share the draw. Targets that no code can reach (for
// instance τ below the circuit's range) are reported as failures.
func (c *Chip) Decalibrate(t Targets, sigma float64, seed uint64) (CalibrationResult, error) {
	return c.DecalibrateEach(t, Detuning{TauMem: sigma, TauSyn: sigma, Threshold: sigma}, seed)
}

// Detuning is the normalised SD of each detuned target of a decalibration.
type Detuning struct {
	TauMem    float64 `json:"tau_mem"`
	TauSyn    float64 `json:"tau_syn"`
	Threshold float64 `json:"threshold"` // of threshold − leak
}

// Max is the largest of the three spreads.
func (d Detuning) Max() float64 { return max(d.TauMem, d.TauSyn, d.Threshold) }

// DecalibrateEach is Decalibrate with a spread per parameter (the paper
// detunes time constants and thresholds apart as well as jointly). The
// draws do not depend on the spreads, so equal spreads give Decalibrate's
// chip exactly and a zero spread leaves that target as calibrated.
func (c *Chip) DecalibrateEach(t Targets, d Detuning, seed uint64) (CalibrationResult, error) {
	if err := checkTargets(t); err != nil {
		return CalibrationResult{}, err
	}
	for _, s := range []float64{d.TauMem, d.TauSyn, d.Threshold} {
		if !(s >= 0) || s > 1 {
			return CalibrationResult{}, fmt.Errorf("hw: decalibration σ_d %g; accepted 0 ≤ σ_d ≤ 1 (normalised SD)", s)
		}
	}
	r := newRNG(seed, 0x646563616c)
	var per [Circuits]Targets
	for n := 0; n < LogicalNeurons; n++ {
		x := t
		x.TauMem = t.TauMem * (1 + d.TauMem*r.norm())
		x.TauSyn = t.TauSyn * (1 + d.TauSyn*r.norm())
		x.Threshold = t.Leak + (t.Threshold-t.Leak)*(1+d.Threshold*r.norm())
		a, b := circuitsOf(n)
		per[a], per[b] = x, x
	}
	res := c.calibrateTo(&per)
	res.State, res.Targets, res.Sigma, res.Seed = Decalibrated, t, d.Max(), seed
	c.state = Decalibrated
	c.lastCal = &res
	return res, nil
}

// Uncalibrate restores the default codes and drops the CADC correction.
func (c *Chip) Uncalibrate() { c.setDefaultCodes() }

// LastCalibration returns the result of the calibration in force, if any.
func (c *Chip) LastCalibration() (CalibrationResult, bool) {
	if c.lastCal == nil {
		return CalibrationResult{}, false
	}
	return *c.lastCal, true
}

// Check says whether the chip can be calibrated to t: one line naming the
// first target out of its range and the range.
func (t Targets) Check() error { return checkTargets(t) }

func checkTargets(t Targets) error {
	bad := func(name string, v, lo, hi float64, unit string) error {
		if !(v >= lo && v <= hi) {
			return fmt.Errorf("hw: calibration target %s = %g %s; accepted %g…%g %s", name, v, unit, lo, hi, unit)
		}
		return nil
	}
	for _, e := range []error{
		bad("leak", t.Leak, 10, 245, "LSB"),
		bad("reset", t.Reset, 10, 245, "LSB"),
		bad("threshold", t.Threshold, 10, 250, "LSB"),
		bad("tau_mem", t.TauMem, 0.5, 60, "µs"),
		bad("tau_syn", t.TauSyn, 0.3, 30, "µs"),
		bad("refractory", t.Refractory, 0.04, 4, "µs"),
		bad("syn_gain", t.SynGain, 0.1, 2, ""),
	} {
		if e != nil {
			return e
		}
	}
	return nil
}

// calibrateTo runs the whole calibration to per-circuit targets.
func (c *Chip) calibrateTo(per *[Circuits]Targets) CalibrationResult {
	c.setDefaultCodes()
	var res CalibrationResult
	res.CADCOffsetSDBefore = sdOf(c.die.cadcOff[:])
	if c.opt.Ideal {
		c.exact = new([numCapMem][Circuits]float64)
		for k := 0; k < Circuits; k++ {
			t := per[k]
			for m, v := range [numCapMem]float64{t.Leak, t.Reset, t.Threshold, t.TauMem, t.TauSyn, t.SynGain, t.Refractory} {
				c.exact[m][k] = v
				c.codes[m][k] = nominalCode(capMem(m), v)
			}
		}
		c.model = nil
		return res
	}
	c.calibrateCADC()
	after := make([]float64, Circuits)
	for k := range after {
		after[k] = c.die.cadcOff[k] - c.cadcCorr[k]
	}
	res.CADCOffsetSDAfter = sdOf(after)

	fails := make([][]CircuitFailure, Circuits)
	nw := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for g := 0; g < nw; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := g; k < Circuits; k += nw {
				fails[k] = c.calibrateCircuit(k, per[k])
			}
		}(g)
	}
	wg.Wait()
	for _, f := range fails {
		res.Failed = append(res.Failed, f...)
	}
	c.model = nil
	return res
}

// nominalCode inverts the nominal transfer curve of m (for reporting the
// codes of an ideal chip).
func nominalCode(m capMem, v float64) uint16 {
	var x float64
	switch m {
	case cmLeak, cmReset, cmThreshold:
		x = v/potentialPerCode + potentialCode0
	case cmTauMem, cmTauSyn:
		x = tauScale/v - tauCodeOffset
	case cmSynGain:
		x = v * synGainCode
	case cmRefractory:
		x = v / refClock
	}
	return uint16(math.Max(0, math.Min(float64(codeMax(m)), math.Round(x))))
}

// calibrateCADC sets the digital offset correction of every channel from the
// mean of 32 reads of a common 128 LSB reference.
func (c *Chip) calibrateCADC() {
	const reads, ref = 32, 128.0
	for k := 0; k < Circuits; k++ {
		r := newRNG(c.opt.NoiseSeed, calibStream, uint64(k), 99)
		sum := 0.0
		for i := 0; i < reads; i++ {
			sum += float64(c.cadcRead(k, ref, c.noiseScale()*readoutNoiseLSB*r.norm(), 0))
		}
		c.cadcCorr[k] = math.Round(sum/reads - ref)
	}
}

// cadcRead is one conversion of channel k for true potential v, with noise z
// and digital correction corr.
func (c *Chip) cadcRead(k int, v, z, corr float64) uint8 {
	g := c.die.cadcGain[k]
	return cadcRound(g*v+c.die.cadcOff[k]-(g-1)*cadcPivot+z, int(corr))
}

// circuitProbe measures one circuit with its codes in c.codes.
type circuitProbe struct {
	c   *Chip
	k   int
	r   noiseSource
	buf []float64
}

// potential is the mean of cadcReads corrected CADC reads of potential cell m.
func (p *circuitProbe) potential(m capMem) float64 {
	v := p.c.die.value(m, p.k, p.c.codes[m][p.k])
	sum := 0.0
	for i := 0; i < cadcReads; i++ {
		noise := p.c.noiseScale() * readoutNoiseLSB * p.r.norm()
		jitter := p.c.noiseScale() * leakJitterLSB * p.r.norm()
		sum += float64(p.c.cadcRead(p.k, v+jitter, noise, p.c.cadcCorr[p.k]))
	}
	return sum / cadcReads
}

// madc fills p.buf with an MADC trace of u(t) (relative to the leak) sampled
// at madcRate for window µs after t = 0, from u0 and a synaptic current i0.
func (p *circuitProbe) madc(u0, i0, window float64) []float64 {
	tm := p.c.die.value(cmTauMem, p.k, p.c.codes[cmTauMem][p.k])
	ts := p.c.die.value(cmTauSyn, p.k, p.c.codes[cmTauSyn][p.k])
	d := 1/tm - 1/ts
	n := int(window * madcRate)
	if cap(p.buf) < n {
		p.buf = make([]float64, n)
	}
	out := p.buf[:n]
	dt := 1 / madcRate
	rm, rs := math.Exp(-dt/tm), math.Exp(-dt/ts)
	em, es := 1.0, 1.0
	exactF := math.Abs(d)*window < 1e-6
	for i := range out {
		t := float64(i) * dt
		var f float64
		if exactF {
			f = fKernel(em, d, t)
		} else {
			f = (es - em) / d
		}
		out[i] = u0*em + i0*f + p.c.noiseScale()*madcNoiseLSB*p.r.norm()
		em *= rm
		es *= rs
	}
	return out
}

// madcBlock averages the trace in blocks of 6 samples (0.2 µs) and returns
// block means x and central-difference slopes s (per µs) for blocks 1…n−2.
func madcBlocks(trace []float64, x, s []float64) ([]float64, []float64, float64) {
	const b = 6
	h := b / madcRate
	nb := len(trace) / b
	x, s = x[:0], s[:0]
	means := make([]float64, nb)
	for i := range means {
		sum := 0.0
		for _, v := range trace[i*b : (i+1)*b] {
			sum += v
		}
		means[i] = sum / b
	}
	for i := 1; i+1 < nb; i++ {
		x = append(x, means[i])
		s = append(s, (means[i+1]-means[i-1])/(2*h))
	}
	return x, s, h
}

// tauMem measures τ_mem from the relaxation after a reset 40 LSB below the
// leak: the resting level is read first (60 MADC samples), then
// ln(rest − V) is fitted against time, weighted by the expected squared
// amplitude,
// over the first 2 target time constants (amplitude ≳ 5 LSB; the window is
// fixed in advance, since selecting samples by their noisy value biases the
// fit).
func (p *circuitProbe) tauMem(target float64) float64 {
	rest := 0.0
	for _, v := range p.madc(0, 0, 2) {
		rest += v
	}
	rest /= 60
	window := math.Min(math.Max(2*target, 1), 40)
	tr := p.madc(-40, 0, window)
	var ts, ls, ws []float64
	for i, v := range tr {
		a := rest - v
		if a < 0.5 {
			continue
		}
		t := float64(i) / madcRate
		ts = append(ts, t)
		ls = append(ls, math.Log(a))
		ws = append(ws, math.Exp(-2*t/target)) // expected amplitude², not the noisy one
	}
	if len(ts) < 3 {
		return 0 // decays faster than the probe resolves
	}
	slope, _ := weightedLine(ts, ls, ws)
	if !(slope < 0) {
		return math.Inf(1)
	}
	return -1 / slope
}

// synResponse measures τ_syn and the relative synaptic gain from the response
// to 8 excitatory synapses of weight 63 (rows 0, 2, …, 14 of the circuit's
// column), given the measured τ_mem.
func (p *circuitProbe) synResponse(target, tauMem float64) (tauSyn, gain float64) {
	k := p.k
	h := k / Columns
	col := k % Columns
	g := 0.0
	for row := 0; row < 16; row += 2 {
		g += float64(p.c.die.synapse[h][row][col])
	}
	nominal := 8 * 63 * SynapticCurrentPerWeight
	i0 := nominal * g / 8 * p.c.die.value(cmSynGain, k, p.c.codes[cmSynGain][k])
	window := math.Min(math.Max(2.5*target, 1), 30)
	tr := p.madc(0, i0, window)
	x, s, hb := madcBlocks(tr, nil, nil)
	// I = du/dt + u/τ_mem at the block centres, over a window fixed in
	// advance (2.5 target time constants).
	var ts, ls, ws []float64
	for i := range x {
		cur := s[i] + x[i]/tauMem
		if cur <= 0 {
			continue
		}
		t := float64(i+1)*hb + 2.5/madcRate // block centre
		ts = append(ts, t)
		ls = append(ls, math.Log(cur))
		ws = append(ws, math.Exp(-2*t/target))
	}
	if len(ts) < 3 {
		return math.Inf(1), 0
	}
	slope, icpt := weightedLine(ts, ls, ws)
	if !(slope < 0) {
		return math.Inf(1), 0
	}
	return -1 / slope, math.Exp(icpt) / nominal
}

// refractory measures the refractory time from the interval between the
// spikes of a circuit whose reset lies above its threshold.
func (p *circuitProbe) refractory() float64 {
	t := p.c.die.value(cmRefractory, p.k, p.c.codes[cmRefractory][p.k])
	return onGrid(ParamRefractory, t)
}

// calibrateCircuit runs every search for circuit k and returns its failures.
func (c *Chip) calibrateCircuit(k int, t Targets) []CircuitFailure {
	var fails []CircuitFailure
	p := &circuitProbe{c: c, k: k, r: noiseSource{rng: newRNG(c.opt.NoiseSeed, calibStream, uint64(k))}}
	check := func(m capMem, target, got, tol float64, rel bool) {
		miss := math.Abs(got - target)
		if rel {
			miss /= target
		}
		if !(miss <= tol) {
			fails = append(fails, CircuitFailure{Circuit: k, Param: m.param(), Target: target, Reached: got})
		}
	}
	for _, x := range []struct {
		m      capMem
		target float64
	}{{cmLeak, t.Leak}, {cmReset, t.Reset}, {cmThreshold, t.Threshold}} {
		got := c.search(k, x.m, x.target, func() float64 { return p.potential(x.m) })
		check(x.m, x.target, got, tolPotential, false)
	}
	// τ_mem with the reset temporarily 40 LSB below the leak (the probe
	// starts the trace there).
	tm := c.search(k, cmTauMem, t.TauMem, func() float64 { return p.tauMem(t.TauMem) })
	check(cmTauMem, t.TauMem, tm, tolTau, true)
	ts := c.search(k, cmTauSyn, t.TauSyn, func() float64 { s, _ := p.synResponse(t.TauSyn, tm); return s })
	check(cmTauSyn, t.TauSyn, ts, tolTau, true)
	g := c.search(k, cmSynGain, t.SynGain, func() float64 { _, g := p.synResponse(t.TauSyn, tm); return g })
	check(cmSynGain, t.SynGain, g, tolGain, true)
	ref := c.search(k, cmRefractory, t.Refractory, p.refractory)
	check(cmRefractory, t.Refractory, ref, tolRefractory, false)
	return fails
}

// search binary-searches the code of cell m of circuit k so that measure()
// (monotonic in the code) approaches target; it leaves the better of the two
// final neighbours in c.codes and returns its measured value.
func (c *Chip) search(k int, m capMem, target float64, measure func() float64) float64 {
	lo, hi := 0, codeMax(m)
	inc := m.increasing()
	for lo < hi {
		mid := (lo + hi) / 2
		c.codes[m][k] = uint16(mid)
		v := measure()
		if (v < target) == inc {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	best, bestV := lo, math.NaN()
	for _, code := range []int{lo - 1, lo} {
		if code < 0 {
			continue
		}
		c.codes[m][k] = uint16(code)
		v := measure()
		if math.IsNaN(bestV) || math.Abs(v-target) < math.Abs(bestV-target) {
			best, bestV = code, v
		}
	}
	c.codes[m][k] = uint16(best)
	return bestV
}

// weightedLine fits y = a·x + b by weighted least squares (w nil: unit).
func weightedLine(x, y, w []float64) (a, b float64) {
	var sw, sx, sy, sxx, sxy float64
	for i := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		sw += wi
		sx += wi * x[i]
		sy += wi * y[i]
		sxx += wi * x[i] * x[i]
		sxy += wi * x[i] * y[i]
	}
	den := sw*sxx - sx*sx
	if den == 0 {
		return math.NaN(), math.NaN()
	}
	a = (sw*sxy - sx*sy) / den
	b = (sy - a*sx) / sw
	return a, b
}

// sdOf is the population SD of x.
func sdOf(x []float64) float64 {
	_, sd := meanSD(x)
	return sd
}

func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)))
}
