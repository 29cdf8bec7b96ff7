package hw

import (
	"os"
	"testing"
)

// TestCGInfer is a fixed workload for callgrind: 2 Infer calls of 1000 images.
func TestCGInfer(t *testing.T) {
	if os.Getenv("CGRUN") == "" {
		t.Skip()
	}
	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
	if err := c.Configure(mnistNetwork(1, 8, 20)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Calibrate(DefaultTargets()); err != nil {
		t.Fatal(err)
	}
	batch := mnistStimuli(1, 1000, true)
	for range 2 {
		if _, err := c.Infer(batch, InferOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}
