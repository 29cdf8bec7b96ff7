package data

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scigolib/hdf5"
)

func TestHalfToFloat64(t *testing.T) {
	cases := map[uint16]float64{
		0x0000: 0, 0x3c00: 1, 0xc000: -2, 0x3555: 0.333251953125, 0x7bff: 65504,
		0x0001: math.Ldexp(1, -24), 0x0400: math.Ldexp(1, -14),
		8806: 0.012496948242187500, 11264: 0.0625, 13363: 0.262451171875,
	}
	for h, want := range cases {
		if got := HalfToFloat64(h); got != want {
			t.Errorf("half %#04x = %v, want %v", h, got, want)
		}
	}
	if !math.IsInf(HalfToFloat64(0x7c00), 1) || !math.IsNaN(HalfToFloat64(0x7e00)) {
		t.Error("inf/nan")
	}
}

func TestSHDChannelAndTime(t *testing.T) {
	kept := 0
	for u := range SHDUnits {
		if c, ok := SHDChannel(u); ok {
			if want := 70 + 9*kept; u != want || c != kept {
				t.Fatalf("unit %d → %d, want unit %d → %d", u, c, want, kept)
			}
			kept++
		}
	}
	if kept != 70 {
		t.Errorf("%d channels kept, want 70", kept)
	}
	if _, ok := SHDChannel(691); !ok {
		t.Error("691 dropped")
	}
	if SHDTime(1) != 500 {
		t.Errorf("1 s → %g µs, want 500", SHDTime(1))
	}
}

// TestSHDSynthetic reads the two shared SHD-layout files and compares with
// the values in their README.
func TestSHDSynthetic(t *testing.T) {
	dir := sharedData(t, "shd-synthetic")
	wantTimes := [][]float64{
		{0.012496948, 0.024993896, 0.037475586, 0.049987793, 0.0625},
		{},
		{0.037475586, 0.07495117, 0.11248779, 0.14990234, 0.1875, 0.22497559, 0.26245117},
	}
	wantUnits := [][]uint16{{0, 97, 194, 291, 388}, {}, {26, 123, 220, 317, 414, 511, 608}}
	for _, name := range []string{"synthetic_shd_layout_contiguous.h5", "synthetic_shd_layout_chunked_deflate.h5"} {
		raw, err := readSHDFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if raw.TimeType != [2]int{1, 2} || raw.UnitType != [2]int{0, 2} {
			t.Errorf("%s: declared types %v %v, want float16 [1 2] and uint16 [0 2]", name, raw.TimeType, raw.UnitType)
		}
		a, err := DecodeSHD(raw)
		if err != nil {
			t.Fatal(err)
		}
		if a.TimeBytes != 2 || a.UnitBytes != 2 {
			t.Errorf("%s: widths %d/%d, want 2/2", name, a.TimeBytes, a.UnitBytes)
		}
		if !slices.Equal(a.Labels, []uint8{3, 17, 9}) || !slices.Equal(a.Speakers, []int{0, 4, 11}) || !slices.Equal(a.Keys, []string{"zero", "one"}) {
			t.Errorf("%s: labels %v speakers %v keys %q", name, a.Labels, a.Speakers, a.Keys)
		}
		for i := range 3 {
			lo, hi := a.Offsets[i], a.Offsets[i+1]
			if !slices.Equal(a.Units[lo:hi], wantUnits[i]) || hi-lo != len(wantTimes[i]) {
				t.Fatalf("%s sample %d units %v", name, i, a.Units[lo:hi])
			}
			for k, w := range wantTimes[i] {
				if got := float64(a.Times[lo+k]); math.Abs(got-500*w) > 500*1e-8 {
					t.Errorf("%s sample %d spike %d at %g µs, want %g", name, i, k, got, 500*w)
				}
			}
		}
	}
	// Through the Dataset: copy the file to DIR/shd/shd_test.h5.
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "shd"), 0o755)
	b, _ := os.ReadFile(filepath.Join(dir, "synthetic_shd_layout_chunked_deflate.h5"))
	os.WriteFile(filepath.Join(root, "shd", "shd_test.h5"), b, 0o644)
	d, err := Load("shd", root, Test)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || d.Inputs() != 70 || d.Window() != 500 || len(d.Classes()) != 20 {
		t.Fatalf("len %d inputs %d window %g classes %d", d.Len(), d.Inputs(), d.Window(), len(d.Classes()))
	}
	// Units kept: 97 = 70+27 → input 3; 388 = 70+318 → 35.33 no; 123 no;
	// 511 = 70+441 → 49; 608 no (538/9 no).
	s0, s2 := d.Sample(0), d.Sample(2)
	if len(s0.Spikes) != 1 || s0.Spikes[0].Channel != 3 || math.Abs(s0.Spikes[0].Time-500*0.024993896) > 1e-5 || s0.Label != 3 {
		t.Errorf("sample 0 = %+v", s0)
	}
	if len(s2.Spikes) != 1 || s2.Spikes[0].Channel != 49 || s2.Label != 9 {
		t.Errorf("sample 2 = %+v", s2)
	}
	if s1 := d.Sample(1); len(s1.Spikes) != 0 || s1.Label != 17 {
		t.Errorf("sample 1 = %+v", s1)
	}
}

