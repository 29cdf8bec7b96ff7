package hw

import (
	"math"
	"slices"

	"inloop/internal/f32"
)

// The per-sample simulator: exact event-driven integration. Each neuron keeps
// its state (u, I) at the tick it was last touched and is propagated lazily
// with the closed form; every state change predicts the neuron's next
// threshold crossing, and an indexed heap yields the earliest one. External
// inputs, spike deliveries and CADC frames lie on the 8 ns event grid; only
// threshold crossings (and probe points) fall between ticks. Neurons of
// feed-forward levels are integrated before this loop (sim_ff.go); the loop
// handles recurrent and probed neurons, with the feed-forward spikes as
// deliveries, and is skipped when nothing is left for it.
//
// Timing conventions (both paths):
//   - input events are rounded to the nearest tick on injection;
//   - CADC frame f is sampled at tick round(f·Period/8 ns), before any input
//     of that tick;
//   - a spike at time t is stamped with tick floor(t/8 ns) and reaches its
//     targets at the start of the next tick (0–8 ns routing latency);
//   - the refractory clamp holds the membrane at the reset potential from the
//     crossing until tick stamp+n_ref (the counter runs on the event clock);
//     the synaptic current keeps integrating meanwhile.

// delivery is a spike on its way to its targets.
type delivery struct {
	tick   int64
	neuron int32
}

// worker is the scratch of one goroutine, reused across samples and runs.
type worker struct {
	u, i       []float64
	last, rel  []int64 // last touched tick; release tick or −1
	next       []float64
	lower      []bool    // next[j] is only a lower bound of the crossing time
	cross      []int64   // tick stamp of the filed crossing
	leak       []float64 // this sample's leak, LSB (with its noise offset)
	thetaU     []float64 // this sample's threshold − leak
	resetU     []float64 // this sample's reset − leak
	heap       eventHeap
	acc        []float32
	zr         []float64  // this sample's readout noise, frame-major (sampleNoise)
	kt         []int64    // this sample's membrane-noise refresh ticks (none: off)
	ks         kickSource // and its kicks
	kickRow    []float32  // kicks of one refresh (carryKicks)
	stamp      []uint32
	projStamp  []uint32
	gen        uint32
	touchedPrj []int32
	deliv      []delivery
	spikes     []Spike
	// input-only path (sim_ff.go)
	gTicks   []int64
	jump     []float32
	offs     []int32 // buildJumps: rows of one projection to add
	keys     []int64 // sort keys of spikes and deliveries
	fspikes  []Spike
	fdeliv   []delivery
	stopsAll []ffStop
	stopsIn  []ffStop
	slowIdx  []int32  // runRange: neurons to redo exactly
	rows     rowCache // runRange: propagators by interval
	evTicks  []int64  // tick of each input event (eventTicks)
	evRows   []int32  // each event's row offset (eventTicks)
	frameBuf []uint8  // inference frames
	noise    noiseSource
}

func (w *worker) ensure(n, nproj int) {
	if cap(w.u) < n {
		w.u = make([]float64, n)
		w.i = make([]float64, n)
		w.last = make([]int64, n)
		w.rel = make([]int64, n)
		w.next = make([]float64, n)
		w.lower = make([]bool, n)
		w.cross = make([]int64, n)
		w.leak = make([]float64, n)
		w.thetaU = make([]float64, n)
		w.resetU = make([]float64, n)
		w.acc = make([]float32, n)
		w.stamp = make([]uint32, n)
	}
	w.u, w.i, w.last, w.rel = w.u[:n], w.i[:n], w.last[:n], w.rel[:n]
	w.next, w.lower, w.acc, w.stamp, w.cross = w.next[:n], w.lower[:n], w.acc[:n], w.stamp[:n], w.cross[:n]
	w.leak, w.thetaU, w.resetU = w.leak[:n], w.thetaU[:n], w.resetU[:n]
	if cap(w.projStamp) < nproj {
		w.projStamp = make([]uint32, nproj)
	}
	w.projStamp = w.projStamp[:nproj]
}

