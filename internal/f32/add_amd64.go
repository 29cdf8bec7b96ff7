//go:build !noasm

package f32

import gonumblas "gonum.org/v1/gonum/blas/gonum"

//go:generate go run gen_addrows.go

var blas32 gonumblas.Implementation

// addKernel adds with AVX2 where available; gonum's SSE kernel otherwise.
func addKernel(dst, src []float32) {
	if hasAVX2 {
		addAVX2(&dst[0], &src[0], len(dst))
		return
	}
	blas32.Saxpy(len(dst), 1, src, 1, dst, 1) // ×1 is exact: a plain sum
}

// addAVX2 is dst[i] += src[i] for i < n, 32 lanes per step (add_amd64.s).
//
//go:noescape
func addAVX2(dst, src *float32, n int)

// addRowsKernel adds the rows with AVX2 where available (addRows).
func addRowsKernel(dst, src []float32, offs []int32) {
	if hasAVX2 {
		addRowsAVX2(&dst[0], len(dst), &src[0], &offs[0], len(offs))
		return
	}
	for _, o := range offs {
		addKernel(dst, src[o:int(o)+len(dst)])
	}
}

// addRowsAVX2 is dst[i] += src[offs[r]+i] for r < m, i < n, rows in order,
// n >= 1 and m >= 1, up to 128 lanes of dst held in registers at a time
// (addrows_amd64.s, written by gen_addrows.go).
//
//go:noescape
func addRowsAVX2(dst *float32, n int, src *float32, offs *int32, m int)
