package hw

import (
	"runtime"
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
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
}

func BenchmarkRunMNIST(b *testing.B)           { benchRun(b, true) }
func BenchmarkRunMNISTContinuous(b *testing.B) { benchRun(b, false) }

// benchChip is a calibrated die with the MNIST network placed.
func benchChip(b *testing.B) *Chip {
	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
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
func BenchmarkInferenceMNIST(b *testing.B) {
	c := benchChip(b)
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
