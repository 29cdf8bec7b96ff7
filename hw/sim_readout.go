package hw

// Readout layers. A feed-forward level of leaky integrators (comparator off)
// is linear and never spikes, and only its CADC frames are observed, so it
// needs no stop at every input tick: each input's current jump J is carried
// in closed form to the next frame tick,
//
//	u(T_f) += J·F(T_f − t),   I(T_f) += J·e_s(T_f − t),
//
// and the state is propagated from frame to frame. Every jump is added in
// float64 (the stop-by-stop path sums the jumps of a tick in float32 first),
// so the two paths agree to rounding.

// runReadout integrates level lv, a contiguous range r of integrators with
// its own propagator table (r.tab), frame by frame, and writes its frames.
func (w *worker) runReadout(m *neuronModel, pl *placement, job *sampleJob, plan *ffPlan, lv int, r levelRange, cnt int) {
	if !r.frames || job.frames == 0 {
		return // nothing of it is observed
	}
	n := m.n
	nsampled := n
	if job.sampled != nil {
		nsampled = len(job.sampled)
	}
	lo, hi := r.lo, r.lo+cnt
	u, cur, rel := w.u[lo:hi], w.i[lo:hi], w.rel[lo:hi]
	cur, rel = cur[:cnt], rel[:cnt]
	leak, resetU := w.leak[lo:hi], w.resetU[lo:hi]
	ca, cb, corr, corrF := m.cadcA[lo:hi], m.cadcB[lo:hi], m.cadcCorr[lo:hi], m.cadcCorrF[lo:hi]
	if cap(w.zf) < cnt {
		w.zf = make([]float64, cnt)
	}
	z := w.zf[:cnt]
	bit := uint64(1) << lv
	ev, et := job.events, job.ticks
	if plan.extLvl&bit == 0 {
		ev, et = nil, nil
	}
	dl := w.fdeliv
	e, d := 0, 0
	prev := int64(0)
	for f := range job.frames {
		T := tickOf(float64(f) * job.period)
		w.propagate(m, lo, r.tab, u, cur, T-prev)
		// the inputs since the last frame (frame f is read before the
		// inputs of its own tick)
		for ; e < len(et) && et[e] < T; e++ {
			src := int(ev[e].Source)
			for _, p := range pl.inputOut[src] {
				if plan.projLvl[p]&bit != 0 {
					w.carry(m, pl, int(p), src, lo, r.tab, u, cur, T-et[e])
				}
			}
		}
		for ; d < len(dl) && dl[d].tick < T; d++ {
			src := int(dl[d].neuron)
			for _, p := range pl.neuronOut[src] {
				if plan.projLvl[p]&bit != 0 {
					w.carry(m, pl, int(p), src, lo, r.tab, u, cur, T-dl[d].tick)
				}
			}
		}
		w.noiseF.fill(z, m.readoutSD)
		out := job.cadc[f*nsampled+r.base : f*nsampled+r.base+cnt]
		readFrame(out, u, rel, resetU, leak, ca, cb, z, corrF, corr)
		prev = T
	}
}

// propagate advances the free integrators lo… (state u, cur) by k ticks.
func (w *worker) propagate(m *neuronModel, lo int, tab []prop, u, cur []float64, k int64) {
	cnt := len(u)
	cur = cur[:cnt]
	if uint64(k) < tabTicks {
		row := tab[int(k)*cnt : int(k+1)*cnt]
		for x := range row {
			p := &row[x]
			ui, ii := u[x], cur[x]
			u[x], cur[x] = float64(ui*p.em)+float64(ii*p.f), ii*p.es
		}
		return
	}
	for x := range u {
		p := m.prop(lo+x, k)
		ui, ii := u[x], cur[x]
		u[x], cur[x] = float64(ui*p.em)+float64(ii*p.f), ii*p.es
	}
}

// carry adds to the integrators lo… (state u, cur, now at some tick T) the
// jumps that source src sent through projection p k ticks before T.
func (w *worker) carry(m *neuronModel, pl *placement, p, src, lo int, tab []prop, u, cur []float64, k int64) {
	pp := &pl.projs[p]
	cnt := len(u)
	a, b := max(pp.PostOffset, lo), min(pp.PostOffset+pp.PostSize, lo+cnt)
	if a >= b {
		return
	}
	wrow := pp.eff[(src-pp.Pre.Offset)*pp.PostSize+a-pp.PostOffset : (src-pp.Pre.Offset)*pp.PostSize+b-pp.PostOffset]
	us, cs := u[a-lo:b-lo], cur[a-lo:b-lo]
	cs = cs[:len(us)]
	wrow = wrow[:len(us)]
	if uint64(k) < tabTicks {
		row := tab[int(k)*cnt+a-lo : int(k)*cnt+b-lo]
		row = row[:len(us)]
		for x, wj := range wrow {
			J := float64(wj)
			us[x] += float64(J * row[x].f)
			cs[x] += float64(J * row[x].es)
		}
		return
	}
	for x, wj := range wrow {
		pr := m.prop(a+x, k)
		J := float64(wj)
		us[x] += float64(J * pr.f)
		cs[x] += float64(J * pr.es)
	}
}
