// Package f32 holds the float32 vector sums shared by the chip emulation and
// the training model. Each element is one IEEE-754 single-precision addition,
// rounded to nearest, whatever the kernel (scalar, SSE or AVX2 lanes), so
// results are the same bits on every path and every CPU.
package f32

import "inloop/internal/cpu"

// hasAVX2 selects the 8-lane kernels of the *_amd64.s files; the tests
// switch it off to check the fallback.
var hasAVX2 = cpu.HasAVX2()

// Add sets dst[i] += src[i] for i < len(dst). src may be longer than dst;
// a shorter src is a programmer error and panics.
func Add(dst, src []float32) {
	if len(src) < len(dst) {
		panic("f32: Add: src shorter than dst")
	}
	if len(dst) == 0 {
		return
	}
	addKernel(dst, src[:len(dst)])
}

// AddRows adds to dst, in the order of offs, the rows of src that start at
// those offsets: for each o in offs, dst[i] += src[o+i]. Each element sees
// the same sequence of additions as separate Add calls would, so the sums are
// the same bits; the vector kernel keeps a block of dst in registers while it
// adds all rows (one load and store of dst per block instead of one per row).
func AddRows(dst, src []float32, offs []int32) {
	n := len(dst)
	CheckRows(len(src), offs, n)
	if n == 0 || len(offs) == 0 {
		return
	}
	addRowsKernel(dst, src, offs)
}

// CheckRows panics unless every row [o, o+n) of the offsets lies within
// [0, size): the bounds check of row kernels that index without one.
func CheckRows(size int, offs []int32, n int) {
	last := uint(size - n) // the largest offset of a whole row
	if n > size && len(offs) > 0 {
		panic("f32: row out of range")
	}
	for _, o := range offs {
		if uint(int(o)) > last { // negative offsets too
			panic("f32: row out of range")
		}
	}
}

// addGeneric is the portable kernel.
func addGeneric(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// addRowsGeneric is the portable rows kernel.
func addRowsGeneric(dst, src []float32, offs []int32) {
	for _, o := range offs {
		addGeneric(dst, src[o:int(o)+len(dst)])
	}
}
