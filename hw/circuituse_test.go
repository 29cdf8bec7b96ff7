package hw

import "testing"

// TestCircuitUse checks the inspector's view of a placement against the
// routing rule (config.go): neuron n lives on circuitsOf(n); input i uses
// slot i, neuron j slot (Inputs+j) mod 256; slots 0–127 are the first
// circuit's row pairs, 128–255 the second's.
func TestCircuitUse(t *testing.T) {
	c := New(Options{ChipSeed: 1})
	if u := c.CircuitUse(0); u.Neuron != -1 {
		t.Fatalf("before Configure: %+v", u)
	}
	const in, hid, out = 5, 200, 3
	net := Network{Inputs: in, Neurons: hid + out, Integrators: Population{Offset: hid, Size: out}, Projections: []Projection{
		{Pre: Population{External: true, Size: in}, PostOffset: 0, PostSize: hid, Weights: make([]int8, in*hid)},
		{Pre: Population{Size: hid}, PostOffset: hid, PostSize: out, Weights: make([]int8, hid*out)},
	}}
	if err := c.Configure(net); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < LogicalNeurons; n++ {
		a, b := circuitsOf(n)
		ua, ub := c.CircuitUse(a), c.CircuitUse(b)
		if n >= hid+out {
			if ua.Neuron != -1 || ub.Neuron != -1 {
				t.Fatalf("neuron %d is not placed, but its circuits say %+v %+v", n, ua, ub)
			}
			continue
		}
		if ua.Neuron != n || ub.Neuron != n || ua.Second || !ub.Second {
			t.Fatalf("neuron %d on circuits %d, %d: %+v %+v", n, a, b, ua, ub)
		}
		if ua.Integrator != (n >= hid) {
			t.Errorf("neuron %d integrator %v", n, ua.Integrator)
		}
		switch {
		case n < hid: // the inputs on slots 0..4: rows 0..9 of the first circuit
			if ua.Inputs != in || ua.Neurons != 0 || len(ua.Rows) != 2*in || ua.Rows[0] != 0 || ua.Rows[2*in-1] != 2*in-1 || len(ub.Rows) != 0 {
				t.Fatalf("hidden %d: %+v / %+v", n, ua, ub)
			}
		default: // hidden j on slot 5+j: 123 on the first circuit, 77 on the second
			if ua.Neurons != 123 || ub.Neurons != 77 || ua.Rows[0] != 2*in || ub.Rows[0] != 0 || ub.Rows[len(ub.Rows)-1] != 2*(hid+in-128)-1 {
				t.Fatalf("output %d: %d/%d neurons, rows %v… / %v…", n, ua.Neurons, ub.Neurons, ua.Rows[:2], ub.Rows[:2])
			}
		}
	}
}
