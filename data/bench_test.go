package data

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/scigolib/hdf5"
)

// reportPeakRSS reports the process's peak resident set size; run the
// benchmark alone (-run '^$' -bench NAME) for it to mean that benchmark.
func reportPeakRSS(b *testing.B) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
}

// BenchmarkMNISTDecodePreprocess decodes the whole MNIST training set from
// its gzip IDX files and preprocesses it to 16×16 (no cache involved).
func BenchmarkMNISTDecodePreprocess(b *testing.B) {
	dir := sharedData(b, "mnist")
	paths := [2]string{filepath.Join(dir, "train-images-idx3-ubyte.gz"), filepath.Join(dir, "train-labels-idx1-ubyte.gz")}
	b.ReportAllocs()
	for b.Loop() {
		img, err := os.ReadFile(paths[0])
		if err != nil {
			b.Fatal(err)
		}
		lab, err := os.ReadFile(paths[1])
		if err != nil {
			b.Fatal(err)
		}
		a, err := decodeMNIST(MNISTDigits, paths, img, lab)
		if err != nil || len(a.labels) != 60000 {
			b.Fatal(err)
		}
	}
	reportPeakRSS(b)
}

// BenchmarkMNISTLoadDiskCache loads the training set from the on-disk cache
// (what a new process pays after the first run).
func BenchmarkMNISTLoadDiskCache(b *testing.B) {
	dir, cache := sharedData(b, "mnist"), b.TempDir()
	if _, err := NewMNIST(MNISTDigits, dir, Train, MNISTOptions{CacheDir: cache}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		mnistMemo.Lock()
		clear(mnistMemo.byStat)
		clear(mnistMemo.byDigest)
		mnistMemo.Unlock()
		if _, err := NewMNIST(MNISTDigits, dir, Train, MNISTOptions{CacheDir: cache}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMNISTEpoch encodes one epoch of the training set in shuffled
// batches of 100 from the in-memory cache, reusing one spike buffer per
// batch (AppendSpikes), and reports samples per second.
func BenchmarkMNISTEpoch(b *testing.B) {
	d, err := NewMNIST(MNISTDigits, sharedData(b, "mnist"), Train, MNISTOptions{CacheDir: "off"})
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]Spike, 0, 100*256)
	var offsets [101]int
	epoch := 0
	b.ReportAllocs()
	for b.Loop() {
		perm := Permutation(d.Len(), 1, epoch)
		epoch++
		for start := 0; start < len(perm); start += 100 {
			buf = buf[:0]
			for k, i := range perm[start:min(start+100, len(perm))] {
				offsets[k] = len(buf)
				buf = d.AppendSpikes(buf, i)
			}
		}
	}
	b.ReportMetric(float64(d.Len())*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkMNISTEpochSample is BenchmarkMNISTEpoch through the Dataset
// interface (one allocation per sample).
func BenchmarkMNISTEpochSample(b *testing.B) {
	d, err := NewMNIST(MNISTDigits, sharedData(b, "mnist"), Train, MNISTOptions{CacheDir: "off"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, i := range Permutation(d.Len(), 1, 0) {
			_ = d.Sample(i)
		}
	}
	b.ReportMetric(float64(d.Len())*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkYinYangGenerate generates and encodes the training split.
func BenchmarkYinYangGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d, _ := NewYinYang(Train, YinYangOptions{})
		for i := range d.Len() {
			_ = d.Sample(i)
		}
	}
}

// BenchmarkSHDRead reads and decodes an SHD-layout file the benchmark
// writes first (500 samples × 4000 spikes, float32 times, uint32 units,
// 16 MB of spike data): a stand-in for the real files, which are not here.
func BenchmarkSHDRead(b *testing.B) {
	const n, per = 500, 4000
	times := make([][]float64, n)
	units := make([][]int, n)
	labels := make([]int, n)
	for i := range n {
		labels[i] = i % 20
		times[i] = make([]float64, per)
		units[i] = make([]int, per)
		for k := range per {
			times[i][k] = float64(k) / per
			units[i][k] = (k * 7) % SHDUnits
		}
	}
	p := filepath.Join(b.TempDir(), "shd_train.h5")
	writeSHD(b, p, times, units, labels, hdf5.VLenFloat32)
	b.ReportAllocs()
	for b.Loop() {
		raw, err := readSHDFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if a, err := DecodeSHD(raw); err != nil || len(a.Times) != n*per {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*per)*float64(b.N)/b.Elapsed().Seconds(), "spikes/s")
	reportPeakRSS(b)
}