// sampleJob describes one sample for simulate.
type sampleJob struct {
	events  []Event
	ticks   []int64 // tick of each event after t0 (worker.eventTicks; required)
	rows    []int32 // nil, or each event's row in the jumps of plan.evProj
	t0      float64 // subtracted from event times (inference: the onset)
	horizon int64   // ticks simulated; inputs and spikes at or after it are dropped
	frames  int
	period  float64
	// sampled lists the neurons the CADC reads (nil: all, in order); cadc
	// receives the codes frame-major.
	sampled  []int32
	cadc     []uint8
	plan     *ffPlan // input-only neurons (nil: none)
	probe    []int   // probe neurons, their interval and output
	probeDt  float64
	probeOut [][]float64
}

// tickOf rounds a time to the nearest event tick (half away from zero, as
// math.Round; the common case t ≥ 0 without its bit manipulation).
func tickOf(t float64) int64 {
	x := t / EventTick
	if !(x >= 0 && x < 1<<52) {
		return int64(math.Round(x))
	}
	i := int64(x) // floor; x − i is exact
	if x-float64(i) >= 0.5 {
		i++
	}
	return i
}

// simulate runs one sample; spikes are appended to w.spikes (which it resets).
// The caller seeds w.noise.
func (w *worker) simulate(m *neuronModel, pl *placement, job *sampleJob) {
	n := m.n
	w.ensure(n, len(pl.projs))
	nsampled := n
	if job.sampled != nil {
		nsampled = len(job.sampled)
	}
	// This sample's temporal noise, drawn up front in a fixed layout
	// (sampleNoise), so that no integration path changes which draw goes
	// where.
	dl, dth := w.leak[:n], w.thetaU[:n]
	w.zr, w.ks = sampleNoise(&w.noise, m, job.frames, nsampled, dl, dth, w.zr)
	w.kt = w.kt[:0]
	if m.kickSD > 0 {
		w.kt = kickTicks(m.kickEvery, job.horizon, w.kt)
	}
	plan := job.plan
	loop := plan == nil || !plan.loopEmpty() // the event loop has neurons
	clear(w.u[:n])
	clear(w.i[:n])
	rel := w.rel[:n]
	for j := range rel {
		rel[j] = -1
	}
	mTheta, mReset, mLeak, resetU := m.thetaU[:n], m.resetU[:n], m.leak[:n], w.resetU[:n]
	for j, d := range dl {
		dth[j] = mTheta[j] + dth[j] - d
		resetU[j] = mReset[j] - d
		dl[j] = mLeak[j] + d
	}
	if loop { // its state
		// The jump accumulator too: when some targets of a projection take
		// the feed-forward path, addSource also accumulates into them and
		// nothing consumes it, so a previous sample may have left values.
		clear(w.acc[:n])
		clear(w.last[:n])
		next := w.next[:n]
		for j := range next {
			next[j] = math.Inf(1)
		}
		w.heap.reset(n, w.next)
	}
	var ff []bool
	w.fspikes, w.fdeliv = w.fspikes[:0], w.fdeliv[:0]
	if plan != nil && len(plan.list) > 0 {
		ff = plan.in
		w.runFeedForward(m, pl, job, plan)
	}
	w.deliv = w.deliv[:0]
	w.spikes = w.spikes[:0]
	if ff != nil && plan.loopEmpty() {
		w.spikes = append(w.spikes, w.fspikes...)
		w.keys = sortSpikes(w.spikes, w.keys)
		return
	}
	fhead := 0
	for j := 0; j < n; j++ {
		if ff != nil && ff[j] {
			continue
		}
		if w.thetaU[j] <= 0 { // leak at or above threshold: fires from rest
			w.predict(m, j, float64(job.horizon)*EventTick)
		}
	}
	dhead := 0
	horizonT := float64(job.horizon) * EventTick

	ev := 0
	nev := len(job.events)
	f := 0
	frameTick := int64(math.MaxInt64)
	if job.frames > 0 {
		frameTick = 0
	}
	probeIdx := 0
	nprobe := 0
	if len(job.probe) > 0 {
		nprobe = len(job.probeOut[0])
	}
	evTick := int64(math.MaxInt64)
	if nev > 0 {
		evTick = job.ticks[0]
	}
	kh := 0 // next membrane-noise refresh
	kickTick := int64(math.MaxInt64)
	if len(w.kt) > 0 {
		kickTick = w.kt[0]
	}

	for {
		if evTick >= job.horizon {
			evTick = math.MaxInt64
		}
		T := min(evTick, frameTick, kickTick)
		if dhead < len(w.deliv) {
			T = min(T, w.deliv[dhead].tick)
		}
		if fhead < len(w.fdeliv) {
			T = min(T, w.fdeliv[fhead].tick)
		}
		tT := math.Inf(1)
		if T != math.MaxInt64 {
			tT = float64(T) * EventTick
		}
		tInt := math.Inf(1)
		jInt := w.heap.min()
		if jInt >= 0 {
			tInt = w.next[jInt]
		}
		tProbe := math.Inf(1)
		if probeIdx < nprobe {
			tProbe = float64(probeIdx) * job.probeDt
		}
		if math.IsInf(tT, 1) && math.IsInf(tInt, 1) && math.IsInf(tProbe, 1) {
			break
		}
		if tInt <= tT && tInt <= tProbe {
			if w.lower[jInt] {
				w.refine(m, jInt, horizonT)
			} else {
				w.internal(m, jInt, horizonT, job.horizon)
			}
			continue
		}
		if tProbe < tT {
			w.probe(m, job, probeIdx, tProbe)
			probeIdx++
			continue
		}
		if T == frameTick {
			row := job.cadc[f*nsampled : (f+1)*nsampled]
			z := w.zr[f*nsampled : (f+1)*nsampled]
			if ff != nil {
				for k, j := range plan.evNeuron {
					row[plan.evPos[k]] = w.sample(m, int(j), T, z[plan.evPos[k]])
				}
			} else if job.sampled == nil {
				w.framePass(m, T, row, z)
			} else {
				for k, j := range job.sampled {
					row[k] = w.sample(m, int(j), T, z[k])
				}
			}
			f++
			frameTick = math.MaxInt64
			if f < job.frames {
				frameTick = tickOf(float64(f) * job.period)
			}
		}
		// Current jumps of this tick: inputs and spike deliveries.
		if evTick == T || kickTick == T || (dhead < len(w.deliv) && w.deliv[dhead].tick == T) || (fhead < len(w.fdeliv) && w.fdeliv[fhead].tick == T) {
			w.gen++
			w.touchedPrj = w.touchedPrj[:0]
			for evTick == T {
				src := int(job.events[ev].Source)
				for _, p := range pl.inputOut[src] {
					if ff == nil || !plan.projAll[p] {
						w.addSource(pl, int(p), src)
					}
				}
				ev++
				evTick = math.MaxInt64
				if ev < nev {
					evTick = job.ticks[ev]
				}
			}
			// The deliveries of this tick from the loop's neurons and from
			// the feed-forward levels, merged in the order of the sending
			// neuron: the float32 sums of the jumps then do not depend on
			// which path a sender took (the feed-forward levels add them in
			// this order too).
			for {
				dOK := dhead < len(w.deliv) && w.deliv[dhead].tick == T
				fOK := fhead < len(w.fdeliv) && w.fdeliv[fhead].tick == T
				var src int
				switch {
				case dOK && (!fOK || w.deliv[dhead].neuron < w.fdeliv[fhead].neuron):
					src = int(w.deliv[dhead].neuron)
					dhead++
				case fOK:
					src = int(w.fdeliv[fhead].neuron)
					fhead++
				default:
				}
				if !dOK && !fOK {
					break
				}
				for _, p := range pl.neuronOut[src] {
					w.addSource(pl, int(p), src)
				}
			}
			kicked := kickTick == T
			if kicked { // the membrane noise's kicks, after the inputs (as in buildJumps)
				for j := 0; j < n; j++ {
					if ff == nil || !ff[j] {
						w.acc[j] += w.ks.kick(kh, j)
					}
				}
				kh++
				kickTick = math.MaxInt64
				if kh < len(w.kt) {
					kickTick = w.kt[kh]
				}
			}
			for _, p := range w.touchedPrj {
				pp := &pl.projs[p]
				w.applyJumps(m, pp.PostOffset, pp.PostOffset+pp.PostSize, T, horizonT, ff)
			}
			if kicked {
				w.applyJumps(m, 0, n, T, horizonT, ff)
			}
		}
	}
	// Spikes in order of tick, then neuron (the order within a tick would
	// otherwise depend on the path that found them).
	w.spikes = append(w.spikes, w.fspikes...)
	w.keys = sortSpikes(w.spikes, w.keys)
}

