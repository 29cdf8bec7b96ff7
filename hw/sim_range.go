package hw

// A feed-forward level whose neurons are contiguous is integrated stop by
// stop (runRange): at each stop (an input tick or a CADC frame) one flat pass
// propagates every neuron with the propagators of the common interval, adds
// the current jumps and reads the frame. Only the few neurons that might
// reach threshold before the stop (or are refractory) are then redone
// exactly from their saved state by ffAdvance. The pass decides that with
// the bounds of stepQuiet, which nearly every neuron passes (well predicted
// branches). A neuron wrongly sent to the redo costs time only: the redo
// propagates with the same propagator, so results do not depend on how
// tight the bounds are, only on their being safe.

// runRange integrates the neurons lo…hi−1 stop by stop (see above). A frame
// is read after the propagation and before the jumps of its tick. All
// neurons reach each stop at the same tick, so no per-neuron "last touched"
// is kept.
func (w *worker) runRange(m *neuronModel, job *sampleJob, lo, hi, base int, frames bool) {
	n := m.n
	nsampled := n
	if job.sampled != nil {
		nsampled = len(job.sampled)
	}
	cnt := hi - lo
	u, cur, rel := w.u[lo:hi], w.i[lo:hi], w.rel[lo:hi]
	thetaU, invTau := w.thetaU[lo:hi], m.invTauM[lo:hi]
	leak, resetU := w.leak[lo:hi], w.resetU[lo:hi]
	ca, cb, corr, corrF := m.cadcA[lo:hi], m.cadcB[lo:hi], m.cadcCorr[lo:hi], m.cadcCorrF[lo:hi]
	cur, rel, thetaU, invTau = cur[:cnt], rel[:cnt], thetaU[:cnt], invTau[:cnt]
	leak, resetU, ca, cb, corr = leak[:cnt], resetU[:cnt], ca[:cnt], cb[:cnt], corr[:cnt]
	if cap(w.slowIdx) < cnt {
		w.slowIdx = make([]int32, 0, cnt)
	}
	stops := w.stopsIn
	if frames {
		stops = w.stopsAll
	}
	prev := int64(0)
	for _, st := range stops {
		T := st.tick
		k := T - prev
		dtk := float64(k) * EventTick
		row := w.rows.get(m, lo, hi, k)
		var jrow []float32
		if st.group >= 0 {
			jrow = w.jump[int(st.group)*n+lo : int(st.group)*n+hi]
			jrow = jrow[:cnt]
		}
		slow := stepQuiet(u, cur, rel, thetaU, invTau, row, jrow, dtk, w.slowIdx[:0])
		for _, x := range slow {
			s := ffState{u: u[x], i: cur[x], last: prev, rel: rel[x]}
			w.ffAdvance(m, lo+int(x), &s, thetaU[x], T, job.horizon)
			u[x], cur[x], rel[x] = s.u, s.i, s.rel
			if jrow != nil {
				cur[x] += float64(jrow[x])
			}
		}
		if st.frame >= 0 {
			at := int(st.frame)*nsampled + base
			out, z := job.cadc[at:at+cnt], w.zr[at:at+cnt]
			readFrame(out, u, rel, resetU, leak, ca, cb, z, corrF, corr)
		}
		prev = T
	}
	// Spikes between the last stop and the horizon. The final state itself
	// is not observed; stepQuiet's test sorts out the neurons to redo.
	if k := job.horizon - prev; k > 0 {
		row := w.rows.get(m, lo, hi, k)
		slow := stepQuiet(u, cur, rel, thetaU, invTau, row, nil, float64(k)*EventTick, w.slowIdx[:0])
		for _, x := range slow {
			s := ffState{u: u[x], i: cur[x], last: prev, rel: rel[x]}
			w.ffAdvance(m, lo+int(x), &s, thetaU[x], job.horizon, job.horizon)
		}
	}
}

// propRows are the propagators of a range of neurons over one interval, by
// component (see prop).
type propRows struct{ em, es, f []float64 }

// rowCache keeps the propagator rows of the last few intervals a worker
// used: the stops of a sample (and of the next) mostly repeat a few
// intervals, such as the 1.7 µs of the input bins, so a row is composed
// once and then read by the flat passes of many samples.
type rowCache struct {
	entries [5]rowEntry // the last one is scratch for small ranges
	next    int         // round-robin victim among the others
}

type rowEntry struct {
	m      *neuronModel
	lo, hi int
	k      int64
	rows   propRows
}

