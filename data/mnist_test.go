package data

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLatencyTime(t *testing.T) {
	if got, ok := LatencyTime(1, 8, 0.2); !ok || math.Abs(got-8*math.Log(1.25)) > 1e-15 {
		t.Errorf("x=1: %g %v", got, ok)
	}
	if got, ok := LatencyTime(0.5, 8, 0.2); !ok || math.Abs(got-8*math.Log(0.5/0.3)) > 1e-15 {
		t.Errorf("x=0.5: %g", got)
	}
	for _, x := range []float64{0.2, 0.1, 0, math.NaN()} {
		if _, ok := LatencyTime(x, 8, 0.2); ok {
			t.Errorf("x=%g fires", x)
		}
	}
}

// writeMNISTDir writes n synthetic 28×28 images and labels as IDX files.
func writeMNISTDir(t *testing.T, dir string, gz bool, n int) ([]byte, []byte) {
	t.Helper()
	img := make([]byte, n*784)
	lab := make([]byte, n)
	for i := range n {
		lab[i] = byte(i % 10)
		for k := range 784 {
			img[i*784+k] = byte((i*31 + k*7) % 256)
		}
	}
	// Image 0: black with a white square in the centre.
	clear(img[:784])
	for r := 10; r < 18; r++ {
		for q := 10; q < 18; q++ {
			img[r*28+q] = 255
		}
	}
	ib, lb := idxBytes([]int{n, 28, 28}, img), idxBytes([]int{n}, lab)
	ext := ""
	if gz {
		ib, lb, ext = gzipBytes(ib), gzipBytes(lb), ".gz"
	}
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "train-images-idx3-ubyte"+ext), ib, 0o644)
	os.WriteFile(filepath.Join(dir, "train-labels-idx1-ubyte"+ext), lb, 0o644)
	return img, lab
}

func TestMNISTSynthetic(t *testing.T) {
	for _, gz := range []bool{false, true} {
		root := t.TempDir()
		_, lab := writeMNISTDir(t, filepath.Join(root, "mnist"), gz, 30)
		d, err := NewMNIST(MNISTDigits, root, Train, MNISTOptions{CacheDir: "off"})
		if err != nil {
			t.Fatal(err)
		}
		if d.Len() != 30 || d.Inputs() != 256 || d.Window() != 34 || len(d.Classes()) != 10 {
			t.Fatalf("len %d inputs %d window %g", d.Len(), d.Inputs(), d.Window())
		}
		for i := range 30 {
			if d.Label(i) != int(lab[i]) {
				t.Fatalf("label %d", i)
			}
		}
		// Image 0 after cropping is the white square at 8..15 of 24; its
		// 16×16 version is white near the centre and black at the corners.
		im := d.Image(0)
		if im[0] != 0 || im[7*16+7] < 250 || im[8*16+8] < 250 {
			t.Errorf("preprocessed square: corner %d centre %d %d", im[0], im[7*16+7], im[8*16+8])
		}
		// Encoding: one spike per pixel above ϑ_in at the shifted latency.
		s := d.Sample(0)
		shift := 8 * math.Log(1.25)
		n := 0
		for c, p := range im {
			x := float64(p) / 255
			if x <= 0.2 {
				continue
			}
			n++
			tt, _ := LatencyTime(x, 8, 0.2)
			i := slices.IndexFunc(s.Spikes, func(sp Spike) bool { return sp.Channel == c })
			if i < 0 || math.Abs(s.Spikes[i].Time-(tt-shift)) > 1e-12 {
				t.Fatalf("pixel %d (%d): spike %v", c, p, i)
			}
		}
		if n != len(s.Spikes) || n == 0 {
			t.Errorf("%d spikes for %d bright pixels", len(s.Spikes), n)
		}
		for i := 1; i < len(s.Spikes); i++ {
			if s.Spikes[i].Time < s.Spikes[i-1].Time {
				t.Fatal("spikes not sorted by time")
			}
		}
		// The test split is absent: the error names files and digests.
		_, err = NewMNIST(MNISTDigits, root, Test, MNISTOptions{CacheDir: "off"})
		var me *MissingFilesError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), "t10k-images-idx3-ubyte.gz") || !strings.Contains(err.Error(), "9fb629c4189551a2d022fa330f9573f3") {
			t.Errorf("missing test split: %v", err)
		}
	}
}

