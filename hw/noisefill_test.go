package hw

import (
	"math"
	"testing"
)

// fillReference is (*noiseSource).fill as it was before the faster loop,
// copied verbatim: five deviates per 64-bit draw, the tail (len%5) through
// norm, which keeps the bits it leaves over for later calls.
func fillReference(s *noiseSource, dst []float64, sd float64) {
	i := 0
	// the generator state and the table in locals (registers) for the loop
	r, t := s.rng, normTable
	for ; i+5 <= len(dst); i += 5 {
		b := r.uint64()
		d := dst[i : i+5 : i+5]
		d[0] = sd * t[b&4095]
		d[1] = sd * t[(b>>12)&4095]
		d[2] = sd * t[(b>>24)&4095]
		d[3] = sd * t[(b>>36)&4095]
		d[4] = sd * t[(b>>48)&4095]
	}
	s.rng = r
	for ; i < len(dst); i++ {
		dst[i] = sd * s.norm()
	}
}

// fillGo is fill with the portable kernel fillBlocksGo in place of
// fillBlocks (which is assembly on amd64).
func fillGo(s *noiseSource, dst []float64, sd float64) {
	n := len(dst) - len(dst)%5
	s.rng = fillBlocksGo(s.rng, dst[:n], sd)
	for i := n; i < len(dst); i++ {
		dst[i] = sd * s.norm()
	}
}

// checkFill runs fill (and fillGo) and fillReference on equal sources with
// the given lengths in turn and reports any difference in the outputs (bit
// for bit) or in the sources afterwards.
func checkFill(t *testing.T, seed uint64, sd float64, lens []int) {
	t.Helper()
	checkFillWith(t, "fill", (*noiseSource).fill, seed, sd, lens)
	checkFillWith(t, "fillGo", fillGo, seed, sd, lens)
}

func checkFillWith(t *testing.T, name string, fill func(*noiseSource, []float64, float64), seed uint64, sd float64, lens []int) {
	t.Helper()
	got := noiseSource{rng: newRNG(seed, 77)}
	want := got
	for call, n := range lens {
		// guards around dst catch writes out of range
		buf := make([]float64, n+2)
		ref := make([]float64, n+2)
		for i := range buf {
			buf[i], ref[i] = -7, -7
		}
		fill(&got, buf[1:1+n:1+n], sd)
		fillReference(&want, ref[1:1+n], sd)
		for i := range buf {
			if math.Float64bits(buf[i]) != math.Float64bits(ref[i]) {
				t.Fatalf("%s: seed %d sd %g lens %v call %d (len %d): element %d = %v, want %v",
					name, seed, sd, lens, call, n, i-1, buf[i], ref[i])
			}
		}
		if got != want {
			t.Fatalf("%s: seed %d sd %g lens %v call %d (len %d): source %+v, want %+v",
				name, seed, sd, lens, call, n, got, want)
		}
	}
}

func TestNoiseFill(t *testing.T) {
	seeds := []uint64{0, 1, 2, 12345, 1 << 63}
	sds := []float64{0, 1, 0.37, -2.5}
	for _, seed := range seeds {
		for _, sd := range sds {
			// single calls, then the same lengths after a call that leaves
			// bits over (len 3) so that fill's tail continues old bits
			for n := 0; n <= 40; n++ {
				checkFill(t, seed, sd, []int{n})
				checkFill(t, seed, sd, []int{3, n, n})
			}
			checkFill(t, seed, sd, []int{256})
			checkFill(t, seed, sd, []int{256, 256, 10, 10, 10, 256, 256})
			checkFill(t, seed, sd, []int{1, 256, 2, 10, 4, 255, 9, 11, 0, 13, 257, 6, 7, 8})
		}
	}
	// random sequences of mixed lengths
	r := newRNG(99)
	for range 200 {
		lens := make([]int, 1+r.uint64()%12)
		for i := range lens {
			if r.uint64()%4 == 0 {
				lens[i] = 250 + int(r.uint64()%12)
			} else {
				lens[i] = int(r.uint64() % 23)
			}
		}
		checkFill(t, r.uint64(), 0.37, lens)
	}
}

// BenchmarkNoiseFill fills 256 deviates (one call per simulated sample and
// kind of offset).
func BenchmarkNoiseFill(b *testing.B) {
	s := noiseSource{rng: newRNG(1)}
	dst := make([]float64, 256)
	for b.Loop() {
		s.fill(dst, 0.37)
	}
}

// BenchmarkNoiseFillGo is BenchmarkNoiseFill with the portable kernel.
func BenchmarkNoiseFillGo(b *testing.B) {
	s := noiseSource{rng: newRNG(1)}
	dst := make([]float64, 256)
	for b.Loop() {
		fillGo(&s, dst, 0.37)
	}
}
