package hw

import (
	"math"
	"slices"
	"testing"
)

// TestReadoutKernels: the readout batch — its vector kernel (where the CPU
// has one) and its scalar loops — integrates a readout range to the same
// bits as the straightforward frame-by-frame code it replaced (every
// propagator from m.prop, every input carried on its own), over ranges of 1
// to 40 integrators, random weights, every delay below tabTicks, delays of
// tabTicks and more (m.prop), external inputs and deliveries through one
// covering projection each (the direct paths) or through projections that
// cover part of the range or are several (the lists), and full batches.
func TestReadoutKernels(t *testing.T) {
	c := New(Options{ChipSeed: 3})
	if err := c.Configure(mnistNetwork(1, 8, 20)); err != nil {
		t.Fatal(err)
	}
	m := c.ensureModel()
	avx2 := hasAVX2 // path 0 is the vector kernel where there is one
	if !avx2 {
		t.Log("no AVX2 kernel: the scalar loops only")
	}
	defer func(v bool) { hasAVX2 = v }(hasAVX2)
	r := newRNG(21)
	for cnt := 1; cnt <= 40; cnt++ {
		lo := int(r.uint64() % uint64(m.n-cnt+1))
		tab := integratorTab(m, lo, lo+cnt)
		tf := propFloats(tab)
		for k := range tabTicks {
			for x := range cnt {
				p := m.propShort(lo+x, k)
				row := tf[3*k*cnt:]
				if row[x] != p.em || row[cnt+x] != p.es || row[2*cnt+x] != p.f {
					t.Fatalf("cnt %d: table row %d, neuron %d differs from propShort", cnt, k, x)
				}
			}
		}
		for kind := range 3 {
			pl, plan := readoutNet(&r, lo, cnt, kind)
			var ref readoutState
			got := [2]readoutState{}
			for _, s := range []*readoutState{&ref, &got[0], &got[1]} {
				s.ubuf, s.cbuf = guarded(cnt), guarded(cnt)
				s.u, s.cur = s.ubuf[readoutGuard:readoutGuard+cnt], s.cbuf[readoutGuard:readoutGuard+cnt]
			}
			for x := range cnt {
				ref.u[x], ref.cur[x] = 30*r.norm(), 20*r.norm()
			}
			for i := range got {
				copy(got[i].u, ref.u)
				copy(got[i].cur, ref.cur)
			}
			// every delay k < tabTicks (and some beyond) by itself: a
			// propagation and a carry through each projection
			for k := int64(0); k < tabTicks+40; k++ {
				kk := k
				if k >= tabTicks {
					kk = tabTicks + int64(r.uint64()%5000)
				}
				src := int(r.uint64() % 40)
				ref.propagate(m, lo, kk)
				for p := range pl.projs {
					ref.carry(m, &pl.projs[p], src, lo, kk)
				}
				for i := range got {
					hasAVX2 = avx2 && i == 0
					var b readoutBatch
					b.init(m, pl, plan, 0, got[i].u, got[i].cur, tab, lo, true, true)
					b.propagate(kk)
					for p := range pl.projs {
						if pp := &pl.projs[p]; src >= pp.Pre.Offset && src < pp.Pre.Offset+pp.Pre.Size {
							b.carry(pp, src, kk)
						}
					}
					b.flush()
				}
				checkReadout(t, cnt, kind, "delay", int(k), &ref, got[:])
			}
			// frames of events and deliveries, as runReadout
			ev, et, dl := readoutInputs(&r)
			e, d := [3]int{}, [3]int{}
			var b [2]readoutBatch
			for i := range got {
				b[i].init(m, pl, plan, 0, got[i].u, got[i].cur, tab, lo, true, true)
			}
			prev := int64(0)
			for f := 0; e[0] < len(et) || d[0] < len(dl); f++ {
				T := prev + int64(r.uint64()%300)
				if f%7 == 6 {
					T = prev + tabTicks + int64(r.uint64()%400)
				}
				ref.propagate(m, lo, T-prev)
				for ; e[0] < len(et) && et[e[0]] < T; e[0]++ {
					src := int(ev[e[0]].Source)
					for _, p := range pl.inputOut[src] {
						if plan.projLvl[p]&1 != 0 {
							ref.carry(m, &pl.projs[p], src, lo, T-et[e[0]])
						}
					}
				}
				for ; d[0] < len(dl) && dl[d[0]].tick < T; d[0]++ {
					src := int(dl[d[0]].neuron)
					for _, p := range pl.neuronOut[src] {
						if plan.projLvl[p]&1 != 0 {
							ref.carry(m, &pl.projs[p], src, lo, T-dl[d[0]].tick)
						}
					}
				}
				for i := range got {
					hasAVX2 = avx2 && i == 0
					b[i].propagate(T - prev)
					if e[i+1] < len(et) && et[e[i+1]] < T {
						e[i+1] = b[i].events(ev, et, e[i+1], T)
					}
					d[i+1] = b[i].deliveries(dl, d[i+1], T)
					if e[i+1] != e[0] || d[i+1] != d[0] || b[i].pk >= 0 || b[i].n != 0 {
						t.Fatalf("cnt %d, kind %d, frame %d: at input %d/%d, delivery %d/%d, batch not empty", cnt, kind, f, e[i+1], e[0], d[i+1], d[0])
					}
				}
				checkReadout(t, cnt, kind, "frame", f, &ref, got[:])
				prev = T
			}
		}
	}
}

// readoutState is the state of a readout range: u and cur, in the middle of
// ubuf and cbuf.
type readoutState struct{ u, cur, ubuf, cbuf []float64 }

