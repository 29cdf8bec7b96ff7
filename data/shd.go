package data

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// SHD (Spiking Heidelberg Digits, Cramer et al. 2022, CC BY 4.0): 20 spoken
// digit classes, 700 cochlea channels. The paper keeps channels 70, 79, …,
// 691 (70 inputs) and divides times by 2000: 1 s of audio → 500 µs on chip.
const (
	SHDUnits        = 700        // channels in the files
	SHDInputs       = 70         // channels after reduction
	shdFirstChannel = 70         // first channel kept
	shdStride       = 9          // every 9th channel is kept
	shdTimeScale    = 1e6 / 2000 // µs of hardware time per second of audio
)

// SHDChannel maps a file channel to its input after the paper's reduction,
// ok false for the channels dropped.
func SHDChannel(unit int) (input int, ok bool) {
	if unit < shdFirstChannel || unit >= SHDUnits || (unit-shdFirstChannel)%shdStride != 0 {
		return 0, false
	}
	input = (unit - shdFirstChannel) / shdStride
	return input, input < SHDInputs
}

// SHDTime converts a spike time in seconds of audio to µs of hardware time
// (÷2000: 1000 for the chip's speed-up, 2 more to shorten runs).
func SHDTime(seconds float64) float64 { return seconds * shdTimeScale }

// SHDOptions sets the SHD encoding. Zero fields take the defaults of
// DefaultSHDOptions.
type SHDOptions struct {
	// Window is the µs of hardware time a sample spans (default 500, i.e.
	// 1 s of audio); later spikes are dropped.
	Window float64
	// JitterSigma is the SD, in file channels, of the Augment jitter: each
	// spike of channel i moves to round(N(i, σ)) before the reduction to 70
	// inputs. The paper gives σ only in its supplement; default 3.
	JitterSigma float64
}

// DefaultSHDOptions returns a 500 µs window and jitter σ = 3 channels.
func DefaultSHDOptions() SHDOptions { return SHDOptions{Window: 500, JitterSigma: 3} }

func (o SHDOptions) withDefaults() SHDOptions {
	d := DefaultSHDOptions()
	if o.Window == 0 {
		o.Window = d.Window
	}
	if o.JitterSigma == 0 {
		o.JitterSigma = d.JitterSigma
	}
	return o
}

// shdClassNames are used when the file's /extra/keys does not hold 20 names.
var shdClassNames = []string{
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
}

// shdFiles are the expected file names with the published digests of the
// archives they come in.
var shdFiles = map[Split]ExpectedFile{
	Train: {Name: "shd_train.h5", Digest: "unzipped from shd_train.h5.zip, md5 f3252aeb598ac776c1b526422d90eecb"},
	Test:  {Name: "shd_test.h5", Digest: "unzipped from shd_test.h5.zip, md5 1503a5064faa34311c398fb0a1ed0a6f"},
}

const shdSource = "https://zenkelab.org/datasets/ (shd_train.h5.zip, shd_test.h5.zip; mirror compneuro.net/datasets)"

// SHDArrays are one SHD file's samples, decoded: spike times in µs of
// hardware time and file channels (0..699), concatenated with offsets.
type SHDArrays struct {
	Offsets  []int     // sample i is [Offsets[i], Offsets[i+1])
	Times    []float32 // µs of hardware time (file seconds × 500)
	Units    []uint16  // file channel 0..699
	Labels   []uint8   // 0..19
	Speakers []int     // speaker id, −1 if the file has none
	Keys     []string  // /extra/keys as stored (may be empty)
	// TimeBytes and UnitBytes are the element widths found (2, 4 or 8 and
	// 2 or 4 bytes).
	TimeBytes, UnitBytes int
}

// SHD is one split of the Spiking Heidelberg Digits, reduced to 70 inputs
// and time-compressed ÷2000 (see SHDChannel and SHDTime).
type SHD struct {
	split Split
	opt   SHDOptions
	arr   *SHDArrays
	path  string
}

var shdMemo = struct {
	sync.Mutex
	m map[string]*SHDArrays
}{m: map[string]*SHDArrays{}}

// NewSHD loads split (train or test) from dir/shd/ or dir: the files
// shd_train.h5 and shd_test.h5 as published (unzipped). dir "" means the
// current directory.
func NewSHD(dir string, split Split, opt SHDOptions) (*SHD, error) {
	ef, ok := shdFiles[split]
	if !ok {
		return nil, &SplitError{Dataset: "shd", Split: split, Accepted: []Split{Train, Test}}
	}
	opt = opt.withDefaults()
	if !(opt.Window > 0) || math.IsInf(opt.Window, 0) || !(opt.JitterSigma >= 0) || math.IsInf(opt.JitterSigma, 0) {
		return nil, fmt.Errorf("shd: Window %g µs and JitterSigma %g invalid (need Window > 0, JitterSigma ≥ 0)", opt.Window, opt.JitterSigma)
	}
	if dir == "" {
		dir = "."
	}
	dirs := []string{filepath.Join(dir, "shd"), dir}
	path := ""
	for _, d := range dirs {
		p := filepath.Join(d, ef.Name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			path = p
			break
		}
		for _, packed := range []string{".zip", ".gz"} {
			if _, err := os.Stat(p + packed); err == nil {
				return nil, fmt.Errorf("shd: found %s but need it unpacked as %s (inloop reads the .h5 file)", p+packed, p)
			}
		}
	}
	if path == "" {
		return nil, &MissingFilesError{Dataset: "shd", Searched: dirs, Missing: []string{ef.Name},
			Expected: []ExpectedFile{shdFiles[Train], shdFiles[Test]}, Source: shdSource}
	}
	arr, err := loadSHDArrays(path)
	if err != nil {
		return nil, err
	}
	return &SHD{split: split, opt: opt, arr: arr, path: path}, nil
}

