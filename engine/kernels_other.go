//go:build !amd64 || noasm

package engine

import "inloop/internal/f32"

func lif(cur, mem, vh []float32, alpha, beta float32, idx []int32) []int32 {
	return lifGeneric(cur, mem, vh, alpha, beta, 0, idx)
}

func bwdHidden(gv, gi, gs, counts, vh []float32, beta, alpha, sb float32) {
	bwdHiddenGeneric(gv, gi, gs, counts, vh, beta, alpha, sb)
}

func addToRows(dst []float32, offs []int32, src []float32) {
	f32.CheckRows(len(dst), offs, len(src))
	addToRowsGeneric(dst, offs, src)
}

func comb(dst, w []float32, offs []int32, g []float32) {
	f32.CheckRows(len(w), offs, len(dst))
	combGeneric(dst, w, offs, g[:len(offs)])
}

func adamUpdate(p, g, m, v []float32, k adamArgs) { adamGeneric(p, g, m, v, k) }
