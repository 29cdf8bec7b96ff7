package hw

import "math"

// tabTicks is the number of propagators tabulated per neuron: intervals of
// 0…tabTicks−1 event ticks (2 µs). The CADC frames touch every neuron every
// 1.7 µs, so nearly all propagations hit the table; longer intervals are
// computed directly.
const tabTicks = 256

// tabHiTicks is the range of the second-level table (multiples of tabTicks):
// propagators up to 4096 ticks (32 µs) are composed from two table entries.
const tabHiTicks = 16 * tabTicks

// neuronModel is the dynamics of the placed logical neurons, derived from the
// circuits' analog values. A logical neuron takes threshold, reset and
// refractory time from its first circuit, and the mean leak potential, τ_mem
// and τ_syn of its two circuits (shorted membranes: conductance-weighted
// means, equal weights here); each synapse column keeps its circuit's gain.
type neuronModel struct {
	n                    int
	leak, resetU, thetaU []float64 // LSB; resetU, thetaU relative to the leak
	tauM, tauS, d, fMax  []float64 // µs, µs, 1/µs, µs (peak of F)
	nref                 []int64   // refractory time in event ticks (≥ 1)
	// The readout channel (of the first circuit) reports
	// clip(round(cadcA·V + cadcB + noise)) − cadcCorr, saturating.
	cadcA, cadcB []float64
	cadcCorr     []int
	cadcCorrF    []float64 // cadcCorr as float64 (readFrame)
	synGain      [Circuits]float64
	// tab[j*tabTicks+k]: neuron j over k ticks, neuron-major: a crossing
	// search reads a few k of one neuron, within its 6 KB
	tab []prop
	// tabEm, tabEs, tabF: the same table tick-major and by component,
	// tab*[k*n+j] (rows of all neurons for the pass of stepQuiet)
	tabEm, tabEs, tabF      []float64
	tabHi                   []prop // tabHi[h*n+j]: neuron j over h·tabTicks ticks
	readoutSD, leakSD, thSD float64
	ideal                   bool
	hasOut                  []bool
	invTauM                 []float64 // 1/µs
	// cached feed-forward plans: Run without probes, Infer for a readout
	planRun, planInfer     *ffPlan
	planInferFor           Population
	maxTauS, defaultPeriod float64
}

