package hw

import "testing"

// TestGoldenObservablesScalar: without the AVX2 kernels (the portable loops
// and gonum's SSE sums) the observables are the same bits.
func TestGoldenObservablesScalar(t *testing.T) {
	defer func(v bool) { hasAVX2 = v }(hasAVX2)
	hasAVX2 = false
	checkGolden(t)
}
