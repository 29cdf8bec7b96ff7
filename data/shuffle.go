package data

import "math/rand/v2"

// Permutation returns a permutation of 0..n−1 that depends only on (seed,
// epoch): the data order of one epoch. It is a Fisher–Yates shuffle driven
// by PCG(seed, epoch) with an explicit unbiased bounded draw, so the order
// does not change with Go releases or GOMAXPROCS.
func Permutation(n int, seed uint64, epoch int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	src := rand.NewPCG(seed, uint64(epoch))
	for i := n - 1; i > 0; i-- {
		j := int(boundedUint64(src, uint64(i+1)))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// boundedUint64 returns a uniform integer in [0, n) by rejection on the
// largest multiple of n below 2⁶⁴.
func boundedUint64(src *rand.PCG, n uint64) uint64 {
	limit := -n % n // 2⁶⁴ mod n
	for {
		v := src.Uint64()
		if v >= limit {
			return v % n
		}
	}
}
