package hw

import (
	"errors"
	"strings"
	"testing"
)

func dense(pre Population, postOff, postSize int, w int8) Projection {
	ws := make([]int8, pre.Size*postSize)
	for i := range ws {
		ws[i] = w
	}
	return Projection{Pre: pre, PostOffset: postOff, PostSize: postSize, Weights: ws}
}

// TestConfigureLimits: every limit of the silicon is rejected with a typed
// error naming it.
func TestConfigureLimits(t *testing.T) {
	ext := func(off, n int) Population { return Population{External: true, Offset: off, Size: n} }
	neu := func(off, n int) Population { return Population{Offset: off, Size: n} }
	cases := []struct {
		name, limit, msg string
		net              Network
	}{
		{"too many inputs", "inputs", "at most 256", Network{Inputs: 300, Neurons: 1}},
		{"negative inputs", "inputs", "", Network{Inputs: -1, Neurons: 1}},
		{"too many neurons", "neurons", "1 to 256", Network{Inputs: 1, Neurons: 257}},
		{"no neurons", "neurons", "", Network{Inputs: 1, Neurons: 0}},
		{"empty source", "size", "size ≥ 1", Network{Inputs: 4, Neurons: 4, Projections: []Projection{{Pre: ext(0, 0), PostSize: 1}}}},
		{"source beyond inputs", "range", "external inputs", Network{Inputs: 4, Neurons: 4, Projections: []Projection{dense(ext(2, 4), 0, 1, 1)}}},
		{"source beyond neurons", "range", "logical neurons", Network{Inputs: 4, Neurons: 4, Projections: []Projection{dense(neu(0, 5), 0, 1, 1)}}},
		{"target beyond neurons", "range", "targets neurons", Network{Inputs: 4, Neurons: 4, Projections: []Projection{dense(ext(0, 4), 2, 3, 1)}}},
		{"weight count", "size", "PostSize×Pre.Size", Network{Inputs: 4, Neurons: 4, Projections: []Projection{{Pre: ext(0, 4), PostSize: 2, Weights: make([]int8, 7)}}}},
		{"weight too large", "weight", "−63..63", Network{Inputs: 4, Neurons: 4, Projections: []Projection{dense(ext(0, 4), 0, 1, 64)}}},
		{"weight too small", "weight", "−63..63", Network{Inputs: 4, Neurons: 4, Projections: []Projection{dense(ext(0, 4), 0, 1, -64)}}},
		{"fan-in", "fan-in", "fan-in of neuron 0 is 300 sources; the chip allows at most 256",
			Network{Inputs: 200, Neurons: 101, Projections: []Projection{dense(ext(0, 200), 0, 1, 1), dense(neu(1, 100), 0, 1, 1)}}},
		{"duplicate synapse", "duplicate", "a second time", Network{Inputs: 4, Neurons: 4, Projections: []Projection{dense(ext(0, 4), 0, 2, 1), dense(ext(1, 2), 1, 1, 1)}}},
		// input 3 and neuron 0 share slot 3 when Inputs = 3+... : Inputs 10, neuron 246 → slot (10+246)%256 = 0 = input 0
		{"row pair collision", "row-pair", "same row pair slot 0", Network{Inputs: 10, Neurons: 256, Projections: []Projection{dense(ext(0, 10), 0, 1, 1), dense(neu(246, 1), 0, 1, 1)}}},
		{"integrators outside", "range", "integrators", Network{Inputs: 1, Neurons: 2, Integrators: Population{Offset: 1, Size: 2}}},
	}
	for _, cs := range cases {
		err := New(Options{}).Configure(cs.net)
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: error %v, want a ConfigError", cs.name, err)
			continue
		}
		if ce.Limit != cs.limit || !strings.Contains(err.Error(), cs.msg) || !strings.HasPrefix(err.Error(), "hw: ") {
			t.Errorf("%s: got %q (limit %s), want limit %s and %q", cs.name, err, ce.Limit, cs.limit, cs.msg)
		}
	}
}

// TestPaperLayoutsFit: MNIST 256→246→10 and SHD 70→186 (recurrent)→20 fit.
func TestPaperLayoutsFit(t *testing.T) {
	c := New(Options{})
	if err := c.Configure(mnistNetwork(1, 5, 5)); err != nil {
		t.Errorf("MNIST layout: %v", err)
	}
	shd := Network{Inputs: 70, Neurons: 206, Integrators: Population{Offset: 186, Size: 20}, Projections: []Projection{
		dense(Population{External: true, Size: 70}, 0, 186, 1),
		dense(Population{Size: 186}, 0, 186, 1),
		dense(Population{Size: 186}, 186, 20, 1),
	}}
	if err := c.Configure(shd); err != nil {
		t.Errorf("SHD layout: %v", err)
	}
}

func TestSetWeights(t *testing.T) {
	c := New(Options{Ideal: true})
	if err := c.SetWeights(0, nil); err == nil {
		t.Error("SetWeights before Configure accepted")
	}
	net := Network{Inputs: 2, Neurons: 1, Integrators: Population{Size: 1}, Projections: []Projection{dense(Population{External: true, Size: 2}, 0, 1, 0)}}
	if err := c.Configure(net); err != nil {
		t.Fatal(err)
	}
	st := []Stimulus{{Events: []Event{{Time: 0, Source: 1}}, Duration: 10}}
	obs0, _ := c.Run(st, RunOptions{})
	if err := c.SetWeights(0, []int8{0, 63}); err != nil {
		t.Fatal(err)
	}
	obs1, _ := c.Run(st, RunOptions{})
	if obs1[0].CADC[3] <= obs0[0].CADC[3]+10 {
		t.Errorf("weight 63 did not raise the membrane: %v vs %v", obs1[0].CADC, obs0[0].CADC)
	}
	for _, bad := range [][]int8{{0}, {0, 64}} {
		var ce *ConfigError
		if err := c.SetWeights(0, bad); !errors.As(err, &ce) {
			t.Errorf("SetWeights(%v): %v", bad, err)
		}
	}
	if err := c.SetWeights(3, []int8{0, 0}); err == nil || !strings.Contains(err.Error(), "projection 3") {
		t.Errorf("SetWeights on a missing projection: %v", err)
	}
}
