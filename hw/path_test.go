package hw

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"testing"
)

// The observables of a sample (spike ticks, CADC codes, inference maxima)
// are a function of the chip, the network and the stimulus alone: probing
// neurons (which moves them from the feed-forward levels to the event
// loop), the other samples of the batch, the number of cores and the
// vector kernels must not change them. pathCase draws a small random network
// with per-neuron parameters that reach every integration path: thresholds
// above and below the leak (self-firing neurons, placed by the continuous
// root finder and then on the grid), short and long refractory times,
// recurrent and feed-forward levels, integrators, events on and off the
// 1.7 µs grid.
type pathCase struct {
	chip  *Chip
	batch []Stimulus
	run   RunOptions
	probe []int
}

func newPathCase(t testing.TB, seed uint64) pathCase {
	r := newRNG(seed, 0x70617468)
	intn := func(n int) int { return int(r.uint64() % uint64(n)) }
	c := New(Options{ChipSeed: seed, NoiseSeed: seed + 1})
	inputs := 1 + intn(12)
	a := 1 + intn(8) // level 0: neurons 0..a−1
	b := a + intn(6) // level 1 (or recurrent): a..b−1
	n := b + intn(4) // integrators: b..n−1
	if n == 0 {
		n = 1
	}
	w := func(k int) []int8 {
		x := make([]int8, k)
		for i := range x {
			x[i] = int8(max(-63, min(63, int(25*r.norm()+8))))
		}
		return x
	}
	net := Network{Inputs: inputs, Neurons: n}
	if split := intn(inputs + 1); split > 0 && split < inputs && intn(2) == 0 {
		// two projections from the inputs onto level 0
		net.Projections = append(net.Projections,
			Projection{Pre: Population{External: true, Size: split}, PostSize: a, Weights: w(a * split)},
			Projection{Pre: Population{External: true, Offset: split, Size: inputs - split}, PostSize: a, Weights: w(a * (inputs - split))})
	} else {
		net.Projections = append(net.Projections, Projection{Pre: Population{External: true, Size: inputs}, PostSize: a, Weights: w(a * inputs)})
	}
	if b > a {
		net.Projections = append(net.Projections, Projection{Pre: Population{Size: a}, PostOffset: a, PostSize: b - a, Weights: w((b - a) * a)})
		if intn(2) == 0 { // recurrent
			net.Projections = append(net.Projections, Projection{Pre: Population{Offset: a, Size: b - a}, PostOffset: a, PostSize: b - a, Weights: w((b - a) * (b - a))})
		}
	}
	if n > b {
		net.Integrators = Population{Offset: b, Size: n - b}
		net.Projections = append(net.Projections, Projection{Pre: Population{Size: b}, PostOffset: b, PostSize: n - b, Weights: w((n - b) * b)})
	}
	if err := c.Configure(net); err != nil {
		t.Fatal(err)
	}
	for j := 0; j < n; j++ {
		p := NeuronParams{Leak: 80, Reset: 60 + 40*r.float64(), Threshold: 110 + 60*r.float64(),
			TauMem: 1 + 11*r.float64(), TauSyn: 0.5 + 9*r.float64(), Refractory: 0.008 + 0.3*r.float64(), SynGain: [2]float64{1, 1}}
		if intn(3) == 0 { // leak above threshold: fires on its own
			p.Threshold = 60 + 20*r.float64()
			if intn(4) != 0 { // reset below threshold: the membrane climbs back to it
				p.Reset = p.Threshold - 2 - 20*r.float64()
			}
		}
		if intn(4) == 0 {
			p.TauSyn = p.TauMem
		}
		if intn(2) == 0 {
			p.Refractory = 1 + 3*r.float64()
		}
		if err := c.SetNeuron(j, p); err != nil {
			t.Fatal(err)
		}
	}
	pc := pathCase{chip: c}
	for range 3 {
		dur := 10 + 30*r.float64()
		ev := make([]Event, intn(40))
		grid := intn(2) == 0
		for i := range ev {
			tm := dur * r.float64()
			if grid {
				tm = float64(intn(int(dur/1.7))) * 1.7
			}
			ev[i] = Event{Time: tm, Source: int32(intn(inputs))}
		}
		sortEvents(ev)
		pc.batch = append(pc.batch, Stimulus{Events: ev, Duration: dur})
	}
	if intn(2) == 0 {
		pc.run = RunOptions{Frames: 1 + intn(30), Period: 0.5 + 2*r.float64()}
	}
	for j := 0; j < n; j++ {
		if intn(3) == 0 {
			pc.probe = append(pc.probe, j)
		}
	}
	if len(pc.probe) == 0 {
		pc.probe = []int{intn(n)}
	}
	return pc
}

