package data

import (
	"slices"
	"testing"
)

func TestLinearTime(t *testing.T) {
	if LinearTime(0, 1.7, 20.4) != 1.7 || LinearTime(1, 1.7, 20.4) != 20.4 || LinearTime(0.5, 0, 10) != 5 {
		t.Error("LinearTime endpoints")
	}
}

func TestRaster(t *testing.T) {
	spikes := []Spike{{0, 0}, {1.69, 0}, {1.7, 1}, {3.5, 2}, {5.2, 1}, {-1, 0}, {2, 7}}
	dst := make([]float32, 3*3) // 3 frames × 3 inputs
	for i := range dst {
		dst[i] = 9 // cleared first
	}
	Raster(dst, spikes, 3, 1.7)
	want := []float32{
		2, 0, 0, // frame 0: t = 0 and 1.69 on channel 0
		0, 1, 0, // frame 1: 1.7 on channel 1
		0, 0, 1, // frame 2: 3.5 on channel 2; 5.2 is frame 3 (outside)
	}
	if !slices.Equal(dst, want) {
		t.Errorf("raster %v, want %v", dst, want)
	}
}
