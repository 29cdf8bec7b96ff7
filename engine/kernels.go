package engine

// Destination-first float32 kernels of the hot loops; no allocation.

import (
	"gonum.org/v1/gonum/blas/blas32"

	"inloop/internal/cpu"
	"inloop/internal/f32"
)

// hasAVX2 selects the kernels of kernels_amd64.s; the tests switch it off to
// compare with the portable code.
var hasAVX2 = cpu.HasAVX2()

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

// transpose writes the rows×cols matrix src into dst as cols×rows.
func transpose(dst, src []float32, rows, cols int) {
	for r := range rows {
		for c, v := range src[r*cols : (r+1)*cols] {
			dst[c*rows+r] = v
		}
	}
}

// lifGeneric is one hidden LIF step of the software model after the input
// currents are in cur: for each lane j
//
//	v = β·mem[j] + cur[j] − reset,  reset = 1 if mem[j] > 1 (it spiked), else 0
//	mem[j] = vh[j] = v,  cur[j] = α·cur[j] (the decay of the next step)
//
// and base+j is appended to idx for every v > 1, ascending.
func lifGeneric(cur, mem, vh []float32, alpha, beta float32, base int32, idx []int32) []int32 {
	cur, mem = cur[:len(vh)], mem[:len(vh)]
	for j, m := range mem {
		var reset float32
		if m > 1 {
			reset = 1
		}
		v := beta*m + cur[j] - reset
		mem[j] = v
		vh[j] = v
		cur[j] *= alpha
		if v > 1 {
			idx = append(idx, base+int32(j))
		}
	}
	return idx
}

// bwdHiddenGeneric is one backward step of the hidden layer with the
// SuperSpike surrogate: for each lane j
//
//	gv[j] = (gs[j] + counts[j])·superSpike(vh[j], sb) + β·gv[j]
//	gi[j] = gv[j] + α·gi[j]
func bwdHiddenGeneric(gv, gi, gs, counts, vh []float32, beta, alpha, sb float32) {
	gi, gs, counts, vh = gi[:len(gv)], gs[:len(gv)], counts[:len(gv)], vh[:len(gv)]
	for j := range gv {
		gv[j] = (gs[j]+counts[j])*superSpike(vh[j], sb) + beta*gv[j]
		gi[j] = gv[j] + alpha*gi[j]
	}
}

// addToRowsGeneric sets dst[o+i] += src[i] for each o in offs, in order.
// addToRows requires rows that are equal or disjoint (offsets multiples of
// len(src) in the model): the vector kernel adds all rows to one block of
// lanes before the next, which for partly overlapping rows would change the
// order of the additions to a shared element.
func addToRowsGeneric(dst []float32, offs []int32, src []float32) {
	for _, o := range offs {
		addGeneric(dst[o:int(o)+len(src)], src)
	}
}

// combGeneric sets dst ← Σ_r g[r]·w[offs[r] : offs[r]+len(dst)], starting
// from zero and adding each rounded product in the order of offs (what
// clear then addRow per row computes).
func combGeneric(dst, w []float32, offs []int32, g []float32) {
	clear(dst)
	for r, o := range offs {
		row := w[o : int(o)+len(dst)]
		a := g[r]
		for i := range dst {
			dst[i] += a * row[i]
		}
	}
}

// rowOffsets writes idx[k]·stride into dst (grown as needed).
func rowOffsets(dst, idx []int32, stride int) []int32 {
	dst = grow32(dst, len(idx))
	s := int32(stride)
	for k, i := range idx {
		dst[k] = i * s
	}
	return dst
}

// unit reports whether every value is 1 (real spikes).
func unit(val []float32) bool {
	for _, v := range val {
		if v != 1 {
			return false
		}
	}
	return true
}
