package data

import "testing"

func TestLinearTime(t *testing.T) {
	if LinearTime(0, 1.7, 20.4) != 1.7 || LinearTime(1, 1.7, 20.4) != 20.4 || LinearTime(0.5, 0, 10) != 5 {
		t.Error("LinearTime endpoints")
	}
}
