//go:build !amd64 || noasm

package f32

func addKernel(dst, src []float32) { addGeneric(dst, src) }

func addRowsKernel(dst, src []float32, offs []int32) { addRowsGeneric(dst, src, offs) }
