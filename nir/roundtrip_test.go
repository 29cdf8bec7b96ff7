package nir

import (
	"testing"

	"inloop/engine"
)

// TestRoundTrip: a network trained in the loop, exported to a NIR file and
// deployed from it, is the same network (every chip code, the time
// constants, the layout) with the same accuracy on the same chip and seeds.
func TestRoundTrip(t *testing.T) {
	cfg, err := engine.DefaultConfig("yinyang")
	if err != nil {
		t.Fatal(err)
	}
	trained, err := engine.NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, 50)
	for s := range 6 {
		for i := range idx {
			idx[i] = s*50 + i
		}
		if _, err := trained.Step(idx, uint64(s)); err != nil {
			t.Fatal(err)
		}
	}
	g, err := FromLearner(trained, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(g)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Deploy(back, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Dataset != "yinyang" {
		t.Errorf("dataset %q from the metadata", d.Dataset)
	}

	want := trained.Network()
	direct := cfg
	direct.Init = &want
	imported := cfg
	imported.Hidden, imported.Targets, imported.Init = d.Network.Layout.Hidden, d.Targets, &d.Network
	a, err := engine.NewLearner(direct)
	if err != nil {
		t.Fatal(err)
	}
	bl, err := engine.NewLearner(imported)
	if err != nil {
		t.Fatal(err)
	}
	if a.Layout() != bl.Layout() || bl.Layout() != trained.Layout() {
		t.Fatalf("layouts differ: trained %+v, direct %+v, imported %+v", trained.Layout(), a.Layout(), bl.Layout())
	}
	got := bl.Network()
	for _, m := range []struct {
		name      string
		got, want []float32
	}{{"input", got.In, want.In}, {"output", got.Out, want.Out}, {"direct output", a.Network().Out, want.Out}} {
		for i := range m.want {
			if m.got[i] != m.want[i] {
				t.Fatalf("%s weight %d: %g after the round trip, %g before", m.name, i, m.got[i], m.want[i])
			}
		}
	}
	if got.OutScale != want.OutScale && want.OutScale != 250 {
		t.Errorf("output scale %g, want %g", got.OutScale, want.OutScale)
	}
	ea, err := a.Evaluate(a.Test())
	if err != nil {
		t.Fatal(err)
	}
	eb, err := bl.Evaluate(bl.Test())
	if err != nil {
		t.Fatal(err)
	}
	if ea != eb {
		t.Errorf("on chip: %+v directly, %+v through the NIR file", ea, eb)
	}
	if ea.Accuracy < 0.4 {
		t.Errorf("accuracy %g: the trained network should beat chance (1/3) clearly", ea.Accuracy)
	}
	t.Logf("round trip: accuracy on chip %.4f both ways (%d samples)", ea.Accuracy, ea.Samples)
}
