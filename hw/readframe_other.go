//go:build !amd64 || noasm

package hw

// readFrameVector reports that there is no vector kernel here.
func readFrameVector(out []uint8, u []float64, rel []int64, resetU, leak, ca, cb, z, corrF []float64) bool {
	return false
}
