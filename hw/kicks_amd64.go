//go:build !noasm

package hw

// addKicksVector adds the kicks of neurons j…j+len(row)−1 to row (a
// multiple of 8) with AVX2, given c = key ^ k·kickMulRefresh and jm =
// j·kickMulNeuron; false (and nothing done) if the CPU lacks AVX2. Each
// lane computes the scalar loop's hash and adds the same table entry.
func addKicksVector(row []float32, c, jm uint32, tab *[1 << normTableBits]float32) bool {
	n := len(row)
	if !hasAVX2 || n == 0 {
		return false
	}
	if n%8 != 0 {
		panic("hw: addKicksVector: bad length")
	}
	addKicksAVX2(&row[0], n, c, jm, &tab[0])
	return true
}

// addKicksAVX2 is the kernel of addKicksVector (kicks_amd64.s).
//
//go:noescape
func addKicksAVX2(row *float32, n int, c, jm uint32, tab *float32)
