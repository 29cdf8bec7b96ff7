//go:build !noasm

package hw

// readFrameVector converts the frame of readFrame for the neurons of out (a
// multiple of 4) with AVX2; false if the CPU lacks AVX2. The other slices
// are at least as long as out.
func readFrameVector(out []uint8, u []float64, rel []int64, resetU, leak, ca, cb, z, corrF []float64) bool {
	n := len(out)
	if !hasAVX2 || n == 0 {
		return false
	}
	if n%4 != 0 || len(u) < n || len(rel) < n || len(resetU) < n || len(leak) < n || len(ca) < n ||
		len(cb) < n || len(z) < n || len(corrF) < n {
		panic("hw: readFrameVector: bad lengths")
	}
	readFrameAVX2(&out[0], &u[0], &rel[0], &resetU[0], &leak[0], &ca[0], &cb[0], &z[0], &corrF[0], n)
	return true
}

// readFrameAVX2 is the kernel of readFrameVector (readframe_amd64.s).
//
//go:noescape
func readFrameAVX2(out *uint8, u *float64, rel *int64, resetU, leak, ca, cb, z, corr *float64, n int)
