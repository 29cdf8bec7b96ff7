package hw

import (
	"math"
	"testing"
)

// idealChip returns an ideal die calibrated exactly to t.
func idealChip(t *testing.T, tg Targets) *Chip {
	t.Helper()
	c := New(Options{Ideal: true})
	if _, err := c.Calibrate(tg); err != nil {
		t.Fatal(err)
	}
	return c
}

// onePSP places one input onto one integrating neuron with weight w, plays a
// spike at tIn and returns the probed membrane (dt 0.1 µs) and the CADC trace.
func onePSP(t *testing.T, c *Chip, w int8, tIn float64) (Trace, []uint8) {
	t.Helper()
	net := Network{Inputs: 1, Neurons: 1, Integrators: Population{Size: 1},
		Projections: []Projection{{Pre: Population{External: true, Size: 1}, PostSize: 1, Weights: []int8{w}}}}
	if err := c.Configure(net); err != nil {
		t.Fatal(err)
	}
	obs, err := c.Run([]Stimulus{{Events: []Event{{Time: tIn}}, Duration: 34}}, RunOptions{Probe: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	return obs[0].Probe[0], obs[0].CADC
}

// TestPSPClosedForm holds the membrane after one input spike against the
// textbook PSP of a current-based LIF with exponential synapse:
// u(t) = q·τm·τs/(τs−τm)·(e^(−t/τs) − e^(−t/τm)), and q·t·e^(−t/τ) for τm = τs.
func TestPSPClosedForm(t *testing.T) {
	q := 40 * SynapticCurrentPerWeight
	cases := []struct{ tm, ts float64 }{{6, 6}, {6, 3}, {4, 9}, {10, 10}}
	for _, cs := range cases {
		tg := DefaultTargets()
		tg.TauMem, tg.TauSyn = cs.tm, cs.ts
		c := idealChip(t, tg)
		const tIn = 2.0
		tr, cadc := onePSP(t, c, 40, tIn)
		maxErr := 0.0
		for i, v := range tr.V {
			tt := float64(i)*tr.Dt - tIn
			want := 80.0
			if tt > 0 {
				if cs.tm == cs.ts {
					want += q * tt * math.Exp(-tt/cs.tm)
				} else {
					want += q * cs.tm * cs.ts / (cs.ts - cs.tm) * (math.Exp(-tt/cs.ts) - math.Exp(-tt/cs.tm))
				}
			}
			maxErr = math.Max(maxErr, math.Abs(v-want))
		}
		if maxErr > 1e-5 { // weights are stored as float32 current jumps
			t.Errorf("τm=%g τs=%g: probe deviates from the closed form by %g LSB", cs.tm, cs.ts, maxErr)
		}
		// The ideal CADC reads round(V) at f·1.7 µs.
		for f := range cadc {
			tt := float64(tickOf(float64(f)*CADCPeriod))*EventTick - tIn
			v := 80.0
			if tt > 0 {
				v += lifU(0, q, cs.tm, cs.ts, 1/cs.tm-1/cs.ts, tt)
			}
			if want := uint8(math.Floor(v + 0.5)); cadc[f] != want {
				t.Errorf("τm=%g τs=%g frame %d: CADC %d, want %d", cs.tm, cs.ts, f, cadc[f], want)
			}
		}
	}
}

// TestPSPPeak checks the peak time and height of the kernel, t* =
// ln(τs/τm)·τm·τs/(τs−τm), and the PSP of one hardware weight unit at the
// default targets (≈0.50 LSB, matching the model scale of docs/model.md §3.3).
func TestPSPPeak(t *testing.T) {
	for _, cs := range []struct{ tm, ts float64 }{{6, 3}, {3, 6}, {6, 6}, {6, 6 + 1e-9}} {
		d := 1/cs.tm - 1/cs.ts
		got, ok := extremum(0, 1, cs.tm, cs.ts, d)
		want := cs.tm
		if cs.tm != cs.ts {
			want = math.Log(cs.ts/cs.tm) * cs.tm * cs.ts / (cs.ts - cs.tm)
		}
		if !ok || math.Abs(got-want) > 1e-6 {
			t.Errorf("τm=%g τs=%g: peak at %g, want %g", cs.tm, cs.ts, got, want)
		}
	}
	peak := SynapticCurrentPerWeight * peakF(6, 6, 0)
	if math.Abs(peak-0.5) > 0.02 {
		t.Errorf("PSP of one weight unit peaks at %g LSB, want ≈0.50", peak)
	}
	// Model check: the discrete model's unit-weight PSP (1.71 threshold
	// distances = 240 hardware units) sampled at 1.7 µs.
	disc := 240 * SynapticCurrentPerWeight * 1.7 * 3 * math.Exp(-3*1.7/6) / 70
	if math.Abs(disc-1.70) > 0.02 {
		t.Errorf("discrete-model PSP per unit model weight %g threshold distances, want ≈1.71", disc)
	}
}

// TestFirstSpikeConstantCurrent: with a synaptic current that does not decay
// (τs → ∞) the first crossing of u from rest is t = τm·ln(Iτm/(Iτm − ϑ)).
func TestFirstSpikeConstantCurrent(t *testing.T) {
	for _, cs := range []struct{ tm, i, th float64 }{{6, 20, 70}, {6, 11.7, 70}, {2, 100, 70}, {10, 7.5, 70}} {
		ts := 1e15
		d := 1/cs.tm - 1/ts
		want := cs.tm * math.Log(cs.i*cs.tm/(cs.i*cs.tm-cs.th))
		fm := peakF(cs.tm, ts, d)
		got, ok := nextCrossing(0, cs.i, cs.th, cs.tm, ts, d, fm, 1e6)
		if !ok || math.Abs(got-want) > 2*crossTol {
			t.Errorf("τm=%g I=%g: crossing at %g (ok %v), want %g", cs.tm, cs.i, got, ok, want)
		}
	}
	// Below rheobase (Iτm < ϑ) there is no crossing.
	if _, ok := nextCrossing(0, 11, 70, 6, 1e15, 1.0/6, peakF(6, 1e15, 1.0/6), 1e6); ok {
		t.Error("crossing found below rheobase")
	}
}

// TestRefractoryClamp drives a self-firing neuron (leak above threshold): the
// membrane sits at the reset potential for the refractory time, then relaxes
// towards the leak and fires when it crosses the threshold, so spikes repeat
// every n_ref ticks + τm·ln((V_leak−V_reset)/(V_leak−ϑ)).
func TestRefractoryClamp(t *testing.T) {
	tg := DefaultTargets()
	tg.Leak, tg.Reset, tg.Threshold, tg.Refractory = 160, 80, 150, 2
	c := idealChip(t, tg)
	net := Network{Inputs: 1, Neurons: 1,
		Projections: []Projection{{Pre: Population{External: true, Size: 1}, PostSize: 1, Weights: []int8{0}}}}
	if err := c.Configure(net); err != nil {
		t.Fatal(err)
	}
	obs, err := c.Run([]Stimulus{{Duration: 60}}, RunOptions{Probe: []int{0}, ProbeDt: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	sp := obs[0].Spikes
	if len(sp) < 3 {
		t.Fatalf("self-firing neuron spiked %d times in 60 µs", len(sp))
	}
	climb := 6 * math.Log((160.0-80)/(160-150))
	if sp[0].Tick != 0 {
		t.Errorf("first spike at tick %d, want 0 (at rest above threshold)", sp[0].Tick)
	}
	for k := 1; k < len(sp); k++ {
		// release at stamp+250, then the climb: stamp = floor(release + climb)
		want := sp[k-1].Tick + 250 + int64(math.Floor(climb/EventTick))
		if d := sp[k].Tick - want; d < 0 || d > 1 {
			t.Errorf("spike %d at tick %d, want %d (+1)", k, sp[k].Tick, want)
		}
	}
	// The probe shows the clamp: exactly the reset potential while refractory.
	tr := obs[0].Probe[0]
	for i, v := range tr.V {
		tt := float64(i) * tr.Dt
		for _, s := range sp {
			t0 := float64(s.Tick+1) * EventTick
			t1 := float64(s.Tick+250) * EventTick
			if tt > t0 && tt < t1 && v != 80 {
				t.Fatalf("at %g µs, inside the refractory period after tick %d, V = %g, want the reset 80", tt, s.Tick, v)
			}
		}
	}
}
