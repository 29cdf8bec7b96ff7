package data

import "math/rand/v2"

// Split names a part of a dataset.
type Split string

const (
	Train      Split = "train"
	Validation Split = "validation"
	Test       Split = "test"
)

// Spike is one encoded input spike: Time in µs of hardware time after the
// sample's start, Channel an input index.
type Spike struct {
	Time    float64
	Channel int
}

// Sample is one encoded example.
type Sample struct {
	Spikes []Spike // sorted by Time, ties by Channel
	Label  int
}

// Dataset is what the engine iterates: encoded samples of one split.
//
// Implementations in this package are immutable after construction and safe
// for concurrent use; every call of Sample returns a freshly allocated slice
// the caller owns.
type Dataset interface {
	Name() string
	Split() Split
	Len() int
	Classes() []string
	Inputs() int         // input channels after encoding
	Window() float64     // µs of hardware time a sample spans
	Sample(i int) Sample // encoded sample i; deterministic
}

// Augmenter is implemented by datasets with a training-time augmentation:
// MNIST and Fashion-MNIST (random rotation before encoding) and SHD (channel
// jitter before downsampling). Augment draws all randomness from rng, so the
// same rng state gives the same sample.
type Augmenter interface {
	Augment(i int, rng *rand.Rand) Sample
}

// Labeler gives sample i's label without encoding the sample; every dataset
// of this package implements it.
type Labeler interface {
	Label(i int) int
}

// ClassCounts returns how many samples of d carry each label.
func ClassCounts(d Dataset) []int {
	counts := make([]int, len(d.Classes()))
	lab, fast := d.(Labeler)
	for i := range d.Len() {
		var y int
		if fast {
			y = lab.Label(i)
		} else {
			y = d.Sample(i).Label
		}
		if y >= 0 && y < len(counts) {
			counts[y]++
		}
	}
	return counts
}
