package hw

import "math/bits"

// The kernels take five 12-bit fields per draw (this fails to compile if
// normTableBits changes).
var _ [1]struct{} = [normTableBits - 11]struct{}{}

// fillBlocksGo sets dst (a multiple of 5 long) to deviates scaled by sd,
// dst[5k+j] = sd·normTable[bits 12j…12j+11 of draw k], and returns the
// generator advanced by len(dst)/5 draws. It is the kernel of fillBlocks
// where there is no assembly (noisefill_amd64.s does the same on amd64).
//
// The state is passed and returned by value and held in four locals so that
// it stays in registers (a method call on a local rng keeps it in memory),
// and the loop is written so that the compiler drops all bounds checks.
func fillBlocksGo(r rng, dst []float64, sd float64) rng {
	s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	t := normTable
	_ = t[0] // the nil check of t once, not per block
	for i := 0; i <= len(dst)-5; i += 5 {
		// rng.uint64, inline
		b := bits.RotateLeft64(s1*5, 7) * 9
		x := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= x
		s3 = bits.RotateLeft64(s3, 45)

		dst[i] = sd * t[b&4095]
		dst[i+1] = sd * t[(b>>12)&4095]
		dst[i+2] = sd * t[(b>>24)&4095]
		dst[i+3] = sd * t[(b>>36)&4095]
		dst[i+4] = sd * t[(b>>48)&4095]
	}
	return rng{s0, s1, s2, s3}
}