// writeSHD writes an SHD-layout file with the scigolib writer. Times are
// written as float32 or float64 sequences, units as uint32; with raw16 the
// times are float16 and units uint16 stored as byte sequences (the writer
// has no half or 16-bit VLEN types), which is what ReadVLenBytes returns for
// the real files too.
func writeSHD(t testing.TB, path string, times [][]float64, units [][]int, labels []int, timeType hdf5.Datatype) {
	t.Helper()
	fw, err := hdf5.CreateForWrite(path, hdf5.CreateTruncate)
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	for _, g := range []string{"/spikes", "/extra"} {
		if _, err := fw.CreateGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	n := uint64(len(labels))
	ts, err := fw.CreateDataset("/spikes/times", timeType, []uint64{n})
	if err != nil {
		t.Fatal(err)
	}
	us, err := fw.CreateDataset("/spikes/units", map[bool]hdf5.Datatype{true: hdf5.VLenUint8, false: hdf5.VLenUint32}[timeType == hdf5.VLenUint8], []uint64{n})
	if err != nil {
		t.Fatal(err)
	}
	switch timeType {
	case hdf5.VLenFloat32:
		v := make([][]float32, n)
		for i, s := range times {
			for _, x := range s {
				v[i] = append(v[i], float32(x))
			}
		}
		err = ts.Write(v)
	case hdf5.VLenFloat64:
		err = ts.Write(times)
	case hdf5.VLenUint8:
		v := make([][]uint8, n)
		for i, s := range times {
			for _, x := range s {
				v[i] = binary.LittleEndian.AppendUint16(v[i], halfBits(x))
			}
		}
		err = ts.Write(v)
	}
	if err != nil {
		t.Fatal(err)
	}
	if timeType == hdf5.VLenUint8 {
		v := make([][]uint8, n)
		for i, s := range units {
			for _, u := range s {
				v[i] = binary.LittleEndian.AppendUint16(v[i], uint16(u))
			}
		}
		err = us.Write(v)
	} else {
		v := make([][]uint32, n)
		for i, s := range units {
			for _, u := range s {
				v[i] = append(v[i], uint32(u))
			}
		}
		err = us.Write(v)
	}
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := fw.CreateDataset("/labels", hdf5.Uint16, []uint64{n})
	l16 := make([]uint16, n)
	sp := make([]uint16, n)
	for i, y := range labels {
		l16[i], sp[i] = uint16(y), uint16(i%12)
	}
	if err := ls.Write(l16); err != nil {
		t.Fatal(err)
	}
	ss, _ := fw.CreateDataset("/extra/speaker", hdf5.Uint16, []uint64{n})
	if err := ss.Write(sp); err != nil {
		t.Fatal(err)
	}
	ks, _ := fw.CreateDataset("/extra/keys", hdf5.VLenString, []uint64{20})
	if err := ks.Write(shdClassNames); err != nil {
		t.Fatal(err)
	}
}

// halfBits rounds x to the nearest binary16 (normal range only; test helper).
func halfBits(x float64) uint16 {
	if x == 0 {
		return 0
	}
	e := math.Floor(math.Log2(x))
	m := math.Round((x/math.Exp2(e) - 1) * 1024)
	if m == 1024 {
		m, e = 0, e+1
	}
	return uint16(e+15)<<10 | uint16(m)
}

func TestSHDWrittenFiles(t *testing.T) {
	times := [][]float64{{0.001, 0.5, 0.75, 1.25}, {}, {0.25, 0.125}}
	units := [][]int{{70, 79, 699, 0}, {}, {691, 88}}
	labels := []int{0, 19, 7}
	for _, tc := range []struct {
		name   string
		typ    hdf5.Datatype
		tw, uw int
	}{{"float32", hdf5.VLenFloat32, 4, 4}, {"float64", hdf5.VLenFloat64, 8, 4}, {"half", hdf5.VLenUint8, 2, 2}} {
		dir := t.TempDir()
		writeSHD(t, filepath.Join(dir, "shd_train.h5"), times, units, labels, tc.typ)
		// The declared types are read from the headers; byte sequences
		// (the "half" case) declare uint8 and leave the widths to inference.
		raw, err := readSHDFile(filepath.Join(dir, "shd_train.h5"))
		if err != nil {
			t.Fatal(err)
		}
		wantT, wantU := [2]int{1, tc.tw}, [2]int{0, tc.uw}
		if tc.name == "half" {
			wantT, wantU = [2]int{0, 1}, [2]int{0, 1}
		}
		if raw.TimeType != wantT || raw.UnitType != wantU {
			t.Errorf("%s: declared %v %v, want %v %v", tc.name, raw.TimeType, raw.UnitType, wantT, wantU)
		}
		d, err := NewSHD(dir, Train, SHDOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		a := d.Arrays()
		if a.TimeBytes != tc.tw || a.UnitBytes != tc.uw {
			t.Errorf("%s: widths %d/%d, want %d/%d", tc.name, a.TimeBytes, a.UnitBytes, tc.tw, tc.uw)
		}
		if !slices.Equal(d.Classes(), shdClassNames) || d.Speaker(2) != 2 || ClassCounts(d)[19] != 1 {
			t.Errorf("%s: classes/speakers/labels wrong", tc.name)
		}
		// Sample 0: units 70 → 0 at 0.5 µs, 79 → 1 at 250 µs; 699 and 0
		// dropped; 1.25 s = 625 µs is past the 500 µs window anyway.
		s := d.Sample(0)
		tol := 1e-6 * 500
		if tc.name == "half" {
			tol = 1e-3 * 500
		}
		if len(s.Spikes) != 2 || s.Spikes[0].Channel != 0 || math.Abs(s.Spikes[0].Time-0.5) > tol || s.Spikes[1].Channel != 1 || s.Spikes[1].Time != 250 {
			t.Errorf("%s: sample 0 = %+v", tc.name, s.Spikes)
		}
		// Sample 2 is stored unsorted: Sample sorts it.
		s = d.Sample(2)
		if len(s.Spikes) != 2 || s.Spikes[0].Channel != 2 || s.Spikes[0].Time != 62.5 || s.Spikes[1].Channel != 69 || s.Spikes[1].Time != 125 {
			t.Errorf("%s: sample 2 = %+v", tc.name, s.Spikes)
		}
	}
}

func TestSHDAugment(t *testing.T) {
	dir := t.TempDir()
	const n = 2000
	times := [][]float64{make([]float64, n)}
	units := [][]int{make([]int, n)}
	for k := range n {
		times[0][k] = float64(k) / n
		units[0][k] = 70 + 9*10 // all on input 10
	}
	writeSHD(t, filepath.Join(dir, "shd_train.h5"), times, units, []int{4}, hdf5.VLenFloat32)
	d, err := NewSHD(dir, Train, SHDOptions{JitterSigma: 3})
	if err != nil {
		t.Fatal(err)
	}
	a := d.Augment(0, rand.New(rand.NewPCG(5, 6)))
	b := d.Augment(0, rand.New(rand.NewPCG(5, 6)))
	if !slices.Equal(a.Spikes, b.Spikes) {
		t.Fatal("not deterministic")
	}
	// With σ = 3 a spike stays on channel 160 only if |ξ·3| < 0.5:
	// P = erf(0.5/(3√2)) ≈ 0.1324; neighbours ±9 channels get ≈ 0.0085 each.
	counts := map[int]int{}
	for _, s := range a.Spikes {
		counts[s.Channel]++
	}
	if p := float64(counts[10]) / n; math.Abs(p-0.1324) > 0.03 {
		t.Errorf("P(stay) = %g, want ≈ 0.132", p)
	}
	if counts[9]+counts[11] == 0 || counts[9]+counts[11] > 80 {
		t.Errorf("neighbour counts %d, %d", counts[9], counts[11])
	}
}

func TestSHDErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Load("shd", dir, Train)
	var me *MissingFilesError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "shd_train.h5") || !strings.Contains(err.Error(), "f3252aeb598ac776c1b526422d90eecb") || !strings.Contains(err.Error(), "zenkelab.org") {
		t.Errorf("missing: %v", err)
	}
	if _, err := Load("shd", dir, Validation); err == nil {
		t.Error("validation accepted")
	}
	// Not HDF5 at all.
	os.WriteFile(filepath.Join(dir, "shd_train.h5"), []byte("hello, not hdf5"), 0o644)
	_, err = Load("shd", dir, Train)
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "shd_train.h5") {
		t.Errorf("garbage: %v", err)
	}
	// HDF5 but not SHD: an MNIST-like file with only /labels.
	p := filepath.Join(dir, "shd_test.h5")
	fw, _ := hdf5.CreateForWrite(p, hdf5.CreateTruncate)
	ds, _ := fw.CreateDataset("/labels", hdf5.Uint16, []uint64{2})
	ds.Write([]uint16{1, 2})
	fw.Close()
	_, err = Load("shd", dir, Test)
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "/spikes/times") {
		t.Errorf("wrong layout: %v", err)
	}
	// Zipped file only.
	dir2 := t.TempDir()
	os.WriteFile(filepath.Join(dir2, "shd_test.h5.zip"), []byte("PK"), 0o644)
	if _, err := Load("shd", dir2, Test); err == nil || !strings.Contains(err.Error(), "unpacked") {
		t.Errorf("zip: %v", err)
	}
}

