package hw

import "math"

// Propagators over k event ticks are composed from small per-neuron tables,
// so that the tables of all 256 neurons (200 KB) stay in a core's L2 cache
// beside the synapse matrix: k = 16h + l < tabTicks from the entries for l
// and for 16h ticks (tabLo), longer intervals up to tabHiTicks from a table
// of multiples of tabTicks (tabHi), and beyond that directly. Composition
// rounds differently from a direct evaluation by a few ulps, far below
// anything the readout resolves; every path uses the same composed values.
const (
	tabLoTicks = 16             // tabLo: l ticks and 16h ticks, l, h < 16
	tabTicks   = 256            // composed from two tabLo entries
	tabHiTicks = 16 * tabTicks  // composed with one tabHi entry (32 µs)
	tabLoRow   = 2 * tabLoTicks // tabLo entries per neuron
)

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
	// tabLo[j*tabLoRow+l]: neuron j over l ticks; tabLo[j*tabLoRow+16+h]:
	// over 16h ticks (l, h < 16). One neuron's entries share 768 bytes.
	tabLo []prop
	tabHi []prop // tabHi[h*n+j]: neuron j over h·tabTicks ticks
	// tabLoop[j*tabTicks+k]: prop(j, k) for k < tabTicks, the same composed
	// values in one read each, for the event loop, which propagates neurons
	// one by one over many different intervals; built by newFFPlan for a
	// plan whose loop has neurons (recurrent networks, probes)
	tabLoop                 []prop
	readoutSD, leakSD, thSD float64
	kickSD, kickEvery       float64                      // membrane noise: σ_ξ (LSB/µs, 0: off), Δ (µs); noise.go
	kickTab                 *[1 << normTableBits]float32 // the normal table × σ_ξ
	hasOut                  []bool
	invTauM                 []float64 // 1/µs
	// cached feed-forward plans: Run without probes, Infer for a readout
	planRun, planInfer *ffPlan
	planInferFor       Population
	maxTauS            float64
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
	m := &neuronModel{n: n}
	ns := c.noiseScale()
	m.readoutSD, m.leakSD, m.thSD = ns*readoutNoiseLSB, ns*leakJitterLSB, ns*thresholdJitterLSB
	m.kickSD, m.kickEvery = c.membraneNoise()
	m.kickTab = new([1 << normTableBits]float32)
	for i, z := range normTable {
		m.kickTab[i] = float32(m.kickSD * z)
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
		m.nref[j] = refTicks(c.analog(cmRefractory, a))
		m.cadcA[j] = c.die.cadcGain[a]
		m.cadcB[j] = c.die.cadcOff[a] - (c.die.cadcGain[a]-1)*cadcPivot
		m.cadcCorr[j] = int(c.cadcCorr[a])
		m.cadcCorrF[j] = float64(m.cadcCorr[j])
		m.hasOut[j] = len(c.net.neuronOut[j]) > 0
	}
	m.tabLo = make([]prop, tabLoRow*n)
	for j := 0; j < n; j++ {
		for l := 0; l < tabLoTicks; l++ {
			m.tabLo[j*tabLoRow+l] = propagator(m.tauM[j], m.tauS[j], m.d[j], float64(l)*EventTick)
			m.tabLo[j*tabLoRow+tabLoTicks+l] = propagator(m.tauM[j], m.tauS[j], m.d[j], float64(tabLoTicks*l)*EventTick)
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

// prop returns the propagator of neuron j over k ≥ 0 ticks.
func (m *neuronModel) prop(j int, k int64) prop {
	if uint64(k) < tabTicks {
		return m.propShort(j, int(k))
	}
	return m.propLong(j, k)
}

// ensureLoopTab builds tabLoop (1.5 MB for 256 neurons) if it is missing.
// Plans are made before the workers start, who share the model.
func (m *neuronModel) ensureLoopTab() {
	if m.tabLoop != nil {
		return
	}
	t := make([]prop, m.n*tabTicks)
	for j := 0; j < m.n; j++ {
		for k := range tabTicks {
			t[j*tabTicks+k] = m.propShort(j, k)
		}
	}
	m.tabLoop = t
}

// propLoop is prop for the event loop: one read of tabLoop for k <
// tabTicks where the run built it. (The loops over all neurons write it out
// inline: it is just too big for the inliner.)
func (m *neuronModel) propLoop(j int, k int64) prop {
	if uint64(k) < tabTicks && m.tabLoop != nil {
		return m.tabLoop[j*tabTicks+int(k)]
	}
	return m.prop(j, k)
}

// propShort is prop for k < tabTicks: two reads within the neuron's 768
// bytes of tabLo.
func (m *neuronModel) propShort(j, k int) prop {
	t := m.tabLo[j*tabLoRow : (j+1)*tabLoRow]
	return compose(&t[k%tabLoTicks], &t[tabLoTicks+k/tabLoTicks])
}

// propShortEs is prop(j, k).es for k < tabTicks: the decay of the synaptic
// current alone (small enough to inline).
func (m *neuronModel) propShortEs(j, k int) float64 {
	t := m.tabLo[j*tabLoRow : (j+1)*tabLoRow]
	return t[k%tabLoTicks].es * t[tabLoTicks+k/tabLoTicks].es
}

// propLong is prop for k ≥ tabTicks.
func (m *neuronModel) propLong(j int, k int64) prop {
	if h := k / tabTicks; h < tabHiTicks/tabTicks {
		a := m.propShort(j, int(k%tabTicks)) // over l, then h·tabTicks ticks
		return compose(&a, &m.tabHi[int(h)*m.n+j])
	}
	return propagator(m.tauM[j], m.tauS[j], m.d[j], float64(k)*EventTick)
}

// compose returns the propagator over a's interval followed by b's: the
// membrane after both is u₀·e_m(a)e_m(b) + I₀·(F_a·e_m(b) + e_s(a)·F_b).
// The conversions keep the compiler from fusing a multiply-add, so every
// call site rounds the same way.
func compose(a, b *prop) prop {
	return prop{em: a.em * b.em, es: a.es * b.es, f: float64(a.f*b.em) + float64(a.es*b.f)}
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
