package engine

import "golang.org/x/sys/cpu"

// addAVX2 sets dst[i] += src[i] with 8-lane AVX2 additions (add_amd64.s);
// len(src) ≥ len(dst).
//
//go:noescape
func addAVX2(dst, src []float32)

var haveAVX2 = cpu.X86.HasAVX2

// addUnit sets dst ← dst + src. Every element is one float32 addition
// whatever the path, so the results are the same bits with or without AVX2.
func addUnit(dst, src []float32) {
	src = src[:len(dst)]
	if haveAVX2 {
		addAVX2(dst, src)
		return
	}
	addGeneric(dst, src)
}
