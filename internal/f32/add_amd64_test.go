//go:build !noasm

package f32

import "testing"

// TestAddKernelSSE: the fallback for CPUs without AVX2 agrees as well.
func TestAddKernelSSE(t *testing.T) {
	defer func(v bool) { hasAVX2 = v }(hasAVX2)
	hasAVX2 = false
	checkAddKernel(t)
	checkAddRows(t)
	checkAddRowsBits(t)
}

// TestHasAVX2 says which kernel the other tests exercised.
func TestHasAVX2(t *testing.T) {
	if !hasAVX2 {
		t.Log("no AVX2: the AVX2 kernels are not tested on this CPU")
	}
}