func TestMNISTValidationSplit(t *testing.T) {
	_, err := Load("mnist", t.TempDir(), Validation)
	var se *SplitError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v", err)
	}
}

func TestMNISTAugment(t *testing.T) {
	root := t.TempDir()
	writeMNISTDir(t, root, true, 10)
	d, err := NewMNIST(MNISTDigits, root, Train, MNISTOptions{CacheDir: "off"})
	if err != nil {
		t.Fatal(err)
	}
	a := d.Augment(3, rand.New(rand.NewPCG(1, 2)))
	b := d.Augment(3, rand.New(rand.NewPCG(1, 2)))
	if !slices.Equal(a.Spikes, b.Spikes) || a.Label != 3 {
		t.Fatal("Augment not deterministic for equal rng state")
	}
	// With the default ±15° some draws change the encoded sample.
	changed := 0
	rng := rand.New(rand.NewPCG(7, 8))
	for range 10 {
		if a := d.Augment(0, rng); !slices.Equal(a.Spikes, d.Sample(0).Spikes) {
			changed++
		}
	}
	if changed < 8 {
		t.Errorf("only %d of 10 rotations changed the sample", changed)
	}
	// With MaxRotation tiny the augmented sample equals the plain one
	// up to 8-bit rounding of nothing: times within 1e-9.
	d2, _ := NewMNIST(MNISTDigits, root, Train, MNISTOptions{CacheDir: "off", MaxRotation: 1e-12})
	p, q := d2.Sample(5), d2.Augment(5, rand.New(rand.NewPCG(3, 4)))
	if len(p.Spikes) != len(q.Spikes) {
		t.Fatalf("%d vs %d spikes", len(p.Spikes), len(q.Spikes))
	}
	byChannel := func(a, b Spike) int { return a.Channel - b.Channel }
	slices.SortFunc(p.Spikes, byChannel)
	slices.SortFunc(q.Spikes, byChannel)
	for i := range p.Spikes {
		if p.Spikes[i].Channel != q.Spikes[i].Channel || math.Abs(p.Spikes[i].Time-q.Spikes[i].Time) > 1e-6 {
			t.Fatalf("spike %d: %v vs %v", i, p.Spikes[i], q.Spikes[i])
		}
	}
}

func TestMNISTDiskCache(t *testing.T) {
	root, cache := t.TempDir(), t.TempDir()
	writeMNISTDir(t, root, true, 20)
	d1, err := NewMNIST(MNISTDigits, root, Train, MNISTOptions{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "mnist16-*.bin"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	fromDisk := readMNISTCache(files[0])
	if fromDisk == nil || !slices.Equal(fromDisk.pixels, d1.arr.pixels) || !slices.Equal(fromDisk.labels, d1.arr.labels) {
		t.Fatal("cache file does not round-trip")
	}
	// A corrupted cache file is ignored, never trusted.
	b, _ := os.ReadFile(files[0])
	b[40] ^= 0xff
	os.WriteFile(files[0], b, 0o644)
	if readMNISTCache(files[0]) != nil {
		t.Fatal("corrupt cache accepted")
	}
	os.WriteFile(files[0], b[:100], 0o644)
	if readMNISTCache(files[0]) != nil {
		t.Fatal("truncated cache accepted")
	}
}

func TestMNISTCorruptFile(t *testing.T) {
	root := t.TempDir()
	writeMNISTDir(t, root, false, 5)
	p := filepath.Join(root, "train-images-idx3-ubyte")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, b[:len(b)-10], 0o644)
	_, err := NewMNIST(MNISTDigits, root, Train, MNISTOptions{CacheDir: "off"})
	var fe *FormatError
	if !errors.As(err, &fe) || fe.File != p || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v", err)
	}
	// Labels swapped for images: wrong type.
	writeMNISTDir(t, root, false, 5)
	lb, _ := os.ReadFile(filepath.Join(root, "train-labels-idx1-ubyte"))
	os.WriteFile(p, lb, 0o644)
	_, err = NewMNIST(MNISTDigits, root, Train, MNISTOptions{CacheDir: "off"})
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "wrong type") {
		t.Fatalf("err = %v", err)
	}
}

