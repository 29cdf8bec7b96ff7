package hw

import (
	"math"
	"slices"

	"inloop/internal/f32"
)

// Feed-forward neurons. A neuron whose inputs come only from external
// channels (level 0) or from neurons of lower levels (a hidden layer, then
// its readout layer) depends on nothing that comes after it, so its whole
// sample can be integrated on its own, neuron by neuron and level by level,
// before the event loop runs: its input currents are known from the stimulus
// and from the spikes of the levels below. That avoids the heap and the
// per-event bookkeeping for feed-forward networks; neurons in recurrent loops
// (and probed neurons) stay in the event loop, which receives the
// feed-forward spikes as deliveries. The integration is the same exact closed
// form and crossing search (crossAfter) in both paths.

// ffPlan says which neurons take the feed-forward path in one run.
type ffPlan struct {
	in      []bool    // neuron j takes the feed-forward path
	list    []int32   // all of them
	levels  [][]int32 // by level, ascending
	projAll []bool    // every target of projection p takes the path (skip p in the loop)
	projLvl []uint64  // bit ℓ: projection p has a target at level ℓ
	extLvl  uint64    // bit ℓ: some external input projects onto level ℓ
	// clearLo, clearHi: per level, the neurons whose jump rows are cleared:
	// the level's own and all targets of projections onto it.
	clearLo, clearHi []int
	// evProj: the network's only projection from external inputs, if it
	// takes all of them (−1: none such); its row of an event's source is
	// found with the event's tick (sampleJob.rows)
	evProj int
	// extProj: per level, the only projection from external inputs onto it
	// (−1: none or several).
	extProj []int
	ranges  []levelRange // per level: a contiguous range, if it is one
	// evNeuron, evPos: the (neuron, row position) pairs the event loop samples.
	evNeuron, evPos []int32
	sampledPos      []int32 // row position of each neuron, −1 if not sampled
}

// maxLevels bounds the feed-forward depth (bits of projLvl).
const maxLevels = 64