func TestDecodeSHDFaults(t *testing.T) {
	ok := SHDRaw{Times: [][]byte{{0, 0x3c}}, Units: [][]byte{{5, 0}}, Labels: []float64{1}}
	if _, err := DecodeSHD(ok); err != nil {
		t.Fatal(err)
	}
	cases := map[string]SHDRaw{
		"count":  {Times: [][]byte{}, Units: [][]byte{{1, 0}}, Labels: []float64{1}},
		"label":  {Times: [][]byte{{0, 0x3c}}, Units: [][]byte{{5, 0}}, Labels: []float64{20}},
		"ratio":  {Times: [][]byte{{0, 0x3c}, {0, 0, 0, 0x3c}}, Units: [][]byte{{5, 0}, {5, 0}}, Labels: []float64{1, 1}},
		"unit":   {Times: [][]byte{{0, 0x3c}}, Units: [][]byte{{0xff, 0xff}}, Labels: []float64{1}},
		"time":   {Times: [][]byte{{0, 0xfc}}, Units: [][]byte{{5, 0}}, Labels: []float64{1}},
		"odd":    {Times: [][]byte{{0, 0x3c, 1}}, Units: [][]byte{{5, 0, 1}}, Labels: []float64{1}},
		"empty1": {Times: [][]byte{{}}, Units: [][]byte{{5, 0}}, Labels: []float64{1}},
	}
	for name, raw := range cases {
		if _, err := DecodeSHD(raw); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Declared types are obeyed: the same 4 bytes are one float32 time and
	// one uint32 unit, or (undeclared) inferred as such.
	four := SHDRaw{Times: [][]byte{{0, 0, 0, 0x3f}}, Units: [][]byte{{7, 0, 0, 0}}, Labels: []float64{1}, TimeType: [2]int{1, 4}, UnitType: [2]int{0, 4}}
	if a, err := DecodeSHD(four); err != nil || len(a.Units) != 1 || a.Units[0] != 7 || a.Times[0] != 250 {
		t.Errorf("declared float32/uint32: %+v %v", a, err)
	}
	four.UnitType = [2]int{0, 2} // declared uint16: 2 units, 1 time → refused
	if _, err := DecodeSHD(four); err == nil || !strings.Contains(err.Error(), "do not pair up") {
		t.Errorf("mismatched declaration: %v", err)
	}
}

// FuzzSHD feeds arbitrary sequences to the decoder (the bytes are cut into
// one sample's times and units) and arbitrary bytes to the object-header
// parser: no panic, and every decoded spike is valid.
func FuzzSHD(f *testing.F) {
	f.Add([]byte{0, 0x3c, 5, 0}, uint8(2), uint8(2))
	f.Add([]byte{0, 0, 0, 0x3f, 7, 0, 0, 0}, uint8(4), uint8(4))
	f.Fuzz(func(t *testing.T, b []byte, cut1, cut2 uint8) {
		vlenBaseType(bytes.NewReader(b), uint64(cut1)) // header parser: must not panic
		c1 := min(int(cut1), len(b))
		c2 := min(c1+int(cut2), len(b))
		raw := SHDRaw{Times: [][]byte{b[:c1]}, Units: [][]byte{b[c1:c2]}, Labels: []float64{3}}
		a, err := DecodeSHD(raw)
		if err != nil {
			return
		}
		for k, u := range a.Units {
			if u >= SHDUnits || !(a.Times[k] >= 0) {
				t.Fatalf("spike %d: unit %d time %g", k, u, a.Times[k])
			}
		}
	})
}

// FuzzSHDFile feeds arbitrary bytes as an SHD file through the HDF5 reader
// and the decoder: errors are fine, panics are not. Seeds in
// testdata/fuzz/FuzzSHDFile are small valid SHD-layout files.
func FuzzSHDFile(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "shd_train.h5")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		raw, err := readSHDFile(p)
		if err != nil {
			return
		}
		DecodeSHD(raw)
	})
}

