package data

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
)

// MNISTVariant selects MNIST (handwritten digits) or Fashion-MNIST; both use
// the same IDX file names and sizes.
type MNISTVariant int

const (
	MNISTDigits MNISTVariant = iota
	FashionMNIST
)

// Name is the dataset name Load accepts.
func (v MNISTVariant) Name() string {
	if v == FashionMNIST {
		return "fashion-mnist"
	}
	return "mnist"
}

// Side is the width and height of a preprocessed image: 16 pixels.
const Side = 16

// MNISTOptions sets the encoding of (Fashion-)MNIST. Zero fields take the
// defaults of DefaultMNISTOptions.
//
// Pixel x = value/255 of the 16×16 image fires once, at the paper's latency
//
//	t = TauIn · ln(x / (x − ThetaIn)) − TauIn · ln(1 / (1 − ThetaIn))   [µs]
//
// i.e. shifted so that a white pixel (x = 1) fires at 0 µs. (The paper shifts
// by the earliest spike of each batch; a fixed shift keeps samples
// independent of their batch and equals it whenever a batch holds a white
// pixel, which every MNIST batch does.) Pixels with x ≤ ThetaIn and spikes at
// or after Window stay silent. Channel = row·16 + column.
type MNISTOptions struct {
	TauIn       float64 // µs (default 8)
	ThetaIn     float64 // threshold on x ∈ [0, 1] (default 0.2)
	Window      float64 // µs (default 34 = 20 frames of 1.7 µs)
	MaxRotation float64 // degrees of the Augment rotation, uniform in ±MaxRotation (default 15)
	// CacheDir holds the on-disk cache of preprocessed arrays: "" means
	// $INLOOP_CACHE_DIR, else os.UserCacheDir()/inloop; "off" disables it.
	CacheDir string
}

// DefaultMNISTOptions returns the paper's encoding: τ_in = 8 µs,
// ϑ_in = 0.2, a 34 µs window, rotations up to ±15°.
func DefaultMNISTOptions() MNISTOptions {
	return MNISTOptions{TauIn: 8, ThetaIn: 0.2, Window: 34, MaxRotation: 15}
}

func (o MNISTOptions) withDefaults() MNISTOptions {
	d := DefaultMNISTOptions()
	if o.TauIn == 0 {
		o.TauIn = d.TauIn
	}
	if o.ThetaIn == 0 {
		o.ThetaIn = d.ThetaIn
	}
	if o.Window == 0 {
		o.Window = d.Window
	}
	if o.MaxRotation == 0 {
		o.MaxRotation = d.MaxRotation
	}
	return o
}

func (o MNISTOptions) validate() error {
	if !(o.TauIn > 0) || !(o.ThetaIn > 0 && o.ThetaIn < 1) || !(o.Window > 0) || !(o.MaxRotation >= 0 && o.MaxRotation <= 180) {
		return fmt.Errorf("mnist: options TauIn %g µs, ThetaIn %g, Window %g µs, MaxRotation %g° invalid (need TauIn > 0, 0 < ThetaIn < 1, Window > 0, 0 ≤ MaxRotation ≤ 180)",
			o.TauIn, o.ThetaIn, o.Window, o.MaxRotation)
	}
	return nil
}

// mnistFile is one of the four IDX files with its published digests.
type mnistFile struct {
	base        string // name without .gz
	md5, sha256 string // of the published .gz file ("" if unknown)
}

