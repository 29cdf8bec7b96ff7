package engine

import (
	"inloop/data"
)

// yinyangDithered is the Yin-Yang encoding of the default network. Each of
// the values (x, y, 1−x, 1−y) becomes a spike at
//
//	t = early + v·(late − early)  µs
//
// sent on repeat input channels, copy k shifted by k·Δt/repeat: the model
// bins spikes onto the 1.7 µs grid, and the spread copies straddle a bin
// edge at a place that depends on the fraction of a bin, so the value keeps
// a resolution of Δt/repeat instead of Δt. A fifth group of repeat channels
// carries a bias spike at early. Channel c·repeat + k is copy k of value c.
type yinyangDithered struct {
	*data.YinYang
	repeat      int
	early, late float64
	dt          float64
}

func newYinYangDithered(split data.Split, repeat int, early, late, dt float64) (*yinyangDithered, error) {
	d, err := data.NewYinYang(split, data.YinYangOptions{Repeat: repeat, TEarly: early, TLate: late})
	if err != nil {
		return nil, err
	}
	return &yinyangDithered{YinYang: d, repeat: repeat, early: early, late: late, dt: dt}, nil
}

// Sample encodes sample i.
func (d *yinyangDithered) Sample(i int) data.Sample {
	f := d.Features(i)
	return d.encode(f[0], f[1], d.Label(i))
}

// encode turns a point (x, y) of the unit square into the input spikes of
// a sample with the given label (the decision map encodes any point).
func (d *yinyangDithered) encode(x, y float64, label int) data.Sample {
	f := [4]float64{x, y, 1 - x, 1 - y}
	r := d.repeat
	spikes := make([]data.Spike, 0, 5*r)
	for c := range 5 {
		t := d.early
		if c < 4 {
			t = d.early + f[c]*(d.late-d.early)
		}
		for k := range r {
			spikes = append(spikes, data.Spike{Time: t + float64(k)*d.dt/float64(r), Channel: c*r + k})
		}
	}
	data.SortSpikes(spikes)
	return data.Sample{Spikes: spikes, Label: label}
}