// applyJumps propagates the not yet updated neurons lo…hi−1 to tick T, adds
// their accumulated current jumps and re-predicts their crossings. The common
// case (no crossing possible) is handled inline: this is the inner loop of a
// dense input layer.
func (w *worker) applyJumps(m *neuronModel, lo, hi int, T int64, horizonT float64, ff []bool) {
	n := m.n
	u, cur, last, rel := w.u[:n], w.i[:n], w.last[:n], w.rel[:n]
	acc, stamp, next := w.acc[:n], w.stamp[:n], w.next[:n]
	thetaU, fMax := w.thetaU[:n], m.fMax[:n]
	gen, tabLoop := w.gen, m.tabLoop
	for j := lo; j < hi; j++ {
		if stamp[j] == gen || ff != nil && ff[j] {
			continue
		}
		stamp[j] = gen
		if k := T - last[j]; k != 0 {
			var p prop // propLoop
			if k < tabTicks && tabLoop != nil {
				p = tabLoop[j*tabTicks+int(k)]
			} else {
				p = m.prop(j, k)
			}
			if rel[j] < 0 {
				u[j] = u[j]*p.em + cur[j]*p.f
			}
			cur[j] *= p.es
			last[j] = T
		}
		cur[j] += float64(acc[j])
		acc[j] = 0
		if rel[j] >= 0 {
			continue
		}
		u0, i0, th := u[j], cur[j], thetaU[j]
		if u0 < th && th > 0 && (i0 <= 0 || (u0+i0*fMax[j] < th && i0*fMax[j] < th)) {
			if next[j] < math.MaxFloat64 {
				next[j] = math.Inf(1)
				w.heap.fix(j, true)
			}
			continue
		}
		w.predict(m, j, horizonT)
	}
}

