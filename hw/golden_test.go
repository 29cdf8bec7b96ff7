package hw

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"maps"
	"math"
	"runtime"
	"slices"
	"testing"
)

// TestGoldenObservables pins every observable (spikes, ticks, CADC codes,
// probe traces, inference maxima) of MNIST- and SHD-shaped networks on fixed
// seeds to SHA-256 digests recorded from the reference implementation. The
// engine's published results depend on the exact noise draws and dynamics,
// so speed work on the integrator must leave these digests unchanged. A
// digest that changes on purpose (a model change) is re-recorded from the
// "got" value in the failure message, and the change is stated in the commit.
func TestGoldenObservables(t *testing.T) { checkGolden(t) }

func checkGolden(t *testing.T) {
	t.Helper()
	want := map[string]string{
		"mnist-run-grid":       "5b56ccd2601259616dd4e881ec7f4655ce0559bb8682828e8f346cba8a8862bc",
		"mnist-run-continuous": "cd72827098fa05c27d2f6737046ee3da2248ea9a8d5e4dc08f5f37309007a887",
		"mnist-run-strong":     "4b1a61e1617a51d90f493c530ceb551aa44d48a56c70f00b1016632df4a6b5eb",
		"mnist-run-engine":     "4a4891d9c2a864d0ce12f1640637c9950324190b07ab90ad022d2d6fa4999e19",
		"mnist-run-probe":      "d2018bd422f7ddaf56db93a2aee8cafd04fc4ab8f47d4087158166911b07482d",
		"mnist-infer":          "7328df3d0ba66d4f1bd2e8d6d584aa4c2cf62cacec1209e064819037f64580f7",
		"mnist-infer-strong":   "f9ed35e1ace7c392ccd89e46b0c50c4e1b2741d009fb22970fac14b4484db6b9",
		"mnist-infer-hidden":   "c719bb8b0ff4e3772626d742b181e48636a34e79142114da39271dbd3b86e2d5",
		"shd-run":              "c41a9576e4aa2bbb5bb2ccef8e2b04455a17d7064ba9ab3c25a5a7d5f6ee4aa4",
		"uncalibrated-run":     "85d7fa1ba9bf3a55824c4efd87845ccdbff65b132819cd6aa8374b3c75563b58",
		"uncalibrated-infer":   "e655cdbab7ca1b7f6cc2b4f7b936cf090fa74accac925c768413a95e713398e4",
		"ideal-run":            "4126b01de187f98cbd79f8922134a1ae7aaaca6ec92b5a9016645b901fa03f91",
		"ideal-infer":          "726772fc4647222e54bc5359aa64660c5031773afcfa4742b087617de59b0f35",
		"calibration":          "7b3ce1f95bed4a5ecb502b0f52bb6e008afa541127e9a64cafe8ae621f8520b4",
	}
	got := map[string]string{}

	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
	if _, err := c.Calibrate(DefaultTargets()); err != nil {
		t.Fatal(err)
	}
	got["calibration"] = digestCalibration(c)
	grid := mnistStimuli(1, 6, true)
	cont := mnistStimuli(2, 3, false)
	configure(t, c, mnistNetwork(1, 8, 20))
	got["mnist-run-grid"] = digestRun(t, c, grid, RunOptions{})
	got["mnist-run-continuous"] = digestRun(t, c, cont, RunOptions{})
	got["mnist-run-engine"] = digestRun(t, c, grid, RunOptions{Frames: 20, Period: 1.7})
	got["mnist-run-probe"] = digestRun(t, c, grid[:2], RunOptions{Probe: []int{3, 250}})
	got["mnist-infer"] = digestInfer(t, c, mnistStimuli(3, 40, true), InferOptions{})
	got["mnist-infer-hidden"] = digestInfer(t, c, mnistStimuli(4, 10, true), InferOptions{Readout: Population{Offset: 5, Size: 30}, Window: 12, Period: 1})
	configure(t, c, mnistNetwork(2, 16, 25)) // several spikes per neuron: refractory, redo paths
	got["mnist-run-strong"] = digestRun(t, c, grid, RunOptions{})
	got["mnist-infer-strong"] = digestInfer(t, c, mnistStimuli(5, 20, false), InferOptions{})
	configure(t, c, shdNetwork())
	got["shd-run"] = digestRun(t, c, shdStimuli(2), RunOptions{})

	u := New(Options{ChipSeed: 3, NoiseSeed: 4})
	configure(t, u, mnistNetwork(3, 10, 20))
	got["uncalibrated-run"] = digestRun(t, u, grid[:3], RunOptions{})
	got["uncalibrated-infer"] = digestInfer(t, u, mnistStimuli(6, 20, true), InferOptions{})

	id := New(Options{Ideal: true})
	configure(t, id, mnistNetwork(4, 10, 20))
	got["ideal-run"] = digestRun(t, id, cont, RunOptions{})
	got["ideal-infer"] = digestInfer(t, id, mnistStimuli(7, 20, false), InferOptions{})

	for _, name := range slices.Sorted(maps.Keys(want)) {
		if got[name] != want[name] {
			t.Errorf("%s: digest %s, recorded %s", name, got[name], want[name])
		}
	}
}