func loadSHDArrays(path string) (*SHDArrays, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s|%d|%d", path, st.Size(), st.ModTime().UnixNano())
	shdMemo.Lock()
	a := shdMemo.m[key]
	shdMemo.Unlock()
	if a != nil {
		return a, nil
	}
	raw, err := readSHDFile(path)
	if err != nil {
		return nil, err
	}
	a, err = DecodeSHD(raw)
	if err != nil {
		return nil, &FormatError{File: path, Fault: err.Error()}
	}
	shdMemo.Lock()
	shdMemo.m[key] = a
	shdMemo.Unlock()
	return a, nil
}

func (d *SHD) Name() string      { return "shd" }
func (d *SHD) Split() Split      { return d.split }
func (d *SHD) Len() int          { return len(d.arr.Labels) }
func (d *SHD) Inputs() int       { return SHDInputs }
func (d *SHD) Window() float64   { return d.opt.Window }
func (d *SHD) Label(i int) int   { return int(d.arr.Labels[i]) }
func (d *SHD) Speaker(i int) int { return d.arr.Speakers[i] }

// Arrays returns the decoded file contents (shared; do not modify).
func (d *SHD) Arrays() *SHDArrays { return d.arr }

// Path returns the file the split was read from.
func (d *SHD) Path() string { return d.path }

// Classes returns /extra/keys when the file holds 20 of them, else the
// standard names (English zero…nine, German null…neun).
func (d *SHD) Classes() []string {
	if len(d.arr.Keys) == len(shdClassNames) {
		return slices.Clone(d.arr.Keys)
	}
	return slices.Clone(shdClassNames)
}

// Sample returns sample i reduced to 70 inputs, sorted by time.
func (d *SHD) Sample(i int) Sample {
	return d.encode(i, nil)
}

// Augment moves every spike of file channel u to channel round(u + σ·ξ),
// ξ ~ N(0, 1) from rng, before the reduction to 70 inputs.
func (d *SHD) Augment(i int, rng *rand.Rand) Sample {
	return d.encode(i, rng)
}

func (d *SHD) encode(i int, rng *rand.Rand) Sample {
	a := d.arr
	lo, hi := a.Offsets[i], a.Offsets[i+1]
	spikes := make([]Spike, 0, (hi-lo)/8+1)
	for k := lo; k < hi; k++ {
		t := float64(a.Times[k])
		if t >= d.opt.Window {
			continue
		}
		u := int(a.Units[k])
		if rng != nil && d.opt.JitterSigma > 0 {
			u = int(math.Round(float64(u) + d.opt.JitterSigma*rng.NormFloat64()))
		}
		if c, ok := SHDChannel(u); ok {
			spikes = append(spikes, Spike{Time: t, Channel: c})
		}
	}
	SortSpikes(spikes)
	return Sample{Spikes: spikes, Label: d.Label(i)}
}

// SHDRaw is what an SHD file holds, before decoding: the raw bytes of each
// variable-length sequence of /spikes/times and /spikes/units, the labels
// and speakers as read, and the keys' bytes.
type SHDRaw struct {
	Times, Units [][]byte
	// TimeType and UnitType are the element types the file declares, as
	// (HDF5 class, bytes): class 1 float, 0 integer; zero if unknown.
	TimeType, UnitType [2]int
	Labels             []float64
	Speakers           []float64 // nil if absent
	Keys               [][]byte  // nil if absent
}

