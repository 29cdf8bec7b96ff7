package engine

// Destination-first float32 kernels of the hot loops; no allocation.

import (
	"gonum.org/v1/gonum/blas/blas32"

	"inloop/internal/f32"
)

// scale sets x ← a·x.
func scale(a float32, x []float32) {
	for i := range x {
		x[i] *= a
	}
}

// addRow sets dst ← dst + a·src: a = 1 (a real spike) takes addUnit, the
// rest gonum's SSE axpy. Both round each element once, so the path does
// not change the result.
func addRow(dst, src []float32, a float32) {
	if a == 1 {
		f32.Add(dst, src)
		return
	}
	n := len(dst)
	blas32.Axpy(a, blas32.Vector{N: n, Inc: 1, Data: src[:n]}, blas32.Vector{N: n, Inc: 1, Data: dst})
}

// addGeneric is the portable dst[i] += src[i].
func addGeneric(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// dot returns Σ x[i]·y[i].
func dot(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// outGrad sets dst ← Σ_k g[k]·wT[k·H : (k+1)·H] for the post-major output
// weights wT (H = len(dst)): the gradient reaching hidden spikes from the
// outputs.
func outGrad(dst, wT, g []float32) {
	H := len(dst)
	clear(dst)
	for k, gk := range g {
		if gk != 0 {
			addRow(dst, wT[k*H:(k+1)*H], gk)
		}
	}
}

// transpose writes the rows×cols matrix src into dst as cols×rows.
func transpose(dst, src []float32, rows, cols int) {
	for r := range rows {
		for c, v := range src[r*cols : (r+1)*cols] {
			dst[c*rows+r] = v
		}
	}
}