// framePass propagates every neuron to tick T and stores its CADC code in
// row, with the readout noise z. It is the inner loop of a run, so it is
// written out flat.
func (w *worker) framePass(m *neuronModel, T int64, row []uint8, z []float64) {
	n := m.n
	u, cur, last, rel := w.u[:n], w.i[:n], w.last[:n], w.rel[:n]
	leak, resetU := w.leak[:n], w.resetU[:n]
	a, b, corr := m.cadcA[:n], m.cadcB[:n], m.cadcCorr[:n]
	tabLoop := m.tabLoop
	row, z = row[:n], z[:n]
	for j := 0; j < n; j++ {
		if k := T - last[j]; k != 0 {
			var p prop // propLoop
			if k < tabTicks && tabLoop != nil {
				p = tabLoop[j*tabTicks+int(k)]
			} else {
				p = m.prop(j, k)
			}
			if rel[j] < 0 {
				u[j] = u[j]*p.em + cur[j]*p.f
			}
			cur[j] *= p.es
			last[j] = T
		}
		v := u[j]
		if rel[j] >= 0 {
			v = resetU[j]
		}
		row[j] = cadcRound(a[j]*(v+leak[j])+b[j]+z[j], corr[j])
	}
}

// sample propagates neuron j to tick T and converts its membrane with the
// readout noise z.
func (w *worker) sample(m *neuronModel, j int, T int64, z float64) uint8 {
	w.advance(m, j, T)
	v := w.u[j]
	if w.rel[j] >= 0 {
		v = w.resetU[j]
	}
	return m.cadcCode(j, w.leak[j]+v, z)
}

// addSource adds the current jumps of source src through projection p to the
// accumulator of its targets.
func (w *worker) addSource(pl *placement, p, src int) {
	pp := &pl.projs[p]
	k := src - pp.Pre.Offset
	f32.Add(w.acc[pp.PostOffset:pp.PostOffset+pp.PostSize], pp.eff[k*pp.PostSize:(k+1)*pp.PostSize])
	if w.projStamp[p] != w.gen {
		w.projStamp[p] = w.gen
		w.touchedPrj = append(w.touchedPrj, int32(p))
	}
}

// advance propagates neuron j to tick T (the membrane stays clamped while
// refractory).
func (w *worker) advance(m *neuronModel, j int, T int64) {
	k := T - w.last[j]
	if k == 0 {
		return
	}
	p := m.propLoop(j, k)
	if w.rel[j] < 0 {
		w.u[j] = w.u[j]*p.em + w.i[j]*p.f
	}
	w.i[j] *= p.es
	w.last[j] = T
}

