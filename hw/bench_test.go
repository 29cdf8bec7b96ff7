package hw

import (
	"os"
	"runtime"
	"syscall"
	"testing"
)

// benchRun runs batches of 100 MNIST-shaped samples (256 inputs spiking once
// → 246 hidden → 10 outputs, 34 µs, 21 CADC frames) and reports samples/s
// and the peak heap in use during a batch.
func benchRun(b *testing.B, grid bool) {
	c := benchChip(b)
	batch := mnistStimuli(1, 100, grid)
	if _, err := c.Run(batch, RunOptions{}); err != nil { // warm the scratch
		b.Fatal(err)
	}
	spikes := 0
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		obs, err := c.Run(batch, RunOptions{})
		if err != nil {
			b.Fatal(err)
		}
		spikes = 0
		for _, o := range obs {
			spikes += len(o.Spikes)
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(float64(spikes)/float64(len(batch)), "spikes/sample")
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MiB/batch")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB") // Linux: KiB
	}
}

func BenchmarkRunMNIST(b *testing.B)           { benchRun(b, true) }
func BenchmarkRunMNISTContinuous(b *testing.B) { benchRun(b, false) }

// benchChip is a calibrated die with the MNIST network placed (the default
// temporal noise, membrane noise included).
func benchChip(b *testing.B) *Chip { return benchChipWith(b, Options{ChipSeed: 1, NoiseSeed: 2}) }

func benchChipWith(b *testing.B, o Options) *Chip {
	c := New(o)
	if err := c.Configure(mnistNetwork(1, 8, 20)); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Calibrate(DefaultTargets()); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkInferenceMNIST classifies batches of 1000 MNIST-shaped images in
// the fast mode (reset 10 µs after onset) and reports images ("frames") per
// second; the silicon does > 85,000.
func BenchmarkInferenceMNIST(b *testing.B) { benchInfer(b, benchChip(b)) }

// BenchmarkInferenceMNISTMembraneOff is BenchmarkInferenceMNIST without the
// membrane noise (as the chip was before it existed).
func BenchmarkInferenceMNISTMembraneOff(b *testing.B) {
	benchInfer(b, benchChipWith(b, Options{ChipSeed: 1, NoiseSeed: 2, Membrane: MembraneNoise{Off: true}}))
}

func benchInfer(b *testing.B, c *Chip) {
	batch := mnistStimuli(1, 1000, true)
	if _, err := c.Infer(batch, InferOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Infer(batch, InferOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "frames/s")
}

// TestInferWorkload is a fixed workload for instruction counts, which unlike
// wall-clock figures do not depend on the machine's load: two Infer calls of
// 1000 MNIST-shaped images on the benchmark's chip. It runs only with
// INLOOP_WORKLOAD=1, under callgrind (see BENCHMARKS.md):
//
//	go test -c -o hw.test ./hw
//	INLOOP_WORKLOAD=1 GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind \
//	    --toggle-collect='*Chip).Infer.func1' ./hw.test -test.run TestInferWorkload -test.cpu 1
//
// and callgrind_annotate's total divided by 2000 is the count per image.
func TestInferWorkload(t *testing.T) {
	if os.Getenv("INLOOP_WORKLOAD") == "" {
		t.Skip("INLOOP_WORKLOAD is not set")
	}
	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
	if err := c.Configure(mnistNetwork(1, 8, 20)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Calibrate(DefaultTargets()); err != nil {
		t.Fatal(err)
	}
	batch := mnistStimuli(1, 1000, true)
	for range 2 {
		if _, err := c.Infer(batch, InferOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkCalibrate is one full calibration of all 512 circuits.
func BenchmarkCalibrate(b *testing.B) {
	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
	for b.Loop() {
		if _, err := c.Calibrate(DefaultTargets()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunMNISTSample and BenchmarkInferenceMNISTSample time one sample
// per op on one goroutine (the per-sample cost, free of batch parallelism).
func BenchmarkRunMNISTSample(b *testing.B) {
	c := benchChip(b)
	batch := mnistStimuli(1, 1, true)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for b.Loop() {
		if _, err := c.Run(batch, RunOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInferenceMNISTSample(b *testing.B) {
	c := benchChip(b)
	batch := mnistStimuli(1, 1, true)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for b.Loop() {
		if _, err := c.Infer(batch, InferOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunSHD runs batches of 20 SHD-shaped samples: 70 inputs with 800
// spikes on the 1.7 µs bins over 500 µs → 186 recurrent hidden → 20
// integrators, 295 CADC frames.
func BenchmarkRunSHD(b *testing.B) {
	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
	r := newRNG(3, 4)
	w := func(n int, sd float64) []int8 {
		x := make([]int8, n)
		for i := range x {
			x[i] = int8(max(-63, min(63, int(sd*r.norm()))))
		}
		return x
	}
	net := Network{Inputs: 70, Neurons: 206, Integrators: Population{Offset: 186, Size: 20}, Projections: []Projection{
		{Pre: Population{External: true, Size: 70}, PostSize: 186, Weights: w(70*186, 12)},
		{Pre: Population{Size: 186}, PostSize: 186, Weights: w(186*186, 4)},
		{Pre: Population{Size: 186}, PostOffset: 186, PostSize: 20, Weights: w(186*20, 10)},
	}}
	if err := c.Configure(net); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Calibrate(DefaultTargets()); err != nil {
		b.Fatal(err)
	}
	batch := make([]Stimulus, 20)
	for s := range batch {
		ev := make([]Event, 800)
		for i := range ev {
			ev[i] = Event{Time: float64(1+int(r.float64()*290)) * 1.7, Source: int32(r.uint64() % 70)}
		}
		sortEvents(ev)
		batch[s] = Stimulus{Events: ev, Duration: 500}
	}
	spikes := 0
	for b.Loop() {
		obs, err := c.Run(batch, RunOptions{})
		if err != nil {
			b.Fatal(err)
		}
		spikes = 0
		for _, o := range obs {
			spikes += len(o.Spikes)
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(float64(spikes)/float64(len(batch)), "spikes/sample")
}
