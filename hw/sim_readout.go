package hw

import "unsafe"

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
//
// The work between two frames — the propagation, then the carries of the
// inputs in their order — goes to a readoutBatch and is done in one pass
// over the neurons (readoutVector: blocks of 4 in vector registers, or
// readoutScalar); every neuron sees the same operations in the same order
// either way.

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
	ev, et := job.events, job.ticks
	if plan.extLvl&(1<<lv) == 0 {
		ev, et = nil, nil
	}
	dl := w.fdeliv
	var b readoutBatch
	b.init(m, pl, plan, lv, u, cur, r.tab, lo, len(et) > 0, len(dl) > 0)
	e, d, kh := 0, 0, 0
	prev := int64(0)
	for f := range job.frames {
		T := tickOf(float64(f) * job.period)
		b.propagate(T - prev)
		// the inputs since the last frame (frame f is read before the
		// inputs of its own tick): events, then deliveries
		if e < len(et) && et[e] < T {
			e = b.events(ev, et, e, T)
		}
		d = b.deliveries(dl, d, T)
		kh = w.carryKicks(m, kh, T, lo, u, cur, r.tab)
		at := f*nsampled + r.base
		out, z := job.cadc[at:at+cnt], w.zr[at:at+cnt]
		readFrame(out, u, rel, resetU, leak, ca, cb, z, corrF, corr)
		prev = T
	}
}

// carryKicks carries the membrane noise's kicks from refresh kh on, those
// before tick T, to T (after the inputs, which the batch has applied) on
// the integrators lo… (state u, cur; propagators tab of integratorTab) and
// returns the first refresh at or after T.
func (w *worker) carryKicks(m *neuronModel, kh int, T int64, lo int, u, cur []float64, tab []prop) int {
	cnt := len(u)
	cur = cur[:cnt]
	tf := propFloats(tab)
	for ; kh < len(w.kt) && w.kt[kh] < T; kh++ {
		if cap(w.kickRow) < lo+cnt {
			w.kickRow = make([]float32, lo+cnt)
		}
		row := w.kickRow[:lo+cnt]
		clear(row[lo:])
		w.ks.addKicks(row, lo, lo+cnt, kh)
		ws := row[lo:]
		if k := T - w.kt[kh]; k < tabTicks {
			t := int(k) * 3 * cnt
			carryRow(u, cur, ws, tf[t+cnt:t+2*cnt], tf[t+2*cnt:t+3*cnt])
		} else {
			for x, wj := range ws {
				p := m.prop(lo+x, k)
				J := float64(wj)
				u[x] += float64(J * p.f)
				cur[x] += float64(J * p.es)
			}
		}
	}
	return kh
}

// readoutBatch collects the work on the integrators lo…lo+cnt−1 of a level
// (state u, cur) between two frames: a propagation by the table row at
// tf[pk:] (pk ≥ 0), then the carries items[:n], in order. readoutVector or
// readoutScalar applies and empties it (pk −1, n 0), then carries the
// deliveries given to it; the vector kernel reads and writes the fields
// itself (readout_amd64.s).
type readoutBatch struct {
	u, cur *float64 // cnt each
	tf     []float64
	pk, n  int
	cnt    int
	rowLen int // 3·cnt: a row of tf
	// the last pass of the vector kernel: full blocks of 4 neurons, then a
	// block under the lane masks
	last   int
	mask64 [4]int64
	mask32 [4]int32
	ns, xs soleProj // for the neurons, the external inputs
	lo     int
	m      *neuronModel
	pl     *placement
	plan   *ffPlan
	bit    uint64 // the level's in plan.projLvl
	us, cs []float64
	items  [readoutItems]carryItem
}

// readoutItems is the room of a readoutBatch.
const readoutItems = 8

// carryItem is an input's carry: w points at the weights of its source to
// the cnt neurons of the level, t at the row of its delay in the table (a
// float64 index, see propFloats).
type carryItem struct {
	w *float32
	t int
}