// predict schedules neuron j's next threshold crossing before the horizon.
// Most calls only need the cheap peak bound; when a crossing is possible and
// the membrane is rising, predict files the lower bound (ϑ−u₀)/(du/dt)(0)
// (on the rising stretch u ≥ u₀ and I ≤ I₀, so du/dt ≤ its initial value)
// and leaves the exact root to refine, called only if the neuron becomes the
// earliest event before anything else touches it.
func (w *worker) predict(m *neuronModel, j int, horizonT float64) {
	t0 := float64(w.last[j]) * EventTick
	u0, i0, th := w.u[j], w.i[j], w.thetaU[j]
	if u0 < th && th > 0 {
		if i0 <= 0 || u0+i0*m.fMax[j] < th && i0*m.fMax[j] < th {
			if !math.IsInf(w.next[j], 1) {
				w.next[j] = math.Inf(1)
				w.heap.fix(j, true)
			}
			return
		}
		if s0 := i0 - u0/m.tauM[j]; s0 > 0 {
			w.next[j] = t0 + (th-u0)/s0
			w.lower[j] = true
			w.heap.fix(j, false)
			return
		}
	}
	w.refine(m, j, horizonT)
}

// refine replaces neuron j's lower bound by its crossing (or none). Only the
// tick of a crossing matters (spikes are stamped, delivered and clamped on
// the 8 ns grid), so the common case — a membrane rising to a peak above
// threshold — is solved by bisection over tick boundaries with tabulated
// propagators: the heap key becomes the first boundary b at which u ≥ ϑ and
// the stamp b−1 = floor(t_cross/8 ns). Other cases (self-firing neurons,
// peaks beyond the tables) use the continuous root finder.
func (w *worker) refine(m *neuronModel, j int, horizonT float64) {
	w.lower[j] = false
	L := w.last[j]
	key, stamp, ok := crossAfter(m, j, w.u[j], w.i[j], w.thetaU[j], L, int64(math.Round(horizonT/EventTick)))
	if !ok {
		w.noCross(j)
		return
	}
	w.cross[j] = stamp
	w.next[j] = key
	w.heap.fix(j, false)
}

// crossAfter finds the first threshold crossing of neuron j from state
// (u0, i0) at tick L, given no further input, whose event key lies at or
// before tick limit. It returns the key (µs; the crossing is processed
// before any event of a later tick) and the spike's tick stamp.
//
// Only the tick of a crossing matters, so the common case (a threshold above
// the leak, a membrane rising under a positive current) looks for the first
// tick boundary b at which u(b) ≥ ϑ, with tabulated propagators: the key is
// b and the stamp b−1 = floor(t_cross/8 ns). With I > 0 the membrane is
// concave while it rises (u″ = −u′/τ_mem − I/τ_syn < 0), so the tangent at
// any boundary k before the peak lies above u: u stays below ϑ until the
// tangent's root c, and the first candidate is ⌈c⌉. Newton's iteration over
// boundaries therefore approaches b from below and never steps past it,
// typically in two or three table reads. Past the peak (u′(k) ≤ 0 with
// u(k) < ϑ) only a crossing that falls back within the last tick remains;
// it is stamped in that tick. Other cases (self-firing neurons) use the
// continuous root finder.
func crossAfter(m *neuronModel, j int, u0, i0, th float64, L, limit int64) (key float64, stamp int64, ok bool) {
	tm, ts, d := m.tauM[j], m.tauS[j], m.d[j]
	hTicks := limit - L
	if th > 0 && u0 < th && i0 > 0 {
		s := i0 - u0/tm // du/dt at boundary k
		if s <= 0 {
			return 0, 0, false // at or past the peak, below a threshold above the leak
		}
		k, u := int64(0), u0
		for {
			// ⌈c⌉ of the tangent root, shifted down by far less than a
			// tick so a rounding of c can cost a step but never skip b.
			c := float64(k) + (th-u)/(s*EventTick) - 1e-6
			if !(c < float64(hTicks)) {
				return 0, 0, false // first candidate after the limit (or NaN)
			}
			kn := max(int64(math.Ceil(c)), k+1)
			var p prop // prop, with the short case inlined
			if kn < tabTicks {
				p = m.propShort(j, int(kn))
			} else {
				p = m.propLong(j, kn)
			}
			un := u0*p.em + i0*p.f
			if un >= th {
				return float64(L+kn) * EventTick, L + kn - 1, true
			}
			sn := i0*p.es - un/tm
			if sn <= 0 {
				// The peak lies in (k, kn]: did u cross and fall back within
				// the tick before kn?
				if ext, ok := extremum(u0, i0, tm, ts, d); ok && ext < float64(hTicks)*EventTick && lifU(u0, i0, tm, ts, d, ext) >= th {
					kp := int64(math.Ceil(ext / EventTick))
					return float64(L+kp) * EventTick, L + kp - 1, true
				}
				return 0, 0, false
			}
			k, u, s = kn, un, sn
		}
	}
	if u0 >= th { // at or above threshold now (a reset above it): fires at once
		return float64(L) * EventTick, L, true
	}
	// The other crossings (self-firing neurons: threshold at or below the
	// leak) are decided on the grid as well: the key is the first boundary
	// b with u(b) ≥ ϑ, evaluated from this state with the tabulated
	// propagators, and the stamp b−1. The continuous root (found to
	// crossTol) only says where to look; deciding by its value would put a
	// crossing within crossTol of a boundary on either side depending on
	// the bracket, which differs between integration paths. After such a
	// crossing u stays at or above ϑ (it rises to the leak, or to a peak
	// above it and then decays to the leak), so the first boundary is
	// found by stepping from the root's boundary.
	if hTicks < 1 {
		return 0, 0, false
	}
	uAt := func(k int64) float64 {
		p := m.prop(j, k)
		return u0*p.em + i0*p.f
	}
	dt, found := nextCrossing(u0, i0, th, tm, ts, d, m.fMax[j], float64(hTicks)*EventTick)
	k := hTicks // no root before the limit: only the limit itself can hold one
	if found {
		k = min(max(int64(math.Ceil(dt/EventTick)), 1), hTicks)
	} else if uAt(k) < th {
		return 0, 0, false
	}
	for k > 1 && uAt(k-1) >= th {
		k--
	}
	for k <= hTicks && uAt(k) < th {
		k++
	}
	if k > hTicks {
		return 0, 0, false
	}
	return float64(L+k) * EventTick, L + k - 1, true
}

