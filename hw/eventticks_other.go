//go:build !amd64 || noasm

package hw

// eventTicksVector reports that there is no vector kernel here.
func eventTicksVector(ev []Event, t0 float64, inputs int, stride int32, ticks []int64, rows []int32) int {
	return 0
}
