package data

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
	Spikes []Spike // sorted by Time
	Label  int
}

// Dataset is what the engine iterates: encoded samples of one split.
type Dataset interface {
	Name() string
	Split() Split
	Len() int
	Classes() []string
	Inputs() int         // input channels after encoding
	Window() float64     // µs of hardware time a sample spans
	Sample(i int) Sample // encoded sample i; deterministic
}