// TestHDF5Guard: heap headers claiming more bytes than the file holds are
// refused before the HDF5 reader would allocate them.
func TestHDF5Guard(t *testing.T) {
	dir := sharedData(t, "shd-synthetic")
	b, err := os.ReadFile(filepath.Join(dir, "synthetic_shd_layout_contiguous.h5"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []string{"GCOL\x01", "HEAP\x00"} {
		i := strings.Index(string(b), sig)
		if i < 0 {
			t.Fatalf("no %q in the synthetic file", sig)
		}
		bad := slices.Clone(b)
		binary.LittleEndian.PutUint64(bad[i+8:], 0xc0000400000)
		p := filepath.Join(t.TempDir(), "shd_test.h5")
		os.WriteFile(p, bad, 0o644)
		_, err := readSHDFile(p)
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "claims") {
			t.Errorf("%q: err = %v", sig[:4], err)
		}
	}
	if err := checkDatasetInfo("/x", "Dataset: class_9 (size=16 bytes), 1D array [4000000000], contiguous", 1<<20); err == nil {
		t.Error("huge dataset accepted")
	}
	if err := checkDatasetInfo("/x", "Dataset: class_9 (size=16 bytes), 1D array [3], contiguous", 1<<20); err != nil {
		t.Error(err)
	}
}