// TestMNISTReal checks the shared MNIST files: published digests, payload
// digests, label histograms and the mean pixel.
func TestMNISTReal(t *testing.T) {
	dir := sharedData(t, "mnist")
	rawSHA := map[string]string{
		"train-images-idx3-ubyte": mnistRawSHA256[0], "train-labels-idx1-ubyte": mnistRawSHA256[1],
		"t10k-images-idx3-ubyte": mnistRawSHA256[2], "t10k-labels-idx1-ubyte": mnistRawSHA256[3],
	}
	for _, split := range []Split{Train, Test} {
		for _, f := range mnistFiles[MNISTDigits][split] {
			b, err := os.ReadFile(filepath.Join(dir, f.base+".gz"))
			if err != nil {
				t.Fatal(err)
			}
			if h := sha256.Sum256(b); hex.EncodeToString(h[:]) != f.sha256 {
				t.Errorf("%s: sha256 differs from the published one", f.base)
			}
			x, err := DecodeIDX(b)
			if err != nil {
				t.Fatal(err)
			}
			re := idxBytes(x.Dims, x.Data)
			if h := sha256.Sum256(re); hex.EncodeToString(h[:]) != rawSHA[f.base] {
				t.Errorf("%s: decoded payload digest differs", f.base)
			}
		}
	}
	want := map[Split][]int{
		Train: {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
		Test:  {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
	}
	// Train labels straight from the decoder (decoding 60000 images would
	// cost seconds); test labels through the Dataset.
	lx, err := ReadIDXFile(filepath.Join(dir, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	hist := make([]int, 10)
	for _, y := range lx.Data {
		hist[y]++
	}
	if !slices.Equal(hist, want[Train]) {
		t.Errorf("train histogram %v, want %v", hist, want[Train])
	}
	dt, err := NewMNIST(MNISTDigits, filepath.Dir(dir), Test, MNISTOptions{CacheDir: "off"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ClassCounts(dt); !slices.Equal(got, want[Test]) {
		t.Errorf("test histogram %v, want %v", got, want[Test])
	}
	// Preprocessing: the 24×24 crop of a test image has mean 0.1325·784/576
	// = 0.1804 when the border is black; resampling keeps the mean within a
	// few percent. The digest pins the exact output (bump preprocessVersion
	// in cache.go whenever it must change).
	d, err := NewMNIST(MNISTDigits, dir, Test, MNISTOptions{CacheDir: "off"})
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, p := range d.arr.pixels {
		sum += float64(p) / 255
	}
	if mean := sum / float64(len(d.arr.pixels)); math.Abs(mean/0.1804-1) > 0.05 {
		t.Errorf("mean 16×16 pixel %g, want ≈ 0.1804", mean)
	}
	if h := sha256.Sum256(d.arr.pixels); hex.EncodeToString(h[:]) != "fe1c18694b77996ba92cc76111ed2e6101f86b22b3dfd94b680da923a67219ef" {
		t.Errorf("preprocessed test images changed: sha256 %x", h)
	}
	// Fashion-MNIST pointed at MNIST's files refuses them.
	_, err = NewMNIST(FashionMNIST, dir, Test, MNISTOptions{CacheDir: "off"})
	if err == nil || !strings.Contains(err.Error(), "MNIST's digit files") {
		t.Errorf("fashion on mnist files: %v", err)
	}
}

// Fashion-MNIST is scaled 28→16 without the crop: a frame of white pixels
// in the outer 2 pixels vanishes from MNIST's 16×16 image but not from
// Fashion-MNIST's.
func TestFashionMNISTNoCrop(t *testing.T) {
	img := make([]byte, 784)
	for r := range 28 {
		for q := range 28 {
			if r < 2 || q < 2 || r >= 26 || q >= 26 {
				img[r*28+q] = 255
			}
		}
	}
	root := t.TempDir()
	for _, sub := range []string{"mnist", "fashion-mnist"} {
		dir := filepath.Join(root, sub)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "t10k-images-idx3-ubyte"), idxBytes([]int{1, 28, 28}, img), 0o644)
		os.WriteFile(filepath.Join(dir, "t10k-labels-idx1-ubyte"), idxBytes([]int{1}, []byte{9}), 0o644)
	}
	m, err := NewMNIST(MNISTDigits, root, Test, MNISTOptions{CacheDir: "off"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewMNIST(FashionMNIST, root, Test, MNISTOptions{CacheDir: "off"})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Sample(0); len(s.Spikes) != 0 {
		t.Errorf("MNIST kept %d spikes of the cropped frame", len(s.Spikes))
	}
	if im := f.Image(0); im[0] != 255 || im[15*16+15] != 255 || im[8*16+8] != 0 {
		t.Errorf("Fashion corners %d %d centre %d", im[0], im[255], im[8*16+8])
	}
	if f.Classes()[9] != "Ankle boot" || f.Name() != "fashion-mnist" || f.Sample(0).Label != 9 {
		t.Errorf("classes %v", f.Classes())
	}
}

// An image file with no images is refused, not trained on.
func TestMNISTEmptySplitRefused(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "t10k-images-idx3-ubyte"), idxBytes([]int{0, 28, 28}, nil), 0o644)
	os.WriteFile(filepath.Join(root, "t10k-labels-idx1-ubyte"), idxBytes([]int{0}, nil), 0o644)
	_, err := NewMNIST(MNISTDigits, root, Test, MNISTOptions{CacheDir: "off"})
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "holds no images") {
		t.Fatalf("empty split: %v", err)
	}
}

// A cache file with a valid digest is still checked field by field: a
// label out of range makes it a miss (the sources are decoded again).
func TestMNISTCacheFieldsChecked(t *testing.T) {
	file := filepath.Join(t.TempDir(), "mnist16-x.bin")
	good := &mnistArrays{labels: []uint8{3, 9}, pixels: make([]uint8, 2*Side*Side)}
	if err := writeMNISTCache(file, good); err != nil {
		t.Fatal(err)
	}
	if readMNISTCache(file) == nil {
		t.Fatal("a good cache file refused")
	}
	for _, bad := range []*mnistArrays{
		{labels: []uint8{3, 200}, pixels: make([]uint8, 2*Side*Side)},
		{labels: []uint8{}, pixels: nil},
	} {
		if err := writeMNISTCache(file, bad); err != nil {
			t.Fatal(err)
		}
		if a := readMNISTCache(file); a != nil {
			t.Errorf("cache with labels %v accepted", bad.labels)
		}
	}
}

// MNIST's train and test files swapped are refused, naming the file.
func TestMNISTSwappedSplitsRefused(t *testing.T) {
	src := sharedData(t, "mnist")
	root := t.TempDir()
	for from, to := range map[string]string{
		"train-images-idx3-ubyte.gz": "t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz": "train-images-idx3-ubyte.gz",
		"train-labels-idx1-ubyte.gz": "t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz": "train-labels-idx1-ubyte.gz",
	} {
		if err := os.Symlink(filepath.Join(src, from), filepath.Join(root, to)); err != nil {
			t.Fatal(err)
		}
	}
	for _, split := range []Split{Train, Test} {
		_, err := NewMNIST(MNISTDigits, root, split, MNISTOptions{CacheDir: "off"})
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "train and test files swapped") {
			t.Errorf("%s split from swapped files: %v", split, err)
		}
	}
}

// A cache file whose digest is valid but whose sample count is not the
// sources' is not used: the sources are decoded again.
func TestMNISTCacheCountChecked(t *testing.T) {
	forget := func() {
		mnistMemo.Lock()
		clear(mnistMemo.byStat)
		clear(mnistMemo.byDigest)
		mnistMemo.Unlock()
	}
	forget()
	root, cache := t.TempDir(), t.TempDir()
	writeMNISTDir(t, root, true, 20)
	if _, err := NewMNIST(MNISTDigits, root, Train, MNISTOptions{CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "mnist16-*.bin"))
	a := readMNISTCache(files[0])
	short := &mnistArrays{labels: a.labels[:5], pixels: a.pixels[:5*Side*Side]}
	if err := writeMNISTCache(files[0], short); err != nil {
		t.Fatal(err)
	}
	forget()
	d, err := NewMNIST(MNISTDigits, root, Train, MNISTOptions{CacheDir: cache})
	if err != nil || d.Len() != 20 {
		t.Fatalf("from a cache of 5 samples for 20: len %d, %v", d.Len(), err)
	}
	if n := idxCount(idxBytes([]int{7, 28, 28}, make([]byte, 7*784))); n != 7 {
		t.Errorf("idxCount raw = %d", n)
	}
}
