package hw

import (
	"cmp"
	"math"
	"reflect"
	"slices"
	"testing"
)

// refSpike is a spike of the reference integration, with its continuous time.
type refSpike struct {
	t      float64
	neuron int
}

// referenceRun integrates the placed network with classical Runge–Kutta at
// 1 ns (125 steps per… 8 per event tick), independently of the closed-form
// integrator: inputs, deliveries and the kicks of the membrane noise (as the
// worker drew them) at the same ticks, linear interpolation of threshold
// crossings, the same refractory clamp.
func referenceRun(m *neuronModel, pl *placement, w *worker, ev []Event, horizon int64) []refSpike {
	const sub = 8
	h := EventTick / sub
	n := m.n
	u := make([]float64, n)
	cur := make([]float64, n)
	rel := make([]int64, n)
	for j := range rel {
		rel[j] = -1
	}
	var out []refSpike
	deliv := map[int64][]int{}
	e := 0
	add := func(p *placedProj, k int) {
		for post := 0; post < p.PostSize; post++ {
			cur[p.PostOffset+post] += float64(p.eff[k*p.PostSize+post])
		}
	}
	for T := int64(0); T < horizon; T++ {
		for j := 0; j < n; j++ {
			if rel[j] == T {
				rel[j] = -1
				u[j] = w.resetU[j]
			}
		}
		for e < len(ev) && tickOf(ev[e].Time) == T {
			for _, p := range pl.inputOut[ev[e].Source] {
				pp := &pl.projs[p]
				add(pp, int(ev[e].Source)-pp.Pre.Offset)
			}
			e++
		}
		for _, s := range deliv[T] {
			for _, p := range pl.neuronOut[s] {
				pp := &pl.projs[p]
				add(pp, s-pp.Pre.Offset)
			}
		}
		for k, kt := range w.kt { // the sample's membrane noise
			if kt == T {
				for j := range cur {
					cur[j] += float64(w.ks.kick(k, j))
				}
			}
		}
		for st := 0; st < sub; st++ {
			t0 := float64(T)*EventTick + float64(st)*h
			for j := 0; j < n; j++ {
				tm, ts := m.tauM[j], m.tauS[j]
				f := func(u, i float64) (float64, float64) { return -u/tm + i, -i / ts }
				u0, i0 := u[j], cur[j]
				k1u, k1i := f(u0, i0)
				k2u, k2i := f(u0+h/2*k1u, i0+h/2*k1i)
				k3u, k3i := f(u0+h/2*k2u, i0+h/2*k2i)
				k4u, k4i := f(u0+h*k3u, i0+h*k3i)
				u1 := u0 + h/6*(k1u+2*k2u+2*k3u+k4u)
				cur[j] = i0 + h/6*(k1i+2*k2i+2*k3i+k4i)
				if rel[j] >= 0 {
					continue
				}
				u[j] = u1
				th := w.thetaU[j]
				if u0 < th && u1 >= th {
					tc := t0 + h*(th-u0)/(u1-u0)
					s := int64(math.Floor(tc / EventTick))
					out = append(out, refSpike{t: tc, neuron: j})
					rel[j] = s + m.nref[j]
					u[j] = w.resetU[j]
					if m.hasOut[j] {
						deliv[s+1] = append(deliv[s+1], j)
					}
				}
			}
		}
	}
	return out
}

