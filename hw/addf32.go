package hw

// addTo adds src to dst element by element: dst[i] += src[i] in float32.
// Each element is one IEEE-754 single-precision addition, rounded to
// nearest, whatever the kernel (scalar, SSE or AVX lanes), so results are
// the same bits on every path. It sums the synaptic-current jumps of the
// input spikes of one tick, the inner loop of a dense input layer.
func addTo(dst, src []float32) {
	if len(src) != len(dst) {
		panic("hw: addTo: length mismatch")
	}
	if len(dst) == 0 {
		return
	}
	addKernel(dst, src)
}

// addGeneric is the portable kernel.
func addGeneric(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}
