//go:build !noasm

package hw

import "testing"

// TestGoldenObservablesScalar: without hw's AVX2 kernels (the portable
// loops) the observables are the same bits. The float32 sums of
// internal/f32 check their own fallback bit for bit.
func TestGoldenObservablesScalar(t *testing.T) {
	defer func(v bool) { hasAVX2 = v }(hasAVX2)
	hasAVX2 = false
	checkGolden(t)
}