// DecodeSHD validates raw and decodes it. Times must be floats of 2, 4 or 8
// bytes (seconds), units integers of 2 or 4 bytes below 700. The element
// types come from raw.TimeType and raw.UnitType when the file declares such
// types; otherwise (e.g. sequences stored as bytes) they are inferred: the
// byte-length ratio of times to units must be the same for every sample,
// and among the widths it allows the widest whose decoding is valid (every
// unit < 700, every time finite and in [0, 10⁴) s) is taken. Wider first
// matters: a 4-byte unit < 700 read as two 2-byte units gives a valid unit
// and a zero, never the reverse.
func DecodeSHD(raw SHDRaw) (*SHDArrays, error) {
	n := len(raw.Labels)
	if len(raw.Times) != n || len(raw.Units) != n {
		return nil, fmt.Errorf("%d labels but %d time and %d unit sequences", n, len(raw.Times), len(raw.Units))
	}
	if raw.Speakers != nil && len(raw.Speakers) != n {
		return nil, fmt.Errorf("%d labels but %d speakers", n, len(raw.Speakers))
	}
	a := &SHDArrays{Offsets: make([]int, n+1), Labels: make([]uint8, n), Speakers: make([]int, n)}
	for i, y := range raw.Labels {
		if y != math.Trunc(y) || y < 0 || y >= float64(len(shdClassNames)) {
			return nil, fmt.Errorf("label %v of sample %d out of range 0..19", y, i)
		}
		a.Labels[i] = uint8(y)
		a.Speakers[i] = -1
		if raw.Speakers != nil {
			s := raw.Speakers[i]
			if s != math.Trunc(s) || s < 0 || s > 1e6 {
				return nil, fmt.Errorf("speaker %v of sample %d invalid", s, i)
			}
			a.Speakers[i] = int(s)
		}
	}
	for _, k := range raw.Keys {
		a.Keys = append(a.Keys, string(k))
	}
	var tw, uw int
	tt, ut := raw.TimeType, raw.UnitType
	if tt[0] == 1 && (tt[1] == 2 || tt[1] == 4 || tt[1] == 8) && ut[0] == 0 && (ut[1] == 2 || ut[1] == 4) {
		tw, uw = tt[1], ut[1]
		if err := checkSHDWidths(raw.Times, raw.Units, tw, uw); err != nil {
			return nil, err
		}
	} else {
		var err error
		if tw, uw, err = inferSHDWidths(raw.Times, raw.Units); err != nil {
			return nil, err
		}
	}
	a.TimeBytes, a.UnitBytes = tw, uw
	total := 0
	for i, u := range raw.Units {
		total += len(u) / uw
		a.Offsets[i+1] = total
	}
	a.Times = make([]float32, total)
	a.Units = make([]uint16, total)
	k := 0
	for i := range n {
		tb, ub := raw.Times[i], raw.Units[i]
		for j := 0; j < len(ub)/uw; j++ {
			a.Times[k] = float32(SHDTime(decodeFloat(tb[j*tw:], tw)))
			a.Units[k] = uint16(decodeUint(ub[j*uw:], uw))
			k++
		}
	}
	return a, nil
}

func inferSHDWidths(times, units [][]byte) (tw, uw int, err error) {
	var num, den int // byte-length ratio times:units = num:den
	for i := range units {
		lt, lu := len(times[i]), len(units[i])
		if (lt == 0) != (lu == 0) {
			return 0, 0, fmt.Errorf("sample %d: %d time bytes but %d unit bytes", i, lt, lu)
		}
		if lu == 0 {
			continue
		}
		if num == 0 {
			num, den = lt, lu
		} else if lt*den != lu*num {
			return 0, 0, fmt.Errorf("sample %d: time/unit byte ratio %d:%d differs from earlier samples' %d:%d", i, lt, lu, num, den)
		}
	}
	if num == 0 {
		return 2, 2, nil // no spikes at all: widths do not matter
	}
	candidates := [][2]int{{8, 4}, {4, 4}, {8, 2}, {4, 2}, {2, 4}, {2, 2}}
	for _, c := range candidates {
		if c[0]*den != c[1]*num {
			continue
		}
		if shdWidthsValid(times, units, c[0], c[1]) {
			return c[0], c[1], nil
		}
	}
	return 0, 0, fmt.Errorf("spike sequences (time:unit bytes %d:%d) decode to no valid combination of float16/32/64 times in seconds and uint16/32 units < %d", num, den, SHDUnits)
}

func shdWidthsValid(times, units [][]byte, tw, uw int) bool {
	return checkSHDWidths(times, units, tw, uw) == nil
}

// checkSHDWidths decodes every spike with the given widths and reports the
// first invalid one.
func checkSHDWidths(times, units [][]byte, tw, uw int) error {
	for i := range units {
		if len(units[i])%uw != 0 || len(times[i])%tw != 0 || len(units[i])/uw != len(times[i])/tw {
			return fmt.Errorf("sample %d: %d time bytes (%d-byte floats) and %d unit bytes (%d-byte integers) do not pair up", i, len(times[i]), tw, len(units[i]), uw)
		}
		for j := 0; j < len(units[i])/uw; j++ {
			if u := decodeUint(units[i][j*uw:], uw); u >= SHDUnits {
				return fmt.Errorf("sample %d spike %d: unit %d out of range 0..%d", i, j, u, SHDUnits-1)
			}
			if t := decodeFloat(times[i][j*tw:], tw); !(t >= 0 && t < 1e4) {
				return fmt.Errorf("sample %d spike %d: time %g s out of range [0, 10⁴)", i, j, t)
			}
		}
	}
	return nil
}

func decodeFloat(b []byte, w int) float64 {
	switch w {
	case 2:
		return HalfToFloat64(binary.LittleEndian.Uint16(b))
	case 4:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func decodeUint(b []byte, w int) uint64 {
	if w == 2 {
		return uint64(binary.LittleEndian.Uint16(b))
	}
	return uint64(binary.LittleEndian.Uint32(b))
}