func configure(t *testing.T, c *Chip, n Network) {
	t.Helper()
	if err := c.Configure(n); err != nil {
		t.Fatal(err)
	}
}

// shdNetwork is the SHD layout of BenchmarkRunSHD: 70 inputs → 186
// recurrent hidden → 20 integrators.
func shdNetwork() Network {
	r := newRNG(3, 4)
	w := func(n int, sd float64) []int8 {
		x := make([]int8, n)
		for i := range x {
			x[i] = int8(max(-63, min(63, int(sd*r.norm()))))
		}
		return x
	}
	return Network{Inputs: 70, Neurons: 206, Integrators: Population{Offset: 186, Size: 20}, Projections: []Projection{
		{Pre: Population{External: true, Size: 70}, PostSize: 186, Weights: w(70*186, 12)},
		{Pre: Population{Size: 186}, PostSize: 186, Weights: w(186*186, 4)},
		{Pre: Population{Size: 186}, PostOffset: 186, PostSize: 20, Weights: w(186*20, 10)},
	}}
}

// shdStimuli returns count samples of 500 µs with 800 input spikes on the
// 1.7 µs bins.
func shdStimuli(count int) []Stimulus {
	r := newRNG(5, 6)
	batch := make([]Stimulus, count)
	for s := range batch {
		ev := make([]Event, 800)
		for i := range ev {
			ev[i] = Event{Time: float64(1+int(r.float64()*290)) * 1.7, Source: int32(r.uint64() % 70)}
		}
		sortEvents(ev)
		batch[s] = Stimulus{Events: ev, Duration: 500}
	}
	return batch
}

func digestRun(t *testing.T, c *Chip, batch []Stimulus, opt RunOptions) string {
	t.Helper()
	obs, err := c.Run(batch, opt)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	spikes := 0
	for _, o := range obs {
		putInts(h, int64(len(o.Spikes)), int64(o.Frames))
		for _, s := range o.Spikes {
			putInts(h, s.Tick, int64(s.Neuron))
		}
		spikes += len(o.Spikes)
		h.Write(o.CADC)
		for _, p := range o.Probe {
			putInts(h, int64(p.Neuron), int64(math.Float64bits(p.Dt)), int64(len(p.V)))
			for _, v := range p.V {
				putInts(h, int64(math.Float64bits(v)))
			}
		}
	}
	if spikes == 0 {
		t.Errorf("no spikes in a golden run: the digest would pin too little")
	}
	return hex.EncodeToString(h.Sum(nil))
}

func digestInfer(t *testing.T, c *Chip, batch []Stimulus, opt InferOptions) string {
	t.Helper()
	inf, err := c.Infer(batch, opt)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	spikes := 0
	for _, x := range inf {
		spikes += x.Spikes
		putInts(h, int64(x.Class), int64(x.Spikes), int64(len(x.Peak)))
		for _, p := range x.Peak {
			putInts(h, int64(p))
		}
		h.Write(x.Max)
	}
	if spikes == 0 {
		t.Errorf("no spikes in a golden inference: the digest would pin too little")
	}
	return hex.EncodeToString(h.Sum(nil))
}

// digestCalibration pins the calibrated CapMem codes and the corrected
// CADC offsets.
func digestCalibration(c *Chip) string {
	h := sha256.New()
	for p := Param(0); p < NumParams; p++ {
		for _, code := range c.Codes(p) {
			putInts(h, int64(code))
		}
	}
	for _, v := range c.Values(ParamCADCOffset) {
		putInts(h, int64(math.Float64bits(v)))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func putInts(h hash.Hash, xs ...int64) {
	var b [8]byte
	for _, x := range xs {
		binary.LittleEndian.PutUint64(b[:], uint64(x))
		h.Write(b[:])
	}
}

// TestNoStateLeaksBetweenRuns: a worker's scratch carries nothing from one
// sample to the next. A probed feed-forward run (whose loop accumulates
// jumps into neurons of the feed-forward path) followed by a recurrent run
// on the same single worker gives what fresh workers give.
func TestNoStateLeaksBetweenRuns(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
	configure(t, c, mnistNetwork(1, 8, 20))
	if _, err := c.Run(mnistStimuli(1, 2, true), RunOptions{Probe: []int{3, 250}}); err != nil {
		t.Fatal(err)
	}
	configure(t, c, shdNetwork())
	st := shdStimuli(1)
	seq := c.Sequence()
	reused := digestRun(t, c, st, RunOptions{})
	c.workers = nil
	c.SetSequence(seq)
	if fresh := digestRun(t, c, st, RunOptions{}); reused != fresh {
		t.Fatal("a run on reused workers differs from the same run on fresh workers")
	}
}
