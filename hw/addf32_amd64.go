package hw

import (
	"golang.org/x/sys/cpu"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
)

// hasAVX2 selects the 8-lane kernel (the CPU and the OS support AVX2).
var hasAVX2 = cpu.X86.HasAVX2

var blas32 gonumblas.Implementation

// addKernel adds with AVX2 where available; gonum's SSE kernel otherwise.
func addKernel(dst, src []float32) {
	if hasAVX2 {
		addAVX2(&dst[0], &src[0], len(dst))
		return
	}
	blas32.Saxpy(len(dst), 1, src, 1, dst, 1) // ×1 is exact: a plain sum
}

// addAVX2 is dst[i] += src[i] for i < n, 32 lanes per step (addf32_amd64.s).
//
//go:noescape
func addAVX2(dst, src *float32, n int)