// newFFPlan assigns levels: a neuron is at level 0 if all its sources are
// external, at 1 + the highest level of its neuron sources once those have
// levels; probed neurons and whatever depends on a recurrent loop stay in
// the event loop.
func newFFPlan(m *neuronModel, pl *placement, probe []int, sampled []int32) *ffPlan {
	n := m.n
	level := make([]int, n)
	for j := range level {
		level[j] = 0
	}
	undecided := make([]bool, n)
	for _, p := range pl.projs {
		if !p.Pre.External {
			for j := p.PostOffset; j < p.PostOffset+p.PostSize; j++ {
				undecided[j] = true
			}
		}
	}
	for _, j := range probe {
		undecided[j] = true
		level[j] = -1
	}
	for changed := true; changed; {
		changed = false
		for j := 0; j < n; j++ {
			if !undecided[j] || level[j] < 0 {
				continue
			}
			lv, ok := 0, true
			for _, p := range pl.projs {
				if p.Pre.External || j < p.PostOffset || j >= p.PostOffset+p.PostSize {
					continue
				}
				for s := p.Pre.Offset; s < p.Pre.Offset+p.Pre.Size && ok; s++ {
					if undecided[s] {
						ok = false
					} else {
						lv = max(lv, level[s]+1)
					}
				}
			}
			if ok && lv < maxLevels {
				level[j], undecided[j], changed = lv, false, true
			}
		}
	}
	f := &ffPlan{evProj: -1, in: make([]bool, n), projAll: make([]bool, len(pl.projs)), projLvl: make([]uint64, len(pl.projs)),
		sampledPos: make([]int32, n)}
	for j := 0; j < n; j++ {
		if undecided[j] {
			continue
		}
		f.in[j] = true
		f.list = append(f.list, int32(j))
		for len(f.levels) <= level[j] {
			f.levels = append(f.levels, nil)
		}
		f.levels[level[j]] = append(f.levels[level[j]], int32(j))
	}
	for i, p := range pl.projs {
		all := true
		for j := p.PostOffset; j < p.PostOffset+p.PostSize; j++ {
			all = all && f.in[j]
			if f.in[j] {
				f.projLvl[i] |= 1 << level[j]
			}
		}
		f.projAll[i] = all
		if p.Pre.External {
			f.extLvl |= f.projLvl[i]
		}
	}
	ext := 0 // projections from external inputs
	for i, p := range pl.projs {
		if p.Pre.External {
			ext++
			if p.Pre.Offset == 0 && p.Pre.Size == pl.inputs {
				f.evProj = i
			}
		}
	}
	if ext != 1 {
		f.evProj = -1
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
	for lv, list := range f.levels {
		lo, hi := n, 0
		if len(list) > 0 {
			lo, hi = int(list[0]), int(list[len(list)-1])+1
		}
		for i, p := range pl.projs {
			if f.projLvl[i]&(1<<lv) != 0 {
				lo, hi = min(lo, p.PostOffset), max(hi, p.PostOffset+p.PostSize)
			}
		}
		f.clearLo, f.clearHi = append(f.clearLo, lo), append(f.clearHi, hi)
		ext := -1
		for i, p := range pl.projs {
			if p.Pre.External && f.projLvl[i]&(1<<lv) != 0 {
				if ext == -1 {
					ext = i
				} else {
					ext = -2
				}
			}
		}
		f.extProj = append(f.extProj, max(ext, -1))
		var r levelRange
		r.lo, r.base, r.frames, r.ok = rangeOf(f, list)
		r.integrators = r.ok
		for _, j := range list {
			r.integrators = r.integrators && math.IsInf(m.thetaU[j], 1)
		}
		if r.integrators {
			r.tab = integratorTab(m, r.lo, r.lo+len(list))
		}
		f.ranges = append(f.ranges, r)
	}
	if !f.loopEmpty() {
		m.ensureLoopTab()
	}
	return f
}

// levelRange describes a level whose neurons are contiguous (see rangeOf).
type levelRange struct {
	lo, base   int
	frames, ok bool
	// integrators: every neuron's comparator is off (runReadout)
	integrators bool
	// tab: for integrators, the propagators of neurons lo… over k <
	// tabTicks ticks, row k by component (see integratorTab; 6 KB per
	// neuron)
	tab []prop
}

// integratorTab returns the propagators of neurons lo…hi−1 over 0…tabTicks−1
// ticks, tick-major and by component: row k, t[k·cnt:(k+1)·cnt] read as
// 3·cnt float64 (propFloats), holds e_m of every neuron, then e_s, then F,
// so that a vector kernel loads four neighbours at once. The capacity has
// one prop more: a partial last block of a row may read past its end.
func integratorTab(m *neuronModel, lo, hi int) []prop {
	cnt := hi - lo
	t := make([]prop, tabTicks*cnt, tabTicks*cnt+1)
	v := propFloats(t)
	for k := range tabTicks {
		row := v[3*k*cnt : 3*(k+1)*cnt]
		for x := range cnt {
			p := m.propShort(lo+x, k)
			row[x], row[cnt+x], row[2*cnt+x] = p.em, p.es, p.f
		}
	}
	return t
}

// evStride is the row stride of plan.evProj's jumps (0: no such projection).
func (f *ffPlan) evStride(pl *placement) int {
	if f == nil || f.evProj < 0 {
		return 0
	}
	return pl.projs[f.evProj].PostSize
}

// loopEmpty reports whether no neuron is left for the event loop.
func (f *ffPlan) loopEmpty() bool { return len(f.list) == len(f.in) }

// ffStop is a tick at which feed-forward neurons are sampled (frame ≥ 0)
// and/or receive input (group ≥ 0).
type ffStop struct {
	tick         int64
	frame, group int32
}

// runFeedForward integrates the feed-forward neurons level by level over the
// whole sample, writes their CADC frames, and collects their spikes
// (w.fspikes) and the deliveries of those spikes (w.fdeliv, sorted).
func (w *worker) runFeedForward(m *neuronModel, pl *placement, job *sampleJob, plan *ffPlan) {
	w.fspikes = w.fspikes[:0]
	w.fdeliv = w.fdeliv[:0]
	for lv, list := range plan.levels {
		if r := plan.ranges[lv]; r.integrators {
			w.runReadout(m, pl, job, plan, lv, r, len(list))
			continue
		}
		w.buildJumps(m, pl, job, plan, lv)
		w.buildStops(job)
		if r := plan.ranges[lv]; r.ok {
			w.runRange(m, job, r.lo, r.lo+len(list), r.base, r.frames)
		} else {
			w.runLevel(m, job, plan, list)
		}
		w.keys = sortDeliveries(w.fdeliv, w.keys)
	}
}

// buildJumps groups the inputs of one level by tick — external events (if
// the level has external input) and the spikes of lower levels (w.fdeliv) —
// and sums their current jumps: w.gTicks[g], w.jump[g*n+j].
func (w *worker) buildJumps(m *neuronModel, pl *placement, job *sampleJob, plan *ffPlan, lv int) {
	n := m.n
	bit := uint64(1) << lv
	clo, chi := plan.clearLo[lv], plan.clearHi[lv]
	w.gTicks = w.gTicks[:0]
	ev, et, dl := job.events, job.ticks, w.fdeliv
	ne := 0 // the events before the horizon (ticks ascend)
	if plan.extLvl&bit != 0 {
		ne = len(ev)
		for ne > 0 && et[ne-1] >= job.horizon {
			ne--
		}
	}
	ev, et = ev[:ne], et[:ne]
	e, d, kh := 0, 0, 0
	kt, list := w.kt, plan.levels[lv]
	for e < ne || d < len(dl) || kh < len(kt) {
		T := int64(math.MaxInt64)
		if e < ne {
			T = et[e]
		}
		if d < len(dl) {
			T = min(T, dl[d].tick)
		}
		if kh < len(kt) {
			T = min(T, kt[kh])
		}
		g := len(w.gTicks)
		w.gTicks = append(w.gTicks, T)
		if cap(w.jump) < (g+1)*n {
			w.jump = slices.Grow(w.jump[:cap(w.jump)], (g+1)*n-cap(w.jump))
		}
		w.jump = w.jump[:(g+1)*n]
		row := w.jump[g*n : (g+1)*n]
		clear(row[clo:chi]) // the rest is never read at this level
		// Consecutive contributions through the same projection are summed
		// by one addRows call; the order of the additions is kept.
		batch := -1
		offs := w.offs[:0]
		if ep := plan.extProj[lv]; ep >= 0 && e < ne && et[e] == T { // one projection: no lookups
			b := e + 1 // the events of tick T are e…b−1
			for b < ne && et[b] == T {
				b++
			}
			if ep == plan.evProj && job.rows != nil {
				// every event feeds it; the rows came with the ticks
				flushRows(pl, row, ep, job.rows[e:b])
			} else {
				pp := &pl.projs[ep]
				lo, size, stride := pp.Pre.Offset, pp.Pre.Size, pp.PostSize
				if cap(offs) < b-e {
					offs = make([]int32, 0, len(ev))
				}
				o := offs[:b-e]
				c := 0
				for _, x := range ev[e:b] {
					if k := int(x.Source) - lo; uint(k) < uint(size) {
						o[c] = int32(k * stride)
						c++
					}
				}
				offs, batch = o[:c], ep
			}
			e = b
		}
		for ; e < ne && et[e] == T; e++ {
			src := int(ev[e].Source)
			for _, p := range pl.inputOut[src] {
				if plan.projLvl[p]&bit != 0 {
					if int(p) != batch {
						offs = flushRows(pl, row, batch, offs)
						batch = int(p)
					}
					pp := &pl.projs[p]
					offs = append(offs, int32((src-pp.Pre.Offset)*pp.PostSize))
				}
			}
		}
		for ; d < len(dl) && dl[d].tick == T; d++ {
			src := int(dl[d].neuron)
			for _, p := range pl.neuronOut[src] {
				if plan.projLvl[p]&bit != 0 {
					if int(p) != batch {
						offs = flushRows(pl, row, batch, offs)
						batch = int(p)
					}
					pp := &pl.projs[p]
					offs = append(offs, int32((src-pp.Pre.Offset)*pp.PostSize))
				}
			}
		}
		w.offs = flushRows(pl, row, batch, offs)
		if kh < len(kt) && kt[kh] == T { // membrane noise, after the inputs
			if r := plan.ranges[lv]; r.ok {
				w.ks.addKicks(row, r.lo, r.lo+len(list), kh)
			} else {
				for _, j := range list {
					row[j] += w.ks.kick(kh, int(j))
				}
			}
			kh++
		}
	}
}

// flushRows adds the rows offs of projection p's jumps to row (the jumps of
// one tick, all neurons) and returns offs emptied; p < 0 means none.
func flushRows(pl *placement, row []float32, p int, offs []int32) []int32 {
	if p >= 0 && len(offs) > 0 {
		pp := &pl.projs[p]
		f32.AddRows(row[pp.PostOffset:pp.PostOffset+pp.PostSize], pp.eff, offs)
	}
	return offs[:0]
}

// buildStops merges the input ticks with the frame ticks: w.stopsAll for
// sampled neurons, w.stopsIn (inputs only) for the others.
func (w *worker) buildStops(job *sampleJob) {
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
}

// rangeOf reports whether list is a contiguous range of neurons that are
// either all sampled at consecutive row positions (base = row of the first)
// or all unsampled.
func rangeOf(plan *ffPlan, list []int32) (lo, base int, frames, ok bool) {
	if len(list) == 0 || int(list[len(list)-1]-list[0]) != len(list)-1 {
		return 0, 0, false, false
	}
	lo = int(list[0])
	p0 := plan.sampledPos[lo]
	for k, j := range list {
		p := plan.sampledPos[j]
		if (p0 < 0) != (p < 0) || (p0 >= 0 && int(p-p0) != k) {
			return 0, 0, false, false
		}
	}
	return lo, int(p0), p0 >= 0, true
}

// runLevel integrates the neurons of list neuron by neuron through the
// current jump groups and the frames.
func (w *worker) runLevel(m *neuronModel, job *sampleJob, plan *ffPlan, list []int32) {
	n := m.n
	nsampled := n
	if job.sampled != nil {
		nsampled = len(job.sampled)
	}
	jump := w.jump
	for _, j32 := range list {
		j := int(j32)
		pos := plan.sampledPos[j]
		stops := w.stopsAll
		if pos < 0 {
			stops = w.stopsIn
		}
		th, fm, tm := w.thetaU[j], m.fMax[j], m.tauM[j]
		if pos < 0 && th > 0 {
			// Unobserved (inference): if even the sum of the PSP peaks of
			// all excitatory jumps stays below threshold, the neuron cannot
			// fire in this sample and need not be integrated.
			peak := 0.0
			for g := range w.gTicks {
				peak += max(float64(jump[g*n+j]), 0)
			}
			if peak*fm < th {
				continue
			}
		}
		var ca, cb float64
		var corr int
		leak, resetU := w.leak[j], w.resetU[j]
		var row []uint8
		if pos >= 0 && job.frames > 0 {
			ca, cb, corr = m.cadcA[j], m.cadcB[j], m.cadcCorr[j]
			row = job.cadc[int(pos):]
		}
		s := ffState{rel: -1}
		for _, st := range stops {
			T := st.tick
			// Fast path: free, and no crossing can come before T: the peak
			// bound stays below threshold, or the membrane cannot climb to
			// it by T even at its initial slope (see predict).
			k := T - s.last
			if s0 := s.i - s.u/tm; s.rel < 0 && th > 0 && s.u < th &&
				(s.i <= 0 || (s.u+s.i*fm < th && s.i*fm < th) || s0 <= 0 || th-s.u > s0*float64(k)*EventTick) {
				if k != 0 {
					p := m.prop(j, k)
					s.u = s.u*p.em + s.i*p.f
					s.i *= p.es
					s.last = T
				}
			} else {
				w.ffAdvance(m, j, &s, th, T, job.horizon)
			}
			if f := int(st.frame); f >= 0 {
				v := s.u
				if s.rel >= 0 {
					v = resetU
				}
				row[f*nsampled] = cadcRound(ca*(v+leak)+cb+w.zr[f*nsampled+int(pos)], corr)
			}
			if st.group >= 0 {
				s.i += float64(jump[int(st.group)*n+j])
			}
		}
		w.ffAdvance(m, j, &s, th, job.horizon, job.horizon)
	}
}

// ffState is one feed-forward neuron while it is integrated: membrane and
// current relative to the leak, last tick touched, release tick or −1.
type ffState struct {
	u, i      float64
	last, rel int64
}

// ffAdvance brings feed-forward neuron j to tick T, firing and releasing it
// on the way (crossings whose key is at or before T).
func (w *worker) ffAdvance(m *neuronModel, j int, s *ffState, th float64, T, horizon int64) {
	for {
		if s.rel >= 0 {
			end := min(s.rel, T) // clamped until then; the current decays
			if k := end - s.last; k < tabTicks {
				s.i *= m.propShortEs(j, int(k))
			} else {
				s.i *= m.propLong(j, k).es
			}
			if s.rel > T || s.rel >= horizon { // a release at the horizon is past the sample, as in the loop
				s.last = T
				return
			}
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
			var p prop // prop, with the short case inlined
			if k < tabTicks {
				p = m.propShort(j, int(k))
			} else {
				p = m.propLong(j, k)
			}
			s.u = s.u*p.em + s.i*p.f
			s.i *= p.es
			s.last = T
		}
		return
	}
}
