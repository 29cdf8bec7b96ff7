package hw

import (
	"math"
	"testing"
)

// tableVar is the variance of the table deviates (tails cut at ±3.5 σ).
func tableVar() float64 {
	s := 0.0
	for _, z := range normTable {
		s += z * z
	}
	return s / float64(len(normTable))
}

// TestMembraneNoiseStatistics: the free membranes of a nominal die carry the
// process of noise.go. At every refresh, over 8000 realisations (20 neurons
// × 400 samples), the membrane's variance follows the exact recursion from
// rest (P_(k+1) = A·P_k·Aᵀ + diag(0, σ_ξ²)), reaches the closed-form
// stationary σ_V² set in the options, and its autocovariance at lags of 1–3
// refreshes is e_m(mΔ)·P_uu + F(mΔ)·P_uI. The probe reads the true membrane;
// the per-sample leak offsets come from the noise replay.
func TestMembraneNoiseStatistics(t *testing.T) {
	const (
		sd       = 1.4
		interval = 1.6 // 200 ticks: a uniform grid, probed at the refreshes
		neurons  = 20
		samples  = 400
		refresh  = 25
	)
	c := New(Options{NoMismatch: true, NoiseSeed: 9, Membrane: MembraneNoise{SD: sd, Interval: interval}})
	configure(t, c, Network{Neurons: neurons})
	probe := make([]int, neurons)
	for j := range probe {
		probe[j] = j
	}
	batch := make([]Stimulus, samples)
	for k := range batch {
		batch[k] = Stimulus{Duration: interval * refresh}
	}
	seq := c.Sequence()
	obs, err := c.Run(batch, RunOptions{Probe: probe, ProbeDt: interval, Frames: 1})
	if err != nil {
		t.Fatal(err)
	}
	// u[k][r]: membrane at refresh k of realisation r
	u := make([][]float64, refresh)
	for k, o := range obs {
		sn, err := c.Noise(seq+uint64(k), 1, tickOf(interval*refresh))
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range o.Probe {
			p, _ := c.Neuron(tr.Neuron)
			for i := 0; i < refresh; i++ {
				u[i] = append(u[i], tr.V[i]-p.Leak-sn.LeakOffset[tr.Neuron])
			}
		}
	}
	kickSD, _ := c.membraneNoise()
	q := kickSD * kickSD * tableVar()
	p := propagator(6, 6, 0, interval)
	// exact covariance from rest, refresh by refresh (the kick at k enters
	// after u_k is read)
	var P []cov2
	cur := cov2{}
	for k := 0; k < refresh; k++ {
		P = append(P, cur)
		ii := cur.ii + q
		ui, uu := cur.ui, cur.uu
		cur = cov2{
			uu: p.em*p.em*uu + 2*p.em*p.f*ui + p.f*p.f*ii,
			ui: p.es * (p.em*ui + p.f*ii),
			ii: p.es * p.es * ii,
		}
	}
	stat := noiseCov(6, 6, interval)
	if got := math.Sqrt(stat.uu * kickSD * kickSD); math.Abs(got-sd) > 1e-9 {
		t.Fatalf("stationary SD %g LSB from the kick SD, options say %g", got, sd)
	}
	mean := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / float64(len(x))
	}
	cov := func(a, b []float64) float64 {
		s := 0.0
		for r := range a {
			s += a[r] * b[r]
		}
		return s / float64(len(a))
	}
	for _, k := range []int{1, 2, 4, 8, 24} {
		got, want := cov(u[k], u[k]), P[k].uu
		if math.Abs(got-want) > 0.05*want || math.Abs(mean(u[k])) > 0.05 {
			t.Errorf("refresh %d: membrane variance %.4f LSB² (mean %.3f), exact %.4f", k, got, mean(u[k]), want)
		}
		t.Logf("refresh %d: variance %.4f LSB², exact %.4f", k, got, want)
	}
	// stationary: P at refresh 24 against the closed form (σ_V² scaled by
	// the table's variance)
	if w := stat.uu * q; math.Abs(P[24].uu-w) > 1e-3*w {
		t.Errorf("recursion at refresh 24: %.5f, closed-form stationary %.5f", P[24].uu, w)
	}
	for lag := 1; lag <= 3; lag++ {
		pl := propagator(6, 6, 0, float64(lag)*interval)
		k := 24 - lag
		want := (pl.em*P[k].uu + pl.f*P[k].ui)
		got := cov(u[k+lag], u[k])
		if math.Abs(got-want) > 0.05*P[k].uu {
			t.Errorf("lag %d: autocovariance %.4f LSB², closed form %.4f", lag, got, want)
		}
		t.Logf("lag %d (%.1f µs): autocorrelation %.3f, closed form %.3f", lag, float64(lag)*interval, got/cov(u[k], u[k]), want/P[k].uu)
	}
}

