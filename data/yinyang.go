package data

import (
	"fmt"
	"math"
	"slices"
)

// Yin-Yang geometry (Kriener, Göltz, Petrovici 2022): the symbol is the disc
// of radius yyRBig centred at (0.5, 0.5); the two dots have radius yyRSmall.
const (
	yyRBig   = 0.5
	yyRSmall = 0.1
)

// yinYangSplit is the reference size and NumPy seed of each split.
var yinYangSplit = map[Split]struct {
	size int
	seed uint32
}{
	Train:      {5000, 42},
	Validation: {1000, 41},
	Test:       {1000, 40},
}

// YinYangClass returns the reference label of point (x, y) inside the big
// disc: 2 in a dot, 1 in the "yin" region of the reference code (see
// YinYang.Classes for the naming caveat), 0 otherwise.
func YinYangClass(x, y float64) int {
	dRight := math.Sqrt((x-1.5*yyRBig)*(x-1.5*yyRBig) + (y-yyRBig)*(y-yyRBig))
	dLeft := math.Sqrt((x-0.5*yyRBig)*(x-0.5*yyRBig) + (y-yyRBig)*(y-yyRBig))
	if dRight < yyRSmall || dLeft < yyRSmall {
		return 2
	}
	c1 := dRight <= yyRSmall
	c2 := dLeft > yyRSmall && dLeft <= 0.5*yyRBig
	c3 := y > yyRBig && dRight > 0.5*yyRBig
	if c1 || c2 || c3 {
		return 1
	}
	return 0
}

// GenerateYinYang draws n labelled points exactly as the reference generator
// does with NumPy's RandomState(seed): per sample a target class from
// randint(3), then points (x drawn before y) by rejection until one inside the
// big disc has that class. features holds (x, y, 1−x, 1−y) per sample.
func GenerateYinYang(n int, seed uint32) (features [][4]float64, labels []int) {
	rng := newMT19937(seed)
	features = make([][4]float64, n)
	labels = make([]int, n)
	for i := range n {
		goal := rng.intn3()
		for {
			x := rng.float64() * 2 * yyRBig
			y := rng.float64() * 2 * yyRBig
			if math.Sqrt((x-yyRBig)*(x-yyRBig)+(y-yyRBig)*(y-yyRBig)) > yyRBig {
				continue
			}
			if c := YinYangClass(x, y); c == goal {
				features[i] = [4]float64{x, y, 1 - x, 1 - y}
				labels[i] = c
				break
			}
		}
	}
	return features, labels
}

// YinYangOptions sets the time-to-first-spike encoding of Yin-Yang. Zero
// fields take the defaults of DefaultYinYangOptions.
//
// Each of the four values v ∈ [0, 1] of (x, y, 1−x, 1−y) becomes one spike at
//
//	t = TEarly + v·(TLate − TEarly)   [µs of hardware time]
//
// (larger value ⇒ later spike), and a bias spike is added at TBias. Every
// one of these five spikes is sent on Repeat input channels at once, because
// a single input at the largest hidden weight (63 of ±63) moves a neuron only
// ≈0.45 of the way to threshold. Channel c·Repeat + k is copy k of feature c
// (c = 0 x, 1 y, 2 1−x, 3 1−y, 4 bias), so Inputs() = 5·Repeat.
type YinYangOptions struct {
	Repeat int     // copies of each of the 5 channels (default 5 → 25 inputs)
	TEarly float64 // µs, spike time of value 0 (default 1.7)
	TLate  float64 // µs, spike time of value 1 (default 20.4 = 12·1.7)
	TBias  float64 // µs, bias spike time (default 1.7)
	Window float64 // µs a sample spans (default 34 = 20 frames of 1.7 µs)
}

// DefaultYinYangOptions returns the encoding the engine's default network
// uses: 25 inputs, spikes in [1.7, 20.4] µs, bias at 1.7 µs, 34 µs window.
func DefaultYinYangOptions() YinYangOptions {
	return YinYangOptions{Repeat: 5, TEarly: 1.7, TLate: 20.4, TBias: 1.7, Window: 34}
}