// insertDelivery adds d to dl, which is sorted by tick and then neuron,
// keeping the order. Crossings are handled in the order of their keys, which
// ties for spikes of one tick (in heap order), and a spike of a neuron that
// fires at once on release delivers a tick after its key, so a new delivery
// usually goes last but not always.
func insertDelivery(dl []delivery, d delivery) []delivery {
	i := len(dl)
	for i > 0 && (dl[i-1].tick > d.tick || dl[i-1].tick == d.tick && dl[i-1].neuron > d.neuron) {
		i--
	}
	return slices.Insert(dl, i, d)
}

func (w *worker) noCross(j int) {
	if !math.IsInf(w.next[j], 1) {
		w.next[j] = math.Inf(1)
		w.heap.fix(j, true)
	}
}

// internal handles neuron j's due event: a spike or the end of its
// refractory period.
func (w *worker) internal(m *neuronModel, j int, horizonT float64, horizon int64) {
	if w.rel[j] < 0 {
		s := w.cross[j]
		w.spikes = append(w.spikes, Spike{Tick: s, Neuron: int32(j)})
		if m.hasOut[j] && s+1 < horizon {
			w.deliv = insertDelivery(w.deliv, delivery{tick: s + 1, neuron: int32(j)})
		}
		w.rel[j] = s + m.nref[j]
		w.u[j] = w.resetU[j]
		if w.rel[j] >= horizon {
			w.next[j] = math.Inf(1)
			w.heap.fix(j, true)
			return
		}
		w.next[j] = float64(w.rel[j]) * EventTick
		w.heap.fix(j, false)
		return
	}
	w.advance(m, j, w.rel[j])
	w.rel[j] = -1
	w.u[j] = w.resetU[j]
	w.predict(m, j, horizonT)
}

// probe records the true membrane of the probe neurons at time t.
func (w *worker) probe(m *neuronModel, job *sampleJob, idx int, t float64) {
	for k, j := range job.probe {
		v := w.leak[j] + w.resetU[j]
		if w.rel[j] < 0 {
			dt := t - float64(w.last[j])*EventTick
			v = w.leak[j] + lifU(w.u[j], w.i[j], m.tauM[j], m.tauS[j], m.d[j], dt)
		}
		job.probeOut[k][idx] = v
	}
}
