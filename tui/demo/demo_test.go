package demo

import (
	"math"
	"reflect"
	"testing"
)

func sd(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(v)-1))
}

func TestSeededAndPlausible(t *testing.T) {
	if !reflect.DeepEqual(Sample(7, 3), Sample(7, 3)) || !reflect.DeepEqual(Chip(2, true), Chip(2, true)) {
		t.Fatal("same seeds gave different events")
	}
	c := Chip(1, true)
	if len(c.Params) != 8 {
		t.Fatalf("%d parameters, want 8", len(c.Params))
	}
	for _, p := range c.Params {
		if len(p.Uncalibrated) != 512 || len(p.Calibrated) != 512 || sd(p.Calibrated) >= sd(p.Uncalibrated)/2 {
			t.Errorf("%s: calibration should shrink the spread: %v → %v", p.Name, sd(p.Uncalibrated), sd(p.Calibrated))
		}
	}
	s := Sample(10, 1)
	for _, pr := range s.Probes {
		for _, v := range pr.CADC {
			if v < 0 || v > 255 || v != math.Round(v) {
				t.Fatalf("CADC reading %v is not an 8-bit code", v)
			}
		}
	}
}