func (o YinYangOptions) withDefaults() YinYangOptions {
	d := DefaultYinYangOptions()
	if o.Repeat == 0 {
		o.Repeat = d.Repeat
	}
	if o.TEarly == 0 {
		o.TEarly = d.TEarly
	}
	if o.TLate == 0 {
		o.TLate = d.TLate
	}
	if o.TBias == 0 {
		o.TBias = d.TBias
	}
	if o.Window == 0 {
		o.Window = d.Window
	}
	return o
}

func (o YinYangOptions) validate() error {
	switch {
	case o.Repeat < 1 || o.Repeat > 51:
		return fmt.Errorf("yinyang: Repeat %d out of range (accepted: 1..51, at most 255 inputs)", o.Repeat)
	case !(o.TEarly >= 0) || !(o.TLate > o.TEarly) || !(o.TBias >= 0):
		return fmt.Errorf("yinyang: spike times TEarly %g, TLate %g, TBias %g µs invalid (need 0 ≤ TEarly < TLate, TBias ≥ 0)", o.TEarly, o.TLate, o.TBias)
	case !(o.Window > o.TLate) || !(o.Window > o.TBias) || math.IsInf(o.Window, 0):
		return fmt.Errorf("yinyang: window %g µs must exceed TLate %g and TBias %g", o.Window, o.TLate, o.TBias)
	}
	return nil
}

// YinYang is the Yin-Yang dataset, generated in code (no files), bit-identical
// to the reference splits: train 5000 (seed 42), validation 1000 (seed 41),
// test 1000 (seed 40).
type YinYang struct {
	split    Split
	opt      YinYangOptions
	features [][4]float64
	labels   []int
}

// NewYinYang generates split with the encoding opt (zero fields: defaults).
func NewYinYang(split Split, opt YinYangOptions) (*YinYang, error) {
	ref, ok := yinYangSplit[split]
	if !ok {
		return nil, &SplitError{Dataset: "yinyang", Split: split, Accepted: []Split{Train, Validation, Test}}
	}
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return nil, err
	}
	f, l := GenerateYinYang(ref.size, ref.seed)
	return &YinYang{split: split, opt: opt, features: f, labels: l}, nil
}

func (d *YinYang) Name() string    { return "yinyang" }
func (d *YinYang) Split() Split    { return d.split }
func (d *YinYang) Len() int        { return len(d.labels) }
func (d *YinYang) Inputs() int     { return 5 * d.opt.Repeat }
func (d *YinYang) Window() float64 { return d.opt.Window }

// Options returns the encoding in use (defaults filled in).
func (d *YinYang) Options() YinYangOptions { return d.opt }

// Classes returns the reference code's names by label index. The reference
// calls its rule-2 region "is_yin" yet lists label 1 as "yang"; the numeric
// labels are what matters.
func (d *YinYang) Classes() []string { return []string{"yin", "yang", "dot"} }

// Label returns sample i's label.
func (d *YinYang) Label(i int) int { return d.labels[i] }

// Features returns sample i's values (x, y, 1−x, 1−y).
func (d *YinYang) Features(i int) [4]float64 { return d.features[i] }

// Sample encodes sample i (see YinYangOptions).
func (d *YinYang) Sample(i int) Sample {
	f := d.features[i]
	r := d.opt.Repeat
	spikes := make([]Spike, 0, 5*r)
	for c := range 5 {
		t := d.opt.TBias
		if c < 4 {
			t = LinearTime(f[c], d.opt.TEarly, d.opt.TLate)
		}
		for k := range r {
			spikes = append(spikes, Spike{Time: t, Channel: c*r + k})
		}
	}
	SortSpikes(spikes)
	return Sample{Spikes: spikes, Label: d.labels[i]}
}

// SortSpikes sorts spikes by time, ties by channel.
func SortSpikes(s []Spike) {
	slices.SortFunc(s, func(a, b Spike) int {
		switch {
		case a.Time < b.Time:
			return -1
		case a.Time > b.Time:
			return 1
		}
		return a.Channel - b.Channel
	})
}
