//go:build !noasm

package hw

// stepQuietVector runs the quiet test and step of stepQuiet on the neurons
// of u (a multiple of 4) with AVX2 and appends the others to slow; ok is
// false (and nothing done) if the CPU lacks AVX2. The other slices are at
// least as long as u.
func stepQuietVector(u, cur []float64, rel []int64, thetaU, invTauM []float64, row propRows, jump []float32, dt float64, slow []int32) (_ []int32, ok bool) {
	n := len(u)
	if !hasAVX2 || n == 0 {
		return slow, false
	}
	if n%4 != 0 || len(cur) < n || len(rel) < n || len(thetaU) < n || len(invTauM) < n ||
		len(row.em) < n || len(row.es) < n || len(row.f) < n || (jump != nil && len(jump) < n) {
		panic("hw: stepQuietVector: bad lengths")
	}
	if cap(slow)-len(slow) < n {
		slow = append(make([]int32, 0, len(slow)+n), slow...)
	}
	var jp *float32
	if jump != nil {
		jp = &jump[0]
	}
	free := slow[len(slow) : len(slow)+n]
	k := stepQuietAVX2(&u[0], &cur[0], &rel[0], &thetaU[0], &invTauM[0], &row.em[0], &row.es[0], &row.f[0], jp, n, dt, &free[0])
	return slow[:len(slow)+k], true
}

// stepQuietAVX2 is the kernel of stepQuietVector (stepquiet_amd64.s): it
// writes the indices of the neurons it did not step to slow (room for n)
// and returns their number; jump may be nil.
//
//go:noescape
func stepQuietAVX2(u, cur *float64, rel *int64, thetaU, invTauM, em, es, f *float64, jump *float32, n int, dt float64, slow *int32) int