// mnistFiles lists, per variant and split, the image and label files.
var mnistFiles = map[MNISTVariant]map[Split][2]mnistFile{
	MNISTDigits: {
		Train: {
			{"train-images-idx3-ubyte", "f68b3c2dcbeaaa9fbdd348bbdeb94873", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"},
			{"train-labels-idx1-ubyte", "d53e105ee54ea40749a09fcbcd1e9432", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"},
		},
		Test: {
			{"t10k-images-idx3-ubyte", "9fb629c4189551a2d022fa330f9573f3", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"},
			{"t10k-labels-idx1-ubyte", "ec29112dd5afa0611ce80d1b7f02629c", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
		},
	},
	FashionMNIST: {
		Train: {
			{"train-images-idx3-ubyte", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", ""},
			{"train-labels-idx1-ubyte", "25c81989df183df01b3e8a0aad5dffbe", ""},
		},
		Test: {
			{"t10k-images-idx3-ubyte", "bef4ecab320f06d8554ea6380940ec79", ""},
			{"t10k-labels-idx1-ubyte", "bb300cfdad3c16e7a12a480ee83cd310", ""},
		},
	},
}

var mnistSource = map[MNISTVariant]string{
	MNISTDigits:  "https://yann.lecun.com/exdb/mnist/ (mirror https://ossci-datasets.s3.amazonaws.com/mnist/)",
	FashionMNIST: "https://github.com/zalandoresearch/fashion-mnist (files at http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/)",
}

var mnistClasses = map[MNISTVariant][]string{
	MNISTDigits:  {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
	FashionMNIST: {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"},
}

// MNIST is MNIST or Fashion-MNIST, preprocessed to 16×16 as in the paper
// (MNIST: crop 2 pixels on each side, 24 → 16 by cubic B-spline resampling;
// Fashion-MNIST: 28 → 16 without crop; values rounded to 8 bits) and latency
// encoded (see MNISTOptions): 256 inputs.
type MNIST struct {
	variant MNISTVariant
	split   Split
	opt     MNISTOptions
	arr     *mnistArrays
	latency [256]float64 // spike time per 8-bit pixel value; NaN = silent
}

// mnistArrays are the preprocessed images of one split.
type mnistArrays struct {
	labels []uint8
	pixels []uint8 // n·256, row-major 16×16 per image
}

// NewMNIST loads split (train or test) of variant from dir. The files are
// searched in dir/mnist/ or dir/fashion-mnist/ (by variant) first, then in
// dir itself; each as NAME.gz or raw NAME (e.g. train-images-idx3-ubyte.gz).
// Because both variants use the same file names, Fashion-MNIST refuses files
// whose digest is MNIST's. dir "" means the current directory.
func NewMNIST(variant MNISTVariant, dir string, split Split, opt MNISTOptions) (*MNIST, error) {
	name := variant.Name()
	files, ok := mnistFiles[variant][split]
	if !ok {
		return nil, &SplitError{Dataset: name, Split: split, Accepted: []Split{Train, Test}}
	}
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return nil, err
	}
	if dir == "" {
		dir = "."
	}
	paths, err := findMNISTFiles(variant, dir, files)
	if err != nil {
		return nil, err
	}
	arr, err := loadMNISTArrays(variant, paths, opt.CacheDir)
	if err != nil {
		return nil, err
	}
	d := &MNIST{variant: variant, split: split, opt: opt, arr: arr}
	shift := opt.TauIn * math.Log(1/(1-opt.ThetaIn))
	for p := range d.latency {
		d.latency[p] = math.NaN()
		if t, ok := LatencyTime(float64(p)/255, opt.TauIn, opt.ThetaIn); ok && t-shift < opt.Window {
			d.latency[p] = t - shift
		}
	}
	return d, nil
}

// findMNISTFiles returns the paths of the image and label files.
func findMNISTFiles(variant MNISTVariant, dir string, files [2]mnistFile) ([2]string, error) {
	dirs := []string{filepath.Join(dir, variant.Name()), dir}
	var missing []string
	for _, d := range dirs {
		var paths [2]string
		missing = missing[:0]
		for k, f := range files {
			for _, name := range []string{f.base + ".gz", f.base} {
				p := filepath.Join(d, name)
				if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
					paths[k] = p
					break
				}
			}
			if paths[k] == "" {
				missing = append(missing, f.base+".gz")
			}
		}
		if len(missing) == 0 {
			return paths, nil
		}
	}
	exp := make([]ExpectedFile, 0, 2)
	for _, f := range files {
		dg := "md5 " + f.md5
		if f.sha256 != "" {
			dg += ", sha256 " + f.sha256
		}
		exp = append(exp, ExpectedFile{Name: f.base + ".gz", Digest: dg})
	}
	return [2]string{}, &MissingFilesError{Dataset: variant.Name(), Searched: dirs, Missing: missing, Expected: exp, Source: mnistSource[variant]}
}

// isMNISTDigest reports whether sha is the digest of one of MNIST's
// published files (gz or decompressed).
func isMNISTDigest(sha string) bool {
	for _, s := range mnistFiles[MNISTDigits] {
		for _, f := range s {
			if f.sha256 == sha {
				return true
			}
		}
	}
	return slices.Contains(mnistRawSHA256, sha)
}

// publishedMNISTFile names the published file of variant whose bytes are
// b with SHA-256 sha (gz or, for MNIST, decompressed), or "" for a file of
// unknown digest.
func publishedMNISTFile(variant MNISTVariant, b []byte, sha string) string {
	m := md5.Sum(b)
	mh := hex.EncodeToString(m[:])
	for _, s := range mnistFiles[variant] {
		for _, f := range s {
			if f.md5 == mh || (f.sha256 != "" && f.sha256 == sha) {
				return f.base
			}
		}
	}
	if variant == MNISTDigits {
		if i := slices.Index(mnistRawSHA256, sha); i >= 0 {
			return mnistRawNames[i]
		}
	}
	return ""
}

// mnistRawNames are the files of mnistRawSHA256, in its order.
var mnistRawNames = []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}

// mnistRawSHA256 are the digests of MNIST's decompressed files.
var mnistRawSHA256 = []string{
	"ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
	"65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
	"0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
	"ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

// badLabel is the index of the first label outside 0..9, or -1.
func badLabel(labels []uint8) int {
	for i, y := range labels {
		if y > 9 {
			return i
		}
	}
	return -1
}

// decodeMNIST decodes and validates the two IDX files and preprocesses the
// images to 16×16.
func decodeMNIST(variant MNISTVariant, paths [2]string, img, lab []byte) (*mnistArrays, error) {
	ix, err := DecodeIDX(img)
	if err != nil {
		return nil, &FormatError{File: paths[0], Fault: err.Error()}
	}
	lx, err := DecodeIDX(lab)
	if err != nil {
		return nil, &FormatError{File: paths[1], Fault: err.Error()}
	}
	if len(ix.Dims) != 3 || ix.Dims[1] != 28 || ix.Dims[2] != 28 {
		return nil, &FormatError{File: paths[0], Fault: fmt.Sprintf("wrong type: dimensions %v, want [N 28 28] images", ix.Dims)}
	}
	if len(lx.Dims) != 1 {
		return nil, &FormatError{File: paths[1], Fault: fmt.Sprintf("wrong type: dimensions %v, want [N] labels", lx.Dims)}
	}
	n := ix.Dims[0]
	if n == 0 {
		return nil, &FormatError{File: paths[0], Fault: "holds no images (a split needs at least one)"}
	}
	if lx.Dims[0] != n {
		return nil, &FormatError{File: paths[1], Fault: fmt.Sprintf("%d labels for %d images in %s", lx.Dims[0], n, paths[0])}
	}
	if i := badLabel(lx.Data); i >= 0 {
		return nil, &FormatError{File: paths[1], Fault: fmt.Sprintf("label %d of sample %d out of range 0..9", lx.Data[i], i)}
	}
	arr := &mnistArrays{labels: slices.Clone(lx.Data), pixels: make([]uint8, n*Side*Side)}
	preprocessImages(arr.pixels, ix.Data, n, variant)
	return arr, nil
}

// preprocessImages writes the 16×16 versions of n 28×28 images into dst:
// MNIST crops 2 pixels per side first, Fashion-MNIST does not.
func preprocessImages(dst, src []uint8, n int, variant MNISTVariant) {
	crop := 2
	if variant == FashionMNIST {
		crop = 0
	}
	in := 28 - 2*crop
	rs := NewResampler(in, Side)
	x := make([]float64, in*in)
	y := make([]float64, Side*Side)
	tmp := make([]float64, Side*in)
	for i := range n {
		img := src[i*784 : (i+1)*784]
		for r := range in {
			for q := range in {
				x[r*in+q] = float64(img[(r+crop)*28+q+crop])
			}
		}
		rs.Apply(y, x, tmp)
		out := dst[i*Side*Side : (i+1)*Side*Side]
		for k, v := range y {
			out[k] = uint8(math.Round(min(max(v, 0), 255)))
		}
	}
}

func (d *MNIST) Name() string      { return d.variant.Name() }
func (d *MNIST) Split() Split      { return d.split }
func (d *MNIST) Len() int          { return len(d.arr.labels) }
func (d *MNIST) Classes() []string { return slices.Clone(mnistClasses[d.variant]) }
func (d *MNIST) Inputs() int       { return Side * Side }
func (d *MNIST) Window() float64   { return d.opt.Window }
func (d *MNIST) Label(i int) int   { return int(d.arr.labels[i]) }

// Options returns the encoding in use (defaults filled in).
func (d *MNIST) Options() MNISTOptions { return d.opt }

// Image returns sample i's preprocessed 16×16 image (row-major, 0..255);
// the slice aliases the dataset and must not be modified.
func (d *MNIST) Image(i int) []uint8 { return d.arr.pixels[i*Side*Side : (i+1)*Side*Side] }

// Sample latency-encodes image i.
func (d *MNIST) Sample(i int) Sample {
	return Sample{Spikes: d.AppendSpikes(nil, i), Label: d.Label(i)}
}

// AppendSpikes appends the encoded spikes of image i to dst, sorted by
// time, and returns the extended slice (no allocation when dst has room).
func (d *MNIST) AppendSpikes(dst []Spike, i int) []Spike {
	start := len(dst)
	for c, p := range d.Image(i) {
		if t := d.latency[p]; !math.IsNaN(t) {
			dst = append(dst, Spike{Time: t, Channel: c})
		}
	}
	SortSpikes(dst[start:])
	return dst
}

// Augment rotates image i by an angle drawn uniformly from ±MaxRotation
// degrees (bilinear, zero fill) and encodes the rotated intensities.
func (d *MNIST) Augment(i int, rng *rand.Rand) Sample {
	angle := (2*rng.Float64() - 1) * d.opt.MaxRotation * math.Pi / 180
	var src, dst [Side * Side]float64
	for k, p := range d.Image(i) {
		src[k] = float64(p) / 255
	}
	Rotate(dst[:], src[:], Side, angle)
	shift := d.opt.TauIn * math.Log(1/(1-d.opt.ThetaIn))
	spikes := make([]Spike, 0, 128)
	for c, x := range dst {
		if t, ok := LatencyTime(x, d.opt.TauIn, d.opt.ThetaIn); ok && t-shift < d.opt.Window {
			spikes = append(spikes, Spike{Time: max(t-shift, 0), Channel: c})
		}
	}
	SortSpikes(spikes)
	return Sample{Spikes: spikes, Label: d.Label(i)}
}
