//go:build !amd64 || noasm

package hw

// addKicksVector reports that there is no vector kernel here.
func addKicksVector(row []float32, c, jm uint32, tab *[1 << normTableBits]float32) bool { return false }
