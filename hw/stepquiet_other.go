//go:build !amd64 || noasm

package hw

// stepQuietVector reports that there is no vector kernel here.
func stepQuietVector(u, cur []float64, rel []int64, thetaU, invTauM []float64, row propRows, jump []float32, dt float64, slow []int32) ([]int32, bool) {
	return slow, false
}