// TestMembraneNoiseOff: with the membrane noise off, a run is the same with
// any noise amplitude setting, and the noise replay has no kicks; with it on,
// the replay's kicks are what the run used (TestAgainstFineReference checks
// the spikes against them).
func TestMembraneNoiseOff(t *testing.T) {
	digest := func(o Options) string {
		c := New(o)
		configure(t, c, mnistNetwork(1, 8, 20))
		return digestRun(t, c, mnistStimuli(1, 3, true), RunOptions{})
	}
	off := digest(Options{ChipSeed: 1, NoiseSeed: 2, Membrane: MembraneNoise{Off: true}})
	if off != digest(Options{ChipSeed: 1, NoiseSeed: 2, Membrane: MembraneNoise{Off: true, SD: 5, Interval: 0.3}}) {
		t.Fatal("the membrane noise's amplitude changes a run with the noise off")
	}
	if off == digest(Options{ChipSeed: 1, NoiseSeed: 2}) {
		t.Fatal("the default membrane noise changes nothing")
	}
	c := New(Options{ChipSeed: 1, NoiseSeed: 2, Membrane: MembraneNoise{Off: true}})
	configure(t, c, mnistNetwork(1, 8, 20))
	if sn, _ := c.Noise(0, 21, tickOf(34)); len(sn.KickTicks) != 0 || len(sn.Kicks) != 0 {
		t.Fatalf("noise off, replay has %d refreshes", len(sn.KickTicks))
	}
	for _, o := range []Options{{Membrane: MembraneNoise{SD: -1}}, {Membrane: MembraneNoise{SD: math.NaN()}}, {Membrane: MembraneNoise{Interval: 0.001}}} {
		if o.Check() == nil {
			t.Errorf("Check accepts %+v", o.Membrane)
		}
	}
}

// jitterStimulus is the standard stimulus of the README's jitter figure: a
// nominal neuron (leak 80, threshold 150 LSB, τ_mem = τ_syn = 6 µs) receives
// 4 synchronous input spikes of weight 50 at 1.7 µs, a PSP peaking at 1.4
// threshold distances; spikeJitter returns the mean and SD of its first
// spike time over trials, µs, and how many trials it fired in.
func spikeJitter(t *testing.T, o Options, trials int) (mean, sd float64, fired int) {
	t.Helper()
	c := New(o)
	configure(t, c, Network{Inputs: 4, Neurons: 1, Projections: []Projection{
		{Pre: Population{External: true, Size: 4}, PostSize: 1, Weights: []int8{50, 50, 50, 50}}}})
	ev := []Event{{1.7, 0}, {1.7, 1}, {1.7, 2}, {1.7, 3}}
	batch := make([]Stimulus, trials)
	for k := range batch {
		batch[k] = Stimulus{Events: ev, Duration: 12}
	}
	obs, err := c.Run(batch, RunOptions{Frames: 1})
	if err != nil {
		t.Fatal(err)
	}
	var x []float64
	for _, ob := range obs {
		if len(ob.Spikes) > 0 {
			x = append(x, float64(ob.Spikes[0].Tick)*EventTick)
		}
	}
	mean, sd = meanSD(x)
	return mean, sd, len(x)
}

// TestSpikeJitter measures the trial-to-trial jitter of the standard
// stimulus's spike time (README, "The chip"): none without temporal noise,
// some from the per-sample offsets alone, more with the membrane noise.
//
//	go test ./hw -run TestSpikeJitter -v
func TestSpikeJitter(t *testing.T) {
	const trials = 2000
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"no temporal noise", Options{NoMismatch: true, NoNoise: true}},
		{"per-sample offsets, membrane noise off", Options{NoMismatch: true, NoiseSeed: 3, Membrane: MembraneNoise{Off: true}}},
		{"default (membrane noise 1.4 LSB)", Options{NoMismatch: true, NoiseSeed: 3}},
		{"membrane noise 2.8 LSB", Options{NoMismatch: true, NoiseSeed: 3, Membrane: MembraneNoise{SD: 2.8}}},
	} {
		mean, sd, fired := spikeJitter(t, tc.o, trials)
		t.Logf("%-40s spike at %.3f µs after the input, SD %.1f ns over %d trials (fired in %d)", tc.name, mean-1.704, 1000*sd, trials, fired)
		switch {
		case tc.o.NoNoise && (sd > 1e-9 || fired != trials): // (1e-9: the rounding of the mean)
			t.Errorf("%s: SD %g µs, fired %d of %d; want exactly reproducible spikes", tc.name, sd, fired, trials)
		case !tc.o.NoNoise && !(sd > EventTick):
			t.Errorf("%s: SD %g µs; temporal noise must jitter the spike by more than a tick", tc.name, sd)
		}
	}
}

// TestAddKicks: the vector kernel and the scalar loop give kick's values
// for every range.
func TestAddKicks(t *testing.T) {
	defer func(v bool) { hasAVX2 = v }(hasAVX2)
	for _, avx := range []bool{hasAVX2, false} {
		hasAVX2 = avx
		testAddKicks(t)
	}
}

func testAddKicks(t *testing.T) {
	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
	configure(t, c, mnistNetwork(1, 8, 20))
	ks := kickSource{key: 12345, tab: c.ensureModel().kickTab}
	for lo := 0; lo < 12; lo++ {
		for hi := lo; hi < 40; hi++ {
			row := make([]float32, hi)
			ks.addKicks(row, lo, hi, 3)
			for j := range row {
				want := float32(0)
				if j >= lo {
					want = ks.kick(3, j)
				}
				if row[j] != want {
					t.Fatalf("range %d…%d: neuron %d gets %g, kick gives %g", lo, hi, j, row[j], want)
				}
			}
		}
	}
}