// TestAgainstFineReference: on a mismatched die with a recurrent layer, the
// event-driven integrator's spikes match a 1 ns Runge–Kutta integration, each
// within the 8 ns event grid.
func TestAgainstFineReference(t *testing.T) {
	for _, seed := range []uint64{3, 4, 5, 6} {
		recurrent := seed%2 == 1
		c := New(Options{ChipSeed: seed, NoiseSeed: seed})
		r := newRNG(seed, 9)
		w := func(n int, sd float64) []int8 {
			x := make([]int8, n)
			for i := range x {
				x[i] = int8(math.Max(-63, math.Min(63, math.Round(sd*r.norm()))))
			}
			return x
		}
		net := Network{Inputs: 20, Neurons: 35, Integrators: Population{Offset: 30, Size: 5}, Projections: []Projection{
			{Pre: Population{External: true, Size: 20}, PostSize: 30, Weights: w(600, 30)},
			{Pre: Population{Size: 30}, PostOffset: 30, PostSize: 5, Weights: w(150, 20)},
		}}
		if recurrent {
			net.Projections = append(net.Projections, Projection{Pre: Population{Size: 30}, PostSize: 30, Weights: w(900, 10)})
		}
		if err := c.Configure(net); err != nil {
			t.Fatal(err)
		}
		var ev []Event
		for k := 0; k < 60; k++ {
			ev = append(ev, Event{Time: 25 * r.float64(), Source: int32(r.uint64() % 20)})
		}
		sortEvents(ev)
		m := c.ensureModel()
		job := sampleJob{events: ev, ticks: eventTicksOf(ev), horizon: tickOf(34), frames: 21, period: CADCPeriod, cadc: make([]uint8, 21*35),
			plan: newFFPlan(m, c.net, nil, nil)}
		if len(job.plan.list) == 0 == !recurrent {
			t.Fatalf("seed %d: %d input-only neurons with recurrent=%v", seed, len(job.plan.list), recurrent)
		}
		wk := &worker{noise: noiseSource{rng: newRNG(1)}}
		wk.simulate(m, c.net, &job)
		ref := referenceRun(m, c.net, wk, ev, job.horizon)
		if len(ref) < 20 {
			t.Fatalf("seed %d: only %d reference spikes; the test needs activity", seed, len(ref))
		}
		if len(ref) != len(wk.spikes) {
			t.Fatalf("seed %d: %d spikes, reference %d", seed, len(wk.spikes), len(ref))
		}
		slices.SortFunc(ref, func(a, b refSpike) int {
			return cmp.Or(cmp.Compare(math.Floor(a.t/EventTick), math.Floor(b.t/EventTick)), cmp.Compare(a.neuron, b.neuron))
		})
		if len(wk.kt) < 10 {
			t.Fatalf("seed %d: %d membrane-noise refreshes; the default chip has them every 1.7 µs", seed, len(wk.kt))
		}
		for k, s := range wk.spikes {
			rs := ref[k]
			lo, hi := float64(s.Tick)*EventTick, float64(s.Tick+1)*EventTick
			// in its tick, unless the reference crossing lies within 0.5 ns
			// of a boundary (its own error at 1 ns steps)
			if int(s.Neuron) != rs.neuron || rs.t < lo-0.0005 || rs.t > hi+0.0005 {
				t.Errorf("seed %d spike %d: neuron %d tick %d [%g, %g) µs; reference neuron %d at %.5f µs",
					seed, k, s.Neuron, s.Tick, lo, hi, rs.neuron, rs.t)
			}
		}
	}
}

// TestInputOnlyPath: the feed-forward paths (flat passes for the hidden
// layer, frame-to-frame superposition for the readout integrators) give the
// same observables as the event loop (ideal chip: no noise to differ), also
// when the integrators get external input besides the hidden spikes.
func TestInputOnlyPath(t *testing.T) {
	direct := mnistNetwork(6, 10, 25)
	r := newRNG(6, 1)
	wd := make([]int8, 10*8)
	for k := range wd {
		wd[k] = int8(r.uint64()%41) - 20
	}
	direct.Projections = append(direct.Projections, Projection{Pre: Population{External: true, Offset: 246, Size: 8}, PostOffset: 246, PostSize: 10, Weights: wd})
	for ni, net := range []Network{mnistNetwork(6, 10, 25), direct} {
		c := New(Options{Ideal: true})
		if err := c.Configure(net); err != nil {
			t.Fatal(err)
		}
		m := c.ensureModel()
		for _, grid := range []bool{true, false} {
			for _, st := range mnistStimuli(6, 4, grid) {
				var obs [2]Observation
				for k, plan := range []*ffPlan{nil, newFFPlan(m, c.net, nil, nil)} {
					job := sampleJob{events: st.Events, ticks: eventTicksOf(st.Events), horizon: tickOf(34), frames: 21, period: CADCPeriod, cadc: make([]uint8, 21*256), plan: plan}
					wk := &worker{noise: noiseSource{rng: newRNG(1)}}
					wk.simulate(m, c.net, &job)
					obs[k] = Observation{Spikes: append([]Spike(nil), wk.spikes...), CADC: job.cadc}
					slices.SortFunc(obs[k].Spikes, func(a, b Spike) int { return cmp.Or(cmp.Compare(a.Tick, b.Tick), cmp.Compare(a.Neuron, b.Neuron)) })
				}
				if len(obs[0].Spikes) == 0 || !reflect.DeepEqual(obs[0], obs[1]) {
					t.Fatalf("network %d, grid %v: event loop %d spikes, feed-forward paths %d; observables differ", ni, grid, len(obs[0].Spikes), len(obs[1].Spikes))
				}
			}
		}
	}
}

// eventTicksOf is the ticks of events starting at 0 µs, as Run's workers
// compute them for a sampleJob.
func eventTicksOf(ev []Event) []int64 {
	ticks := make([]int64, len(ev))
	for k, e := range ev {
		ticks[k] = tickOf(e.Time)
	}
	return ticks
}
