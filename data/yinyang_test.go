package data

import (
	"math"
	"path/filepath"
	"slices"
	"testing"
)

func TestMT19937FirstOutputs(t *testing.T) {
	m := newMT19937(42)
	want := []uint32{1608637542, 3421126067, 4083286876}
	for i, w := range want {
		if g := m.uint32(); g != w {
			t.Fatalf("output %d = %d, want %d", i, g, w)
		}
	}
}

// TestYinYangVectors checks the fixed test vectors of docs/model.md §5.1.
func TestYinYangVectors(t *testing.T) {
	cases := []struct {
		seed  uint32
		index int
		x, y  float64
		label int
	}{
		{42, 0, 0.6803075385877797, 0.45049925196954299, 2},
		{42, 1, 0.09767211400638387, 0.68423302651215689, 1},
		{41, 0, 0.68057272617590292, 0.32097339389336288, 0},
		{40, 0, 0.23409664559563403, 0.40172497518289718, 2},
	}
	for _, c := range cases {
		f, l := GenerateYinYang(c.index+1, c.seed)
		got := f[c.index]
		if got != [4]float64{c.x, c.y, 1 - c.x, 1 - c.y} || l[c.index] != c.label {
			t.Errorf("seed %d sample %d = %v label %d, want (%v, %v) label %d", c.seed, c.index, got, l[c.index], c.x, c.y, c.label)
		}
	}
}

func TestYinYangHistograms(t *testing.T) {
	want := map[Split][]int{Train: {1681, 1702, 1617}, Validation: {316, 336, 348}, Test: {350, 316, 334}}
	for split, w := range want {
		d, err := Load("yinyang", "", split)
		if err != nil {
			t.Fatal(err)
		}
		if got := ClassCounts(d); !slices.Equal(got, w) {
			t.Errorf("%s class counts %v, want %v", split, got, w)
		}
	}
}

// TestYinYangReference compares every value and label of all three splits
// with the reference .npy files, bit for bit.
func TestYinYangReference(t *testing.T) {
	dir := sharedData(t, "yinyang")
	for _, split := range []Split{Train, Validation, Test} {
		samples, shape, err := readNPY(filepath.Join(dir, string(split)+"_samples.npy"))
		if err != nil {
			t.Fatal(err)
		}
		labels, _, err := readNPY(filepath.Join(dir, string(split)+"_labels.npy"))
		if err != nil {
			t.Fatal(err)
		}
		ref := yinYangSplit[split]
		if !slices.Equal(shape, []int{ref.size, 4}) || len(labels) != ref.size {
			t.Fatalf("%s: reference shape %v, %d labels", split, shape, len(labels))
		}
		f, l := GenerateYinYang(ref.size, ref.seed)
		bad := 0
		for i := range ref.size {
			for k := range 4 {
				if math.Float64bits(f[i][k]) != math.Float64bits(samples[4*i+k]) {
					bad++
				}
			}
			if float64(l[i]) != labels[i] {
				bad++
			}
		}
		if bad != 0 {
			t.Errorf("%s: %d mismatches against the reference", split, bad)
		}
	}
}

func TestYinYangEncoding(t *testing.T) {
	d, err := NewYinYang(Train, YinYangOptions{Repeat: 3})
	if err != nil {
		t.Fatal(err)
	}
	if d.Inputs() != 15 || d.Window() != 34 {
		t.Fatalf("inputs %d window %g", d.Inputs(), d.Window())
	}
	s := d.Sample(1)
	if len(s.Spikes) != 15 || s.Label != 1 {
		t.Fatalf("%d spikes label %d", len(s.Spikes), s.Label)
	}
	f := d.Features(1)
	seen := make([]bool, 15)
	for i, sp := range s.Spikes {
		if i > 0 && sp.Time < s.Spikes[i-1].Time {
			t.Fatal("spikes not sorted by time")
		}
		seen[sp.Channel] = true
		c := sp.Channel / 3
		want := 1.7
		if c < 4 {
			want = 1.7 + f[c]*(20.4-1.7)
		}
		if sp.Time != want {
			t.Errorf("channel %d at %g µs, want %g", sp.Channel, sp.Time, want)
		}
	}
	for c, ok := range seen {
		if !ok {
			t.Errorf("channel %d silent", c)
		}
	}
	if _, err := NewYinYang(Train, YinYangOptions{Repeat: -1}); err == nil {
		t.Error("Repeat -1 accepted")
	}
	if _, err := NewYinYang(Train, YinYangOptions{TEarly: 30, TLate: 20}); err == nil {
		t.Error("TLate < TEarly accepted")
	}
	if _, err := NewYinYang("bogus", YinYangOptions{}); err == nil {
		t.Error("bogus split accepted")
	}
}
