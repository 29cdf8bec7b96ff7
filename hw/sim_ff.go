package hw

import (
	"cmp"
	"math"
	"slices"
)

// Input-only neurons. A neuron whose every input is an external channel (the
// hidden layer of a feed-forward network) does not depend on any other
// neuron, so its whole sample can be integrated on its own, neuron by neuron,
// before the event loop runs: its input currents are known from the stimulus.
// That avoids the heap and the per-event bookkeeping for the bulk of the
// network; its spikes then enter the event loop as deliveries to the other
// neurons. The integration is the same exact closed form and the same
// crossing search as in the event loop (crossAfter), so both paths give the
// same spikes and membranes.

// ffPlan says which neurons take the input-only path in one run.
type ffPlan struct {
	in      []bool // neuron j takes the input-only path
	list    []int32
	projAll []bool // every target of projection p takes it (skip p in the loop)
	projAny []bool // some target of projection p takes it
	// evFrame lists the (neuron, row position) pairs the event loop samples.
	evNeuron, evPos []int32
	sampledPos      []int32 // row position of each neuron, −1 if not sampled
}

// newFFPlan chooses the input-only neurons: every external-only neuron that
// is not probed.
func newFFPlan(m *neuronModel, pl *placement, probe []int, sampled []int32) *ffPlan {
	n := m.n
	f := &ffPlan{in: make([]bool, n), projAll: make([]bool, len(pl.projs)), projAny: make([]bool, len(pl.projs)),
		sampledPos: make([]int32, n)}
	for j := range f.in {
		f.in[j] = true
	}
	for _, p := range pl.projs {
		if !p.Pre.External {
			for j := p.PostOffset; j < p.PostOffset+p.PostSize; j++ {
				f.in[j] = false
			}
		}
	}
	for _, j := range probe {
		f.in[j] = false
	}
	for j, ok := range f.in {
		if ok {
			f.list = append(f.list, int32(j))
		}
	}
	for i, p := range pl.projs {
		all, any := true, false
		for j := p.PostOffset; j < p.PostOffset+p.PostSize; j++ {
			all = all && f.in[j]
			any = any || f.in[j]
		}
		f.projAll[i], f.projAny[i] = all, any
	}
	for j := range f.sampledPos {
		f.sampledPos[j] = -1
		if sampled == nil {
			f.sampledPos[j] = int32(j)
		}
	}
	for k, j := range sampled {
		f.sampledPos[j] = int32(k)
	}
	for j := 0; j < n; j++ {
		if pos := f.sampledPos[j]; pos >= 0 && !f.in[j] {
			f.evNeuron = append(f.evNeuron, int32(j))
			f.evPos = append(f.evPos, pos)
		}
	}
	return f
}

// ffStop is a tick at which input-only neurons are sampled (frame ≥ 0)
// and/or receive input (group ≥ 0).
type ffStop struct {
	tick         int64
	frame, group int32
}

// ffState is one input-only neuron while it is integrated.
type ffState struct {
	u, i      float64
	last, rel int64
}