// init sets up an empty batch for the integrators lo… of level lv (state u
// and cur, propagator table tab from integratorTab), with the soleProj of
// the external inputs (ext) and of the neurons (neurons) if asked for.
func (b *readoutBatch) init(m *neuronModel, pl *placement, plan *ffPlan, lv int, u, cur []float64, tab []prop, lo int, ext, neurons bool) {
	cnt := len(u)
	tf := propFloats(tab)
	if cnt == 0 || len(cur) != cnt || len(tf) != 3*tabTicks*cnt || cap(tf)-len(tf) < 3 {
		panic("hw: readoutBatch: bad lengths")
	}
	b.u, b.cur, b.tf, b.pk, b.cnt, b.rowLen = &u[0], &cur[0], tf, -1, cnt, 3*cnt
	rem := (cnt-1)%16 + 1 // neurons in the last pass
	b.last = (rem - 1) / 4
	for x := range rem - 4*b.last {
		b.mask64[x], b.mask32[x] = -1, -1
	}
	b.lo, b.m, b.pl, b.plan, b.bit, b.us, b.cs = lo, m, pl, plan, 1<<lv, u, cur
	if ext {
		b.xs = soleProjOf(pl, plan, b.bit, true, lo, cnt)
	}
	if neurons {
		b.ns = soleProjOf(pl, plan, b.bit, false, lo, cnt)
	}
}

// soleProj is the one projection through which the sources of a kind
// (external inputs or neurons) feed a level, if it covers the whole range
// lo…lo+cnt−1: the weights of source pre+s to neuron lo are at w0 + s·stride,
// followed by those to the other neurons of the range. w0 is nil otherwise.
type soleProj struct {
	pp     *placedProj
	w0     unsafe.Pointer
	pre    int
	size   uintptr // sources
	stride uintptr // bytes
}

// soleProjOf returns the soleProj of the sources of a kind (external) at the
// level of bit.
func soleProjOf(pl *placement, plan *ffPlan, bit uint64, external bool, lo, cnt int) soleProj {
	var pp *placedProj
	for i := range pl.projs {
		if plan.projLvl[i]&bit != 0 && pl.projs[i].Pre.External == external {
			if pp != nil {
				return soleProj{} // more than one
			}
			pp = &pl.projs[i]
		}
	}
	if pp == nil || pp.Pre.Size <= 0 || pp.PostOffset > lo || pp.PostOffset+pp.PostSize < lo+cnt {
		return soleProj{}
	}
	return soleProj{pp: pp, w0: unsafe.Pointer(&pp.eff[lo-pp.PostOffset]), pre: pp.Pre.Offset,
		size: uintptr(pp.Pre.Size), stride: uintptr(pp.PostSize) * 4}
}

// propFloats views a propagator table of integratorTab, capacity included,
// as float64: row k is [3·k·cnt, 3·(k+1)·cnt), e_m, e_s, F of each neuron.
func propFloats(t []prop) []float64 {
	if cap(t) == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(t))), 3*cap(t))[:3*len(t)]
}

// propagate advances the integrators by k ticks (the batch is empty): by a
// table row when the batch is applied, or now (k ≥ tabTicks).
func (b *readoutBatch) propagate(k int64) {
	if uint64(k) < tabTicks {
		b.pk = int(k) * b.rowLen
		return
	}
	b.propagateLong(k)
}

// propagateLong is propagate for k ≥ tabTicks.
func (b *readoutBatch) propagateLong(k int64) {
	u := b.us
	cur := b.cs[:len(u)]
	for x := range u {
		p := b.m.prop(b.lo+x, k)
		ui, ii := u[x], cur[x]
		u[x], cur[x] = float64(ui*p.em)+float64(ii*p.f), ii*p.es
	}
}

// events carries the external events ev[e:] (ticks et) before tick T and
// returns the index of the first at or after T.
func (b *readoutBatch) events(ev []Event, et []int64, e int, T int64) int {
	xs := &b.xs
	for ; e < len(et) && et[e] < T; e++ {
		src := int(ev[e].Source)
		if xs.w0 == nil {
			for _, p := range b.pl.inputOut[src] {
				if b.plan.projLvl[p]&b.bit != 0 {
					b.carry(&b.pl.projs[p], src, T-et[e])
				}
			}
		} else if s := uintptr(src - xs.pre); s < xs.size {
			if k := T - et[e]; uint64(k) < tabTicks && b.n < len(b.items) {
				b.items[b.n] = carryItem{w: (*float32)(unsafe.Add(xs.w0, s*xs.stride)), t: int(k) * b.rowLen}
				b.n++
			} else {
				b.carry(xs.pp, src, k)
			}
		}
	}
	return e
}