// observe runs the case's batch at sequence seq (Run and Infer) and returns
// the observables without the probe traces.
func (pc pathCase) observe(t testing.TB, seq uint64, batch []Stimulus, probe []int) ([]Observation, []Inference) {
	c := pc.chip
	c.SetSequence(seq)
	opt := pc.run
	opt.Probe = probe
	obs, err := c.Run(batch, opt)
	if err != nil {
		t.Fatal(err)
	}
	for k := range obs {
		obs[k].Probe = nil
	}
	var inf []Inference
	if c.net.integrators.Size > 0 {
		c.SetSequence(seq)
		if inf, err = c.Infer(batch, InferOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return obs, inf
}

// checkPaths compares the case's observables along every path.
func checkPaths(t testing.TB, pc pathCase) {
	const seq = 1000
	base, baseInf := pc.observe(t, seq, pc.batch, nil)
	same := func(what string, obs []Observation, inf []Inference) {
		t.Helper()
		if !reflect.DeepEqual(obs, base) || !reflect.DeepEqual(inf, baseInf) {
			for k := range obs {
				if !reflect.DeepEqual(obs[k], base[k]) {
					t.Fatalf("%s changes sample %d:\n got  %v\n want %v", what, k, obs[k].Spikes, base[k].Spikes)
				}
			}
			t.Fatalf("%s changes the inference observables", what)
		}
	}
	obs, _ := pc.observe(t, seq, pc.batch, pc.probe)
	same(fmt.Sprintf("probing %v", pc.probe), obs, baseInf)
	// each sample alone, at its own sequence number
	var alone []Observation
	var aloneInf []Inference
	for k := range pc.batch {
		o, i := pc.observe(t, seq+uint64(k), pc.batch[k:k+1], nil)
		alone, aloneInf = append(alone, o...), append(aloneInf, i...)
	}
	same("running the samples one by one", alone, aloneInf)
	func() {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		o, i := pc.observe(t, seq, pc.batch, nil)
		same("one core", o, i)
	}()
	func() {
		defer func(v bool) { hasAVX2 = v }(hasAVX2)
		hasAVX2 = false
		o, i := pc.observe(t, seq, pc.batch, nil)
		same("the portable kernels", o, i)
		o, _ = pc.observe(t, seq, pc.batch, pc.probe)
		same("the portable kernels with probes", o, i)
	}()
}

// TestPathIndependence runs the fuzz body on fixed seeds (go test's default
// run); FuzzPathIndependence explores further.
func TestPathIndependence(t *testing.T) {
	spikes, selfFiring := 0, 0
	for seed := uint64(1); seed <= 60; seed++ {
		pc := newPathCase(t, seed)
		checkPaths(t, pc)
		obs, _ := pc.observe(t, 0, pc.batch, nil)
		for _, o := range obs {
			spikes += len(o.Spikes)
			for _, s := range o.Spikes {
				if p, _ := pc.chip.Neuron(int(s.Neuron)); p.Threshold < p.Leak {
					selfFiring++
				}
			}
		}
	}
	// the cases must exercise what they are about
	if spikes < 1000 || selfFiring < 300 {
		t.Fatalf("%d spikes, %d of self-firing neurons: too few to test the paths", spikes, selfFiring)
	}
	t.Logf("%d spikes (%d of self-firing neurons) identical along every path", spikes, selfFiring)
}

func FuzzPathIndependence(f *testing.F) {
	for _, s := range []uint64{1, 2, 3, 77} {
		f.Add(binary.LittleEndian.AppendUint64(nil, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 8 {
			return
		}
		checkPaths(t, newPathCase(t, binary.LittleEndian.Uint64(b)))
	})
}

// TestSelfFiringCrossingOnTheGrid is the case the path independence was
// about: a neuron whose leak lies above its threshold climbs back to it
// after a reset, and its crossing lies a few picoseconds before a tick
// boundary (closer than the root finder's 10 ps tolerance). Its stamp is
// the tick of the exact crossing, b−1, whether the search starts at the
// reset or at a stop in between (as the feed-forward path does) and
// whatever limit it is given.
func TestSelfFiringCrossingOnTheGrid(t *testing.T) {
	c := New(Options{Ideal: true})
	configure(t, c, Network{Neurons: 1})
	if err := c.SetNeuron(0, NeuronParams{Leak: 80, Reset: 60, Threshold: 75, TauMem: 6, TauSyn: 6, Refractory: 1, SynGain: [2]float64{1, 1}}); err != nil {
		t.Fatal(err)
	}
	m := c.ensureModel()
	th := -5.0
	for _, b := range []int64{300, 1037, 2222} {
		for _, before := range []float64{3.8e-6, 1e-6, 9e-6} { // µs: 3.8, 1 and 9 ps
			tc := float64(b)*EventTick - before
			u0 := th * math.Exp(tc/6) // u(t) = u0·e^(−t/6) reaches −5 at tc
			_, stamp, ok := crossAfter(m, 0, u0, 0, th, 0, 4000)
			if !ok || stamp != b-1 {
				t.Fatalf("crossing %g ps before boundary %d: stamp %d (found %v), want %d", before*1e6, b, stamp, ok, b-1)
			}
			for _, stop := range []int64{1, b / 3, b - 2} { // the same neuron, searched again from a stop
				p := m.prop(0, stop)
				_, s2, ok := crossAfter(m, 0, u0*p.em, 0, th, stop, stop+(b-stop)+int64(stop%7))
				if !ok || s2 != b-1 {
					t.Fatalf("from the stop at tick %d: stamp %d (found %v), want %d", stop, s2, ok, b-1)
				}
			}
		}
	}
}
