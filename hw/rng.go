package hw

import "math"

// rng is xoshiro256** seeded through splitmix64: small, fast and fully
// specified here, so a seed means the same stream on every Go version.
type rng struct{ s0, s1, s2, s3 uint64 }

// splitmix64 advances x and returns the next output of the splitmix64 sequence.
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// newRNG returns a generator for the stream named by the given keys (seed,
// purpose, index...): distinct keys give independent streams.
func newRNG(keys ...uint64) rng {
	x := uint64(0x6a09e667f3bcc909)
	for _, k := range keys {
		x ^= k
		x = splitmix64(&x)
	}
	var r rng
	r.s0 = splitmix64(&x)
	r.s1 = splitmix64(&x)
	r.s2 = splitmix64(&x)
	r.s3 = splitmix64(&x)
	return r
}

func rotl(x uint64, k uint) uint64 { return (x << k) | (x >> (64 - k)) }

func (r *rng) uint64() uint64 {
	res := rotl(r.s1*5, 7) * 9
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = rotl(r.s3, 45)
	return res
}

// float64 returns a uniform deviate in [0, 1).
func (r *rng) float64() float64 { return float64(r.uint64()>>11) * 0x1p-53 }

// norm returns an exact standard normal deviate (Box–Muller, one of the pair);
// used where cost does not matter (drawing a die, calibration targets).
func (r *rng) norm() float64 {
	u1 := 1 - r.float64() // (0, 1]
	u2 := r.float64()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// normTableBits sets the resolution of the fast normal deviates.
const normTableBits = 12

// normTable holds the standard normal quantiles at the 2^normTableBits
// probabilities (i+½)/2^normTableBits: a deviate for temporal noise is one
// table entry picked by 12 random bits (tails cut at ±3.5 σ, SD 0.998).
var normTable = func() *[1 << normTableBits]float64 {
	const n = 1 << normTableBits
	t := new([n]float64)
	for i := range t {
		p := (float64(i) + 0.5) / float64(n)
		t[i] = math.Sqrt2 * math.Erfinv(2*p-1)
	}
	return t
}()

// noiseSource deals fast normal deviates, five per 64-bit draw.
type noiseSource struct {
	rng
	bits uint64
	left int
}

func (s *noiseSource) norm() float64 {
	if s.left == 0 {
		s.refill()
	}
	z := normTable[s.bits&(1<<normTableBits-1)]
	s.bits >>= normTableBits
	s.left--
	return z
}

// fill sets dst to deviates scaled by sd: five per fresh 64-bit draw
// (fillBlocks) up to the last multiple of 5, the rest through norm, which
// uses and keeps the bits left over (only the tail sees them).
func (s *noiseSource) fill(dst []float64, sd float64) {
	n := len(dst) - len(dst)%5
	fillBlocks(&s.rng, dst[:n], sd)
	for i := n; i < len(dst); i++ {
		dst[i] = sd * s.norm()
	}
}

func (s *noiseSource) refill() {
	s.bits = s.uint64()
	s.left = 64 / normTableBits
}
