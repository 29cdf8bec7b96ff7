package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAddUnitMatchesScalar checks the vector kernel against the scalar loop
// bit for bit, on every length around the unrolling boundaries, with a
// source longer than the destination.
func TestAddUnitMatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for n := range 80 {
		dst := make([]float32, n)
		src := make([]float32, n+3)
		for i := range dst {
			dst[i] = float32(rng.NormFloat64())
		}
		for i := range src {
			src[i] = float32(rng.NormFloat64())
		}
		want := slices.Clone(dst)
		addGeneric(want, src[:n])
		addUnit(dst, src)
		if !slices.Equal(dst, want) {
			t.Fatalf("n=%d: vector kernel differs from the scalar loop", n)
		}
	}
}