// ensureModel rebuilds the derived dynamics if parameters or the network
// changed.
func (c *Chip) ensureModel() *neuronModel {
	if c.model != nil {
		return c.model
	}
	n := 0
	if c.net != nil {
		n = c.net.neurons
	}
	m := &neuronModel{n: n, ideal: c.opt.Ideal}
	if !c.opt.Ideal {
		m.readoutSD, m.leakSD, m.thSD = readoutNoiseLSB, leakJitterLSB, thresholdJitterLSB
	}
	for k := 0; k < Circuits; k++ {
		m.synGain[k] = c.analog(cmSynGain, k)
	}
	m.leak = make([]float64, n)
	m.resetU = make([]float64, n)
	m.thetaU = make([]float64, n)
	m.tauM = make([]float64, n)
	m.tauS = make([]float64, n)
	m.d = make([]float64, n)
	m.fMax = make([]float64, n)
	m.invTauM = make([]float64, n)
	m.nref = make([]int64, n)
	m.cadcA = make([]float64, n)
	m.cadcB = make([]float64, n)
	m.cadcCorr = make([]int, n)
	m.cadcCorrF = make([]float64, n)
	m.hasOut = make([]bool, n)
	for j := 0; j < n; j++ {
		a, b := circuitsOf(j)
		m.leak[j] = 0.5 * (c.analog(cmLeak, a) + c.analog(cmLeak, b))
		m.resetU[j] = c.analog(cmReset, a) - m.leak[j]
		m.thetaU[j] = c.analog(cmThreshold, a) - m.leak[j]
		if in := c.net.integrators; j >= in.Offset && j < in.Offset+in.Size {
			m.thetaU[j] = math.Inf(1) // comparator off
		}
		m.tauM[j] = 0.5 * (c.analog(cmTauMem, a) + c.analog(cmTauMem, b))
		m.tauS[j] = 0.5 * (c.analog(cmTauSyn, a) + c.analog(cmTauSyn, b))
		m.maxTauS = math.Max(m.maxTauS, m.tauS[j])
		m.d[j] = 1/m.tauM[j] - 1/m.tauS[j]
		m.fMax[j] = peakF(m.tauM[j], m.tauS[j], m.d[j])
		m.invTauM[j] = 1 / m.tauM[j]
		m.nref[j] = max(1, int64(math.Round(c.analog(cmRefractory, a)/EventTick)))
		m.cadcA[j] = c.die.cadcGain[a]
		m.cadcB[j] = c.die.cadcOff[a] - (c.die.cadcGain[a]-1)*cadcPivot
		m.cadcCorr[j] = int(c.cadcCorr[a])
		m.cadcCorrF[j] = float64(m.cadcCorr[j])
		m.hasOut[j] = len(c.net.neuronOut[j]) > 0
	}
	m.tab = make([]prop, tabTicks*n)
	for k := 0; k < tabTicks; k++ {
		dt := float64(k) * EventTick
		for j := 0; j < n; j++ {
			m.tab[j*tabTicks+k] = propagator(m.tauM[j], m.tauS[j], m.d[j], dt)
		}
	}
	m.tabEm, m.tabEs, m.tabF = make([]float64, len(m.tab)), make([]float64, len(m.tab)), make([]float64, len(m.tab))
	for k := 0; k < tabTicks; k++ {
		for j := 0; j < n; j++ {
			p := &m.tab[j*tabTicks+k]
			m.tabEm[k*n+j], m.tabEs[k*n+j], m.tabF[k*n+j] = p.em, p.es, p.f
		}
	}
	m.tabHi = make([]prop, tabHiTicks/tabTicks*n)
	for h := 0; h < tabHiTicks/tabTicks; h++ {
		dt := float64(h*tabTicks) * EventTick
		for j := 0; j < n; j++ {
			m.tabHi[h*n+j] = propagator(m.tauM[j], m.tauS[j], m.d[j], dt)
		}
	}
	c.model = m
	if c.net != nil {
		for i := range c.net.projs {
			c.fillEff(&c.net.projs[i])
		}
	}
	return m
}

// prop returns the propagator of neuron j over k ticks.
func (m *neuronModel) prop(j int, k int64) prop {
	if k < tabTicks {
		return m.tab[j*tabTicks+int(k)]
	}
	if h := k / tabTicks; h < tabHiTicks/tabTicks {
		// over l then h·256 ticks: F composes as F_l·e_m(h) + e_s(l)·F_h
		a, b := &m.tab[j*tabTicks+int(k%tabTicks)], &m.tabHi[int(h)*m.n+j]
		return prop{em: a.em * b.em, es: a.es * b.es, f: a.f*b.em + a.es*b.f}
	}
	return propagator(m.tauM[j], m.tauS[j], m.d[j], float64(k)*EventTick)
}

// cadcPivot is the code around which a channel's gain error turns.
const cadcPivot = 128

// cadcCode converts a true membrane potential v (LSB) of neuron j into the
// 8-bit code the CADC reports: channel gain around mid-scale, channel offset,
// readout noise z (LSB), rounding and clipping in the converter, then the
// digital offset correction, saturating. The ideal chip has unit gain and
// no offset, noise or correction.
func (m *neuronModel) cadcCode(j int, v, z float64) uint8 {
	return cadcRound(m.cadcA[j]*v+m.cadcB[j]+z, m.cadcCorr[j])
}

// cadcRound rounds x (half up) and clips it onto 0…255 as the converter
// does, then subtracts the digital correction corr, saturating.
func cadcRound(x float64, corr int) uint8 {
	if !(x > 0) { // also NaN
		x = 0
	} else if x > CADCMax {
		x = CADCMax
	}
	c := int(x+0.5) - corr
	if c < 0 {
		return 0
	}
	if c > CADCMax {
		return CADCMax
	}
	return uint8(c)
}