// guarded returns room for cnt float64 between readoutGuard NaNs (of
// readoutGuardBits) on either side.
func guarded(cnt int) []float64 {
	v := make([]float64, cnt+2*readoutGuard)
	for j := range v {
		v[j] = math.Float64frombits(readoutGuardBits)
	}
	return v
}

const (
	readoutGuard     = 4
	readoutGuardBits = 0x7ff8dead0000beef
)

// propagate and carry are the code that runReadout replaced.
func (s *readoutState) propagate(m *neuronModel, lo int, k int64) {
	for x := range s.u {
		p := m.prop(lo+x, k)
		ui, ii := s.u[x], s.cur[x]
		s.u[x], s.cur[x] = float64(ui*p.em)+float64(ii*p.f), ii*p.es
	}
}

func (s *readoutState) carry(m *neuronModel, pp *placedProj, src, lo int, k int64) {
	if src < pp.Pre.Offset || src >= pp.Pre.Offset+pp.Pre.Size {
		return
	}
	a, b := max(pp.PostOffset, lo), min(pp.PostOffset+pp.PostSize, lo+len(s.u))
	for j := a; j < b; j++ {
		pr := m.prop(j, k)
		J := float64(pp.eff[(src-pp.Pre.Offset)*pp.PostSize+j-pp.PostOffset])
		s.u[j-lo] += float64(J * pr.f)
		s.cur[j-lo] += float64(J * pr.es)
	}
}

func checkReadout(t *testing.T, cnt, kind int, what string, i int, ref *readoutState, got []readoutState) {
	t.Helper()
	for g := range got {
		for _, v := range [][]float64{got[g].ubuf, got[g].cbuf} {
			for j, x := range v {
				if (j < readoutGuard || j >= readoutGuard+cnt) && math.Float64bits(x) != readoutGuardBits {
					t.Fatalf("cnt %d, kind %d, %s %d, path %d: written outside the range", cnt, kind, what, i, g)
				}
			}
		}
		for x := range cnt {
			if math.Float64bits(got[g].u[x]) != math.Float64bits(ref.u[x]) || math.Float64bits(got[g].cur[x]) != math.Float64bits(ref.cur[x]) {
				t.Fatalf("cnt %d, kind %d, %s %d, path %d, neuron %d: (%v, %v), want (%v, %v)",
					cnt, kind, what, i, g, x, got[g].u[x], got[g].cur[x], ref.u[x], ref.cur[x])
			}
		}
	}
}

// readoutNet returns projections onto the readout range lo…lo+cnt−1 of
// level 0 from 40 inputs and 40 neurons. Kind 0: one from each kind of
// source, covering the range and reaching beyond it (the direct paths).
// Kind 1: one from each onto a random part of the range. Kind 2: those of
// kind 0 and of kind 1 both, one from the neurons beside the range, and one
// to another level.
func readoutNet(r *rng, lo, cnt, kind int) (*placement, *ffPlan) {
	pl := &placement{inputs: 40, neurons: 40, inputOut: make([][]int32, 40), neuronOut: make([][]int32, 40)}
	plan := &ffPlan{extLvl: 1}
	add := func(external bool, pre, size, postOff, postSize int, lvl uint64) {
		p := Projection{Pre: Population{External: external, Offset: pre, Size: size}, PostOffset: postOff, PostSize: postSize}
		pp := placedProj{Projection: p, eff: make([]float32, size*postSize)}
		for i := range pp.eff {
			switch r.uint64() % 10 {
			case 0:
				pp.eff[i] = 0
			case 1:
				pp.eff[i] = float32(1e4 * r.norm())
			default:
				pp.eff[i] = float32(3 * r.norm())
			}
		}
		for s := pre; s < pre+size; s++ {
			if external {
				pl.inputOut[s] = append(pl.inputOut[s], int32(len(pl.projs)))
			} else {
				pl.neuronOut[s] = append(pl.neuronOut[s], int32(len(pl.projs)))
			}
		}
		pl.projs = append(pl.projs, pp)
		plan.projLvl = append(plan.projLvl, lvl)
	}
	part := func() (int, int) {
		a := int(r.uint64() % uint64(cnt))
		return lo + a, 1 + int(r.uint64()%uint64(cnt+2-a))
	}
	if kind != 1 {
		before := min(lo, int(r.uint64()%3))
		add(true, 5, 30, lo-before, before+cnt+int(r.uint64()%3), 1)
		add(false, 3, 30, lo-before, before+cnt+int(r.uint64()%3), 1)
	}
	if kind != 0 {
		a, n := part()
		add(false, 0, 40, a, n, 1)
		a, n = part()
		add(true, 10, 20, a, n, 1)
	}
	if kind == 2 {
		add(false, 0, 40, lo+cnt, 3, 1) // beside the range
		add(false, 0, 40, lo, cnt, 2)   // another level
	}
	return pl, plan
}

// readoutInputs returns events and deliveries over about 40 frames: runs at
// one tick, sources with and without projections.
func readoutInputs(r *rng) ([]Event, []int64, []delivery) {
	var ev []Event
	var et []int64
	var dl []delivery
	tick := int64(0)
	for len(et) < 400 {
		tick += int64(r.uint64() % 60)
		for range 1 + r.uint64()%12 {
			if r.uint64()%2 == 0 {
				ev = append(ev, Event{Source: int32(r.uint64() % 40)})
				et = append(et, tick)
			} else {
				dl = append(dl, delivery{tick: tick, neuron: int32(r.uint64() % 40)})
			}
		}
	}
	slices.SortStableFunc(dl, func(a, b delivery) int { return int(a.tick - b.tick) })
	return ev, et, dl
}
