package hw

// readFrame stores in out the CADC codes of one frame of neurons 0…len(out)−1
// of a range: cadcRound(ca·(v+leak) + cb + z, corr) with v = u, or resetU
// while the neuron is refractory (rel ≥ 0); corrF holds corr as float64 for
// the vector kernel, which does the scalar code's operations in its order
// lane by lane (the rounding and clipping are exact in both), so both give
// the same codes. It is the inner loop of a Run's feed-forward levels.
func readFrame(out []uint8, u []float64, rel []int64, resetU, leak, ca, cb, z, corrF []float64, corr []int) {
	n := len(out)
	u, rel, resetU, leak, ca, cb, z, corrF, corr = u[:n], rel[:n], resetU[:n], leak[:n], ca[:n], cb[:n], z[:n], corrF[:n], corr[:n]
	x0 := 0
	if n4 := n &^ 3; n4 > 0 && readFrameVector(out[:n4], u, rel, resetU, leak, ca, cb, z, corrF) {
		x0 = n4
	}
	for x := x0; x < n; x++ {
		v := u[x]
		if rel[x] >= 0 {
			v = resetU[x]
		}
		out[x] = cadcRound(ca[x]*(v+leak[x])+cb[x]+z[x], corr[x])
	}
}