// deliveries carries the deliveries dl[d:] before tick T (the spikes of
// lower levels) after the batch so far, leaves the batch empty, and returns
// the index of the first delivery at or after T.
func (b *readoutBatch) deliveries(dl []delivery, d int, T int64) int {
	if b.ns.w0 == nil {
		for ; d < len(dl) && dl[d].tick < T; d++ {
			src := int(dl[d].neuron)
			for _, p := range b.pl.neuronOut[src] {
				if b.plan.projLvl[p]&b.bit != 0 {
					b.carry(&b.pl.projs[p], src, T-dl[d].tick)
				}
			}
		}
		b.flush()
		return d
	}
	for {
		rest := dl[d:]
		c, ok := readoutVector(b, rest, T)
		if !ok {
			c = readoutScalar(b, rest, T)
		}
		if d += c; d == len(dl) || dl[d].tick >= T {
			return d
		}
		// one the batch did not take: a delay of tabTicks or more
		b.carry(b.ns.pp, int(dl[d].neuron), T-dl[d].tick)
		d++
	}
}

// flush applies and empties the batch.
func (b *readoutBatch) flush() {
	if b.pk < 0 && b.n == 0 {
		return
	}
	if _, ok := readoutVector(b, nil, 0); !ok {
		readoutScalar(b, nil, 0)
	}
}

// carry adds the jumps that source src sent through projection pp k ticks
// before the next frame: an item if pp covers the range and k < tabTicks,
// else now (after the batch so far).
func (b *readoutBatch) carry(pp *placedProj, src int, k int64) {
	lo, cnt := b.lo, b.cnt
	a, e := max(pp.PostOffset, lo), min(pp.PostOffset+pp.PostSize, lo+cnt)
	if a >= e {
		return
	}
	off := (src-pp.Pre.Offset)*pp.PostSize - pp.PostOffset
	wrow := pp.eff[off+a : off+e]
	if a == lo && e == lo+cnt && uint64(k) < tabTicks {
		if b.n == len(b.items) {
			b.flush()
		}
		b.items[b.n] = carryItem{w: &wrow[0], t: int(k) * b.rowLen}
		b.n++
		return
	}
	b.flush()
	us, cs := b.us[a-lo:e-lo], b.cs[a-lo:e-lo]
	cs = cs[:len(us)]
	wrow = wrow[:len(us)]
	if uint64(k) < tabTicks {
		t := int(k) * b.rowLen
		carryRow(us, cs, wrow, b.tf[t+cnt+a-lo:t+cnt+e-lo], b.tf[t+2*cnt+a-lo:t+2*cnt+e-lo])
		return
	}
	for x, wj := range wrow {
		pr := b.m.prop(a+x, k)
		J := float64(wj)
		us[x] += float64(J * pr.f)
		cs[x] += float64(J * pr.es)
	}
}

// readoutScalar applies and empties the batch, then carries the deliveries
// dl before tick T from the sources of ns (the others feed no neuron of the
// level) up to the first with a delay of tabTicks or more, and returns how
// many it took (up to that one or the first at or after T): the portable
// loops of readoutVector.
func readoutScalar(b *readoutBatch, dl []delivery, T int64) int {
	cnt, tf := b.cnt, b.tf
	u, cur := b.us[:cnt], b.cs[:cnt]
	if pk := b.pk; pk >= 0 {
		row := tf[pk : pk+3*cnt]
		em, es, f := row[:cnt], row[cnt:2*cnt], row[2*cnt:]
		for x := range u {
			ui, ii := u[x], cur[x]
			u[x], cur[x] = float64(ui*em[x])+float64(ii*f[x]), ii*es[x]
		}
	}
	for i := range b.items[:b.n] {
		it := &b.items[i]
		carryRow(u, cur, unsafe.Slice(it.w, cnt), tf[it.t+cnt:it.t+2*cnt], tf[it.t+2*cnt:it.t+3*cnt])
	}
	b.pk, b.n = -1, 0
	sp := &b.ns
	c := 0
	for ; c < len(dl); c++ {
		dv := &dl[c]
		if dv.tick >= T {
			break
		}
		s := uintptr(int(dv.neuron) - sp.pre)
		if s >= sp.size {
			continue
		}
		k := T - dv.tick
		if uint64(k) >= tabTicks {
			break
		}
		t := int(k) * b.rowLen
		carryRow(u, cur, unsafe.Slice((*float32)(unsafe.Add(sp.w0, s*sp.stride)), cnt), tf[t+cnt:t+2*cnt], tf[t+2*cnt:t+3*cnt])
	}
	return c
}

// carryRow adds the jumps of weights ws, carried by the propagators es and f
// of each neuron, to u and cur.
func carryRow(u, cur []float64, ws []float32, es, f []float64) {
	cnt := len(ws)
	u, cur, es, f = u[:cnt], cur[:cnt], es[:cnt], f[:cnt]
	for x, wj := range ws {
		J := float64(wj)
		u[x] += float64(J * f[x])
		cur[x] += float64(J * es[x])
	}
}
