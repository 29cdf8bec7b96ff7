//go:build !noasm

package engine

import (
	"slices"

	"inloop/internal/f32"
)

// lif is lifGeneric: the AVX2 kernel takes the lanes in whole vectors of 8,
// the portable code the last 0…7.
func lif(cur, mem, vh []float32, alpha, beta float32, idx []int32) []int32 {
	n := len(vh)
	cur, mem = cur[:n], mem[:n]
	n8 := n &^ 7
	if !hasAVX2 || n8 == 0 {
		return lifGeneric(cur, mem, vh, alpha, beta, 0, idx)
	}
	l := len(idx)
	idx = slices.Grow(idx, n)
	c := lifAVX2(&cur[0], &mem[0], &vh[0], n8, alpha, beta, &idx[l : l+n][0])
	idx = idx[:l+c]
	return lifGeneric(cur[n8:], mem[n8:], vh[n8:], alpha, beta, int32(n8), idx)
}

// bwdHidden is bwdHiddenGeneric, vectors of 8 in AVX2 and the last 0…7
// lanes in portable code.
func bwdHidden(gv, gi, gs, counts, vh []float32, beta, alpha, sb float32) {
	n := len(gv)
	gi, gs, counts, vh = gi[:n], gs[:n], counts[:n], vh[:n]
	n8 := n &^ 7
	if !hasAVX2 {
		n8 = 0
	}
	if n8 > 0 {
		bwdAVX2(&gv[0], &gi[0], &gs[0], &counts[0], &vh[0], n8, beta, alpha, sb)
	}
	bwdHiddenGeneric(gv[n8:], gi[n8:], gs[n8:], counts[n8:], vh[n8:], beta, alpha, sb)
}

// addToRows is addToRowsGeneric.
func addToRows(dst []float32, offs []int32, src []float32) {
	f32.CheckRows(len(dst), offs, len(src))
	if len(src) == 0 || len(offs) == 0 {
		return
	}
	if !hasAVX2 {
		addToRowsGeneric(dst, offs, src)
		return
	}
	addToRowsAVX2(&dst[0], &offs[0], len(offs), &src[0], len(src))
}

// comb is combGeneric.
func comb(dst, w []float32, offs []int32, g []float32) {
	f32.CheckRows(len(w), offs, len(dst))
	g = g[:len(offs)]
	if len(dst) == 0 {
		return
	}
	if !hasAVX2 || len(offs) == 0 {
		combGeneric(dst, w, offs, g)
		return
	}
	combAVX2(&dst[0], len(dst), &w[0], &offs[0], &g[0], len(offs))
}

//go:noescape
func lifAVX2(cur, mem, vh *float32, n int, alpha, beta float32, idx *int32) int

//go:noescape
func bwdAVX2(gv, gi, gs, counts, vh *float32, n int, beta, alpha, sb float32)

//go:noescape
func addToRowsAVX2(dst *float32, offs *int32, m int, src *float32, n int)

//go:noescape
func combAVX2(dst *float32, n int, w *float32, offs *int32, gk *float32, m int)

// adamUpdate is adamGeneric, vectors of 8 in AVX2 and the last 0…7 lanes
// in portable code.
func adamUpdate(p, g, m, v []float32, k adamArgs) {
	n := len(p)
	g, m, v = g[:n], m[:n], v[:n]
	n8 := n &^ 7
	if !hasAVX2 || n8 == 0 {
		adamGeneric(p, g, m, v, k)
		return
	}
	flags := 0
	if k.addL2 {
		flags |= 1
	}
	if k.clamp {
		flags |= 2
	}
	c := [...]float32{adamB1, 1 - adamB1, adamB2, 1 - adamB2, adamEps, k.step, k.inv2, k.l2, k.lim, -k.lim}
	adamAVX2(&p[0], &g[0], &m[0], &v[0], n8, &c, flags)
	adamGeneric(p[n8:], g[n8:], m[n8:], v[n8:], k)
}

//go:noescape
func adamAVX2(p, grad, m, v *float32, n int, c *[10]float32, flags int)