// get returns the propagators of neurons lo…hi−1 over k ticks. Rows of
// small ranges are composed afresh into the last entry, never cached: they
// are cheap, and their stops (spike deliveries) rarely repeat an interval.
func (c *rowCache) get(m *neuronModel, lo, hi int, k int64) propRows {
	if hi-lo < rowCacheMin {
		return c.entries[len(c.entries)-1].fill(m, lo, hi, k, nil)
	}
	for i := range c.entries[:len(c.entries)-1] {
		if e := &c.entries[i]; e.m == m && e.lo == lo && e.hi == hi && e.k == k {
			return e.rows
		}
	}
	e := &c.entries[c.next]
	c.next = (c.next + 1) % (len(c.entries) - 1)
	return e.fill(m, lo, hi, k, m)
}

// rowCacheMin is the smallest range whose rows are cached.
const rowCacheMin = 32

// fill composes the rows into e and keys e by key (nil: no key).
func (e *rowEntry) fill(m *neuronModel, lo, hi int, k int64, key *neuronModel) propRows {
	cnt := hi - lo
	if cap(e.rows.em) < cnt {
		e.rows = propRows{em: make([]float64, cnt), es: make([]float64, cnt), f: make([]float64, cnt)}
	}
	r := propRows{em: e.rows.em[:cnt], es: e.rows.es[:cnt], f: e.rows.f[:cnt]}
	for x := range cnt {
		p := m.prop(lo+x, k)
		r.em[x], r.es[x], r.f[x] = p.em, p.es, p.f
	}
	e.m, e.lo, e.hi, e.k, e.rows = key, lo, hi, k, r
	return r
}

// stepQuiet advances by one table row (row.*[x]: the propagator of neuron x
// over dt µs) every neuron that is free and certainly stays below threshold
// within dt, adds its current jump (jump[x]; none if jump is nil), and
// appends the others to slow, leaving their state as it was. A neuron is
// quiet if the slope bound keeps it below: on the rising stretch u grows and
// I decays, so du/dt ≤ s₀ = I − u/τ_mem and u(dt) ≤ u + s₀·dt (with s₀ ≤ 0
// the test reduces to u < ϑ, so the non-rising case needs no test of its own),
// or if it ends the interval below threshold and still rising: u has at most
// one extremum, so a membrane rising at both ends rose all along and its
// maximum is the end value (a minimum inside would need s₀ < 0, which the
// first test covers). It is the inner loop of the feed-forward levels: a
// vector kernel takes blocks of 4 neurons where the CPU has one, the scalar
// loop the rest. Every lane does the scalar loop's operations in the same
// order, so both give the same bits.
func stepQuiet(u, cur []float64, rel []int64, thetaU, invTauM []float64, row propRows, jump []float32, dt float64, slow []int32) []int32 {
	n := len(u)
	cur, rel, thetaU, invTauM = cur[:n], rel[:n], thetaU[:n], invTauM[:n]
	row.em, row.es, row.f = row.em[:n], row.es[:n], row.f[:n]
	if jump != nil {
		jump = jump[:n]
	}
	x0 := 0
	if n4 := n &^ 3; n4 > 0 {
		var ok bool
		if slow, ok = stepQuietVector(u[:n4], cur, rel, thetaU, invTauM, row, jump, dt, slow); ok {
			x0 = n4
		}
	}
	return stepQuietScalar(x0, u, cur, rel, thetaU, invTauM, row, jump, dt, slow)
}

// stepQuietScalar is stepQuiet for the neurons x0… .
func stepQuietScalar(x0 int, u, cur []float64, rel []int64, thetaU, invTauM []float64, row propRows, jump []float32, dt float64, slow []int32) []int32 {
	n := len(u)
	cur, rel, thetaU, invTauM = cur[:n], rel[:n], thetaU[:n], invTauM[:n]
	em, es, f := row.em[:n], row.es[:n], row.f[:n]
	for x := x0; x < n; x++ {
		ui, ii, th, it := u[x], cur[x], thetaU[x], invTauM[x]
		// the conversions round each product as the vector lanes do (no
		// fused multiply-add)
		s0 := ii - float64(ui*it)
		un, ie := float64(ui*em[x])+float64(ii*f[x]), float64(ii*es[x])
		if (ui < th && th-ui > s0*dt || un < th && ie-float64(un*it) >= 0) && rel[x] < 0 && th > 0 {
			if jump != nil {
				ie += float64(jump[x])
			}
			u[x], cur[x] = un, ie
			continue
		}
		slow = append(slow, int32(x))
	}
	return slow
}
