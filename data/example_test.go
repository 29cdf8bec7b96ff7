package data_test

import (
	"fmt"

	"inloop/data"
)

// Load opens a split by name; Yin-Yang needs no files.
func ExampleLoad() {
	d, err := data.Load("yinyang", "", data.Test)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := d.Sample(0)
	fmt.Println(d.Len(), d.Inputs(), d.Window(), data.ClassCounts(d))
	fmt.Printf("label %d, first spike %.3f µs on channel %d\n", s.Label, s.Spikes[0].Time, s.Spikes[0].Channel)
	// Output:
	// 1000 25 34 [350 316 334]
	// label 2, first spike 1.700 µs on channel 20
}

// LatencyTime is the paper's MNIST input code: brighter pixels fire earlier.
func ExampleLatencyTime() {
	for _, x := range []float64{1, 0.5, 0.2} {
		t, ok := data.LatencyTime(x, 8, 0.2)
		fmt.Printf("x=%.1f: t=%.3f µs fires=%v\n", x, t, ok)
	}
	// Output:
	// x=1.0: t=1.785 µs fires=true
	// x=0.5: t=4.087 µs fires=true
	// x=0.2: t=0.000 µs fires=false
}

// Permutation gives each epoch its own seeded order.
func ExamplePermutation() {
	fmt.Println(data.Permutation(8, 1, 0))
	// Output:
	// [1 5 4 6 7 2 0 3]
}
