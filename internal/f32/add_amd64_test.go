package f32

import "testing"

// TestAddKernelSSE: the fallback for CPUs without AVX2 agrees as well.
func TestAddKernelSSE(t *testing.T) {
	defer func(v bool) { hasAVX2 = v }(hasAVX2)
	hasAVX2 = false
	checkAddKernel(t)
	checkAddRows(t)
}