// runInputOnly integrates every input-only neuron over the whole sample,
// writes their CADC frames, and collects their spikes (w.fspikes) and the
// deliveries to other neurons (w.fdeliv, sorted).
func (w *worker) runInputOnly(m *neuronModel, pl *placement, job *sampleJob, plan *ffPlan) {
	n := m.n
	// Current jumps per distinct input tick: jump[g*n+j].
	w.gTicks = w.gTicks[:0]
	for e := 0; e < len(job.events); {
		T := tickOf(job.events[e].Time - job.t0)
		if T >= job.horizon {
			break
		}
		g := len(w.gTicks)
		w.gTicks = append(w.gTicks, T)
		if cap(w.jump) < (g+1)*n {
			w.jump = slices.Grow(w.jump[:cap(w.jump)], (g+1)*n-cap(w.jump))
		}
		w.jump = w.jump[:(g+1)*n]
		row := w.jump[g*n : (g+1)*n]
		clear(row)
		for ; e < len(job.events) && tickOf(job.events[e].Time-job.t0) == T; e++ {
			src := int(job.events[e].Source)
			for _, p := range pl.inputOut[src] {
				if !plan.projAny[p] {
					continue
				}
				pp := &pl.projs[p]
				k := src - pp.Pre.Offset
				axpyUnit(row[pp.PostOffset:pp.PostOffset+pp.PostSize], pp.eff[k*pp.PostSize:(k+1)*pp.PostSize])
			}
		}
	}
	nsampled := n
	if job.sampled != nil {
		nsampled = len(job.sampled)
	}
	// The stops every input-only neuron makes: input ticks, and frame ticks
	// for the sampled ones; merged once per sample.
	w.stopsAll = w.stopsAll[:0]
	w.stopsIn = w.stopsIn[:0]
	for g, f := 0, 0; g < len(w.gTicks) || f < job.frames; {
		st := ffStop{tick: math.MaxInt64, frame: -1, group: -1}
		if g < len(w.gTicks) {
			st.tick = w.gTicks[g]
		}
		if f < job.frames {
			if ft := tickOf(float64(f) * job.period); ft <= st.tick {
				st.tick, st.frame = ft, int32(f)
			}
		}
		if g < len(w.gTicks) && w.gTicks[g] == st.tick {
			st.group = int32(g)
			g++
			w.stopsIn = append(w.stopsIn, st)
			w.stopsIn[len(w.stopsIn)-1].frame = -1
		}
		if st.frame >= 0 {
			f++
		}
		w.stopsAll = append(w.stopsAll, st)
	}
	w.fspikes = w.fspikes[:0]
	w.fdeliv = w.fdeliv[:0]
	jump := w.jump
	if cap(w.zf) < job.frames {
		w.zf = make([]float64, job.frames)
	}
	for _, j32 := range plan.list {
		j := int(j32)
		pos := plan.sampledPos[j]
		stops := w.stopsAll
		if pos < 0 {
			stops = w.stopsIn
		}
		s := ffState{rel: -1}
		th, fm, tm := w.thetaU[j], m.fMax[j], m.tauM[j]
		var z []float64
		var ca, cb float64
		var corr int
		leak, resetU := w.leak[j], w.resetU[j]
		var row []uint8
		if pos >= 0 && job.frames > 0 {
			z = w.zf[:job.frames]
			w.noiseF.fill(z, m.readoutSD)
			ca, cb, corr = m.cadcA[j], m.cadcB[j], m.cadcCorr[j]
			row = job.cadc[int(pos):]
		}
		for _, st := range stops {
			T := st.tick
			// Fast path: free, and no crossing can come before T: either the
			// peak bound stays below threshold, or the membrane cannot climb
			// to it by T even at its initial slope (see predict).
			if s.rel < 0 && th > 0 && s.u < th {
				k := T - s.last
				s0 := s.i - s.u/tm
				if s.i <= 0 || (s.u+s.i*fm < th && s.i*fm < th) || s0 <= 0 || (th-s.u) > s0*float64(k)*EventTick {
					if k != 0 {
						var p *prop
						if k < tabTicks {
							p = &m.tab[int(k)*n+j]
						} else {
							q := m.prop(j, k)
							p = &q
						}
						s.u = s.u*p.em + s.i*p.f
						s.i *= p.es
						s.last = T
					}
				} else {
					w.ffAdvance(m, j, &s, th, T, job.horizon)
				}
			} else {
				w.ffAdvance(m, j, &s, th, T, job.horizon)
			}
			if f := int(st.frame); f >= 0 {
				v := s.u
				if s.rel >= 0 {
					v = resetU
				}
				row[f*nsampled] = cadcRound(ca*(v+leak)+cb+z[f], corr)
			}
			if st.group >= 0 {
				s.i += float64(jump[int(st.group)*n+j])
			}
		}
		w.ffAdvance(m, j, &s, th, job.horizon, job.horizon)
	}
	slices.SortFunc(w.fdeliv, func(a, b delivery) int {
		return cmp.Or(cmp.Compare(a.tick, b.tick), cmp.Compare(a.neuron, b.neuron))
	})
}

// ffAdvance brings input-only neuron j to tick T, firing and releasing it on
// the way (crossings whose key is at or before T).
func (w *worker) ffAdvance(m *neuronModel, j int, s *ffState, th float64, T, horizon int64) {
	for {
		if s.rel >= 0 {
			if s.rel > T {
				s.i *= m.prop(j, T-s.last).es
				s.last = T
				return
			}
			s.i *= m.prop(j, s.rel-s.last).es
			s.last, s.rel, s.u = s.rel, -1, w.resetU[j]
		}
		possible := !(th > 0 && s.u < th && (s.i <= 0 || (s.u+s.i*m.fMax[j] < th && s.i*m.fMax[j] < th)))
		if possible {
			if _, stamp, ok := crossAfter(m, j, s.u, s.i, th, s.last, T); ok {
				w.fspikes = append(w.fspikes, Spike{Tick: stamp, Neuron: int32(j)})
				if m.hasOut[j] && stamp+1 < horizon {
					w.fdeliv = append(w.fdeliv, delivery{tick: stamp + 1, neuron: int32(j)})
				}
				s.rel = stamp + m.nref[j]
				s.u = w.resetU[j]
				continue
			}
		}
		if k := T - s.last; k != 0 {
			p := m.prop(j, k)
			s.u = s.u*p.em + s.i*p.f
			s.i *= p.es
			s.last = T
		}
		return
	}
}
