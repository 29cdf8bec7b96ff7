package hw

import (
	"cmp"
	"slices"
	"testing"
)

// TestSortByKeys: sorting by packed keys gives the comparison sort's order
// for spikes and deliveries (ties and large ticks included).
func TestSortByKeys(t *testing.T) {
	r := newRNG(13)
	for trial := 0; trial < 100; trial++ {
		n := int(r.uint64() % 150) // both sides of the insertion-sort limit
		s := make([]Spike, n)
		d := make([]delivery, n)
		for i := range s {
			tick := int64(r.uint64() % 20)
			if trial%3 == 0 {
				tick = int64(r.uint64() % (1 << 40))
			}
			s[i] = Spike{Tick: tick, Neuron: int32(r.uint64() % LogicalNeurons)}
			d[i] = delivery{tick: tick, neuron: s[i].Neuron}
		}
		want := slices.Clone(s)
		slices.SortFunc(want, func(a, b Spike) int { return cmp.Or(cmp.Compare(a.Tick, b.Tick), cmp.Compare(a.Neuron, b.Neuron)) })
		sortSpikes(s, nil)
		if !slices.Equal(s, want) {
			t.Fatalf("trial %d: spikes %v, want %v", trial, s, want)
		}
		sortDeliveries(d, nil)
		for i := range d {
			if d[i].tick != want[i].Tick || d[i].neuron != want[i].Neuron {
				t.Fatalf("trial %d: delivery %d is %v, want %v", trial, i, d[i], want[i])
			}
		}
	}
}
