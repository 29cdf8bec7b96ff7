package h5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestDecodeEncoded(t *testing.T) {
	want := sampleTree()
	b, err := Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	// The reader returns members in the file's (name) order.
	if !sameTree(t, "/", got, want) {
		t.Fatal("decoded tree differs")
	}
}

// sameTree compares members by name, datasets and attributes by value.
func sameTree(t *testing.T, path string, got, want *Group) bool {
	ok := true
	if len(got.Members) != len(want.Members) {
		t.Errorf("%s: %d members, want %d", path, len(got.Members), len(want.Members))
		ok = false
	}
	if !sameAttrs(t, path, got.Attrs, want.Attrs) {
		ok = false
	}
	for _, m := range want.Members {
		p := join(path, m.Name)
		switch {
		case m.Group != nil:
			g := got.Sub(m.Name)
			if g == nil {
				t.Errorf("%s: missing group", p)
				ok = false
			} else if !sameTree(t, p, g, m.Group) {
				ok = false
			}
		default:
			d := got.Get(m.Name)
			if d == nil {
				t.Errorf("%s: missing dataset", p)
				ok = false
				continue
			}
			if !sameValue(d.Value, m.Dataset.Value) {
				t.Errorf("%s: %+v, want %+v", p, d.Value, m.Dataset.Value)
				ok = false
			}
			if !sameAttrs(t, p, d.Attrs, m.Dataset.Attrs) {
				ok = false
			}
		}
	}
	return ok
}

func sameAttrs(t *testing.T, path string, got, want []Attr) bool {
	if len(got) != len(want) {
		t.Errorf("%s: %d attributes, want %d", path, len(got), len(want))
		return false
	}
	for _, a := range want {
		v, ok := findAttr(got, a.Name)
		if !ok || !sameValue(v, a.Value) {
			t.Errorf("%s@%s: %+v, want %+v", path, a.Name, v, a.Value)
			return false
		}
	}
	return true
}

func sameValue(a, b Value) bool {
	if a.Kind != b.Kind || a.Len() != b.Len() || len(a.Shape) != len(b.Shape) {
		return false
	}
	for i := range a.Shape {
		if a.Shape[i] != b.Shape[i] {
			return false
		}
	}
	switch a.Kind {
	case Float32:
		for i := range a.F32 {
			if math.Float32bits(a.F32[i]) != math.Float32bits(b.F32[i]) {
				return false
			}
		}
		return true
	case Float64:
		for i := range a.F64 {
			if math.Float64bits(a.F64[i]) != math.Float64bits(b.F64[i]) {
				return false
			}
		}
		return true
	case Int64:
		return reflect.DeepEqual(append([]int64{}, a.I64...), append([]int64{}, b.I64...))
	}
	return reflect.DeepEqual(append([]string{}, a.Str...), append([]string{}, b.Str...))
}

// nirSamples is the folder of NIR sample files: $INLOOP_SHARED/data/nir,
// or ../shared/data/nir next to the module root (see the README's "Tests").
func nirSamples() string {
	if s := os.Getenv("INLOOP_SHARED"); s != "" {
		return filepath.Join(s, "data", "nir")
	}
	return filepath.Join("..", "..", "..", "shared", "data", "nir")
}

func sampleFiles(t *testing.T) []string {
	fs, _ := filepath.Glob(filepath.Join(nirSamples(), "*.nir"))
	if len(fs) == 0 {
		t.Skip("NIR samples absent: " + nirSamples())
	}
	return fs
}

// TestDecodeMatchesH5py reads the NIR sample files (written by h5py and the
// HDF5 C library, chunked and gzip-compressed) and compares every dataset
// and attribute with h5py's reading of them.
func TestDecodeMatchesH5py(t *testing.T) {
	files := sampleFiles(t)
	py := python(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			g, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			ref := h5pyDump(t, py, f)
			seen := 0
			var walk func(path string, g *Group)
			walk = func(path string, g *Group) {
				for _, a := range g.Attrs {
					compareDump(t, path+"@"+a.Name, a.Value, ref)
					seen++
				}
				for _, m := range g.Members {
					p := join(path, m.Name)
					if m.Group != nil {
						walk(p, m.Group)
					} else {
						compareDump(t, p, m.Dataset.Value, ref)
						seen++
					}
					seen++
				}
			}
			walk("/", g)
			if seen < len(ref) {
				t.Errorf("read %d objects, h5py %d", seen, len(ref))
			}
		})
	}
}

func compareDump(t *testing.T, path string, v Value, ref map[string]dumped) {
	t.Helper()
	r, ok := ref[path]
	if !ok {
		t.Errorf("%s: not in h5py's view", path)
		return
	}
	shape := v.Shape
	if shape == nil {
		shape = []int{}
	}
	if !reflect.DeepEqual(shape, r.Shape) || len(r.Value) != v.Len() {
		t.Errorf("%s: shape %v (%d values), h5py %v (%d)", path, v.Shape, v.Len(), r.Shape, len(r.Value))
		return
	}
	for i, x := range r.Value {
		var got any
		switch v.Kind {
		case Float32:
			got = strconv.FormatFloat(float64(v.F32[i]), 'g', -1, 64)
			x = canon(x.(string))
		case Float64:
			got = strconv.FormatFloat(v.F64[i], 'g', -1, 64)
			x = canon(x.(string))
		case Int64:
			got = float64(v.I64[i])
		case String:
			got = v.Str[i]
		}
		if got != x {
			t.Errorf("%s[%d] = %v, h5py %v", path, i, got, x)
			return
		}
	}
}

// canon rewrites Python's repr of a float in Go's shortest form.
func canon(s string) string {
	f, _ := strconv.ParseFloat(s, 64)
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// TestDecodeRefusesCorrupt: truncations and byte flips of a valid file give
// a *FormatError or a tree, never a panic (the fuzz test goes further).
func TestDecodeRefusesCorrupt(t *testing.T) {
	b, err := Encode(sampleTree())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 7, 8, 50, 96, 200, len(b) / 2, len(b) - 1} {
		_, err := Decode(b[:n])
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("truncated to %d bytes: %v, want a FormatError", n, err)
		}
	}
	if _, err := Decode([]byte("not hdf5 at all")); err == nil || err.Error() != "HDF5: not an HDF5 file (no signature)" {
		t.Errorf("text file: %v", err)
	}
}

// TestDecodeLimits: a file asking for more than the limits is refused.
func TestDecodeLimits(t *testing.T) {
	b, err := Encode(sampleTree())
	if err != nil {
		t.Fatal(err)
	}
	for _, lim := range []Limits{
		{MaxDecoded: 64, MaxObjects: 1 << 10, MaxDepth: 8},
		{MaxDecoded: 1 << 20, MaxObjects: 10, MaxDepth: 8},
		{MaxDecoded: 1 << 20, MaxObjects: 1 << 10, MaxDepth: 1},
	} {
		if _, err := DecodeLimits(b, lim); err == nil {
			t.Errorf("limits %+v: no error", lim)
		}
	}
}

// TestDecodeMutations: thousands of randomly corrupted files (1–4 bytes
// replaced, or cut short) give a FormatError or a tree, never a panic, within
// the limits (the fuzz test explores further when run with -fuzz).
func TestDecodeMutations(t *testing.T) {
	b, err := Encode(sampleTree())
	if err != nil {
		t.Fatal(err)
	}
	lim := Limits{MaxDecoded: 1 << 22, MaxObjects: 1 << 12, MaxDepth: 16}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 5000 {
		c := append([]byte(nil), b...)
		for range 1 + rng.IntN(4) {
			c[rng.IntN(len(c))] = byte(rng.IntN(256))
		}
		if i%10 == 0 {
			c = c[:rng.IntN(len(c))]
		}
		if _, err := DecodeLimits(c, lim); err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("input %d: error %v (%T)", i, err, err)
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	b, err := Encode(sampleTree())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	fs, _ := filepath.Glob(filepath.Join(nirSamples(), "*.nir"))
	for _, p := range fs {
		if s, err := os.ReadFile(p); err == nil {
			f.Add(s)
		}
	}
	lim := Limits{MaxDecoded: 1 << 22, MaxObjects: 1 << 12, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := DecodeLimits(b, lim)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a FormatError", err, err)
			}
			return
		}
		if g == nil {
			t.Fatal("nil group without error")
		}
	})
}

// TestDecodeBoundsClaims: a small file claiming a large dataset (here an
// unwritten one, which reads as zeros) is refused, not allocated.
func TestDecodeBoundsClaims(t *testing.T) {
	root := &Group{}
	root.Put("x", F32s([]int{4}, []float32{1, 2, 3, 4}))
	b, err := Encode(root)
	if err != nil {
		t.Fatal(err)
	}
	// Point the layout at no storage and make the dataspace claim 2^28
	// elements: the dimension is the 8 bytes after the dataspace header.
	i := bytes.Index(b, []byte{1, 1, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0})
	j := bytes.Index(b, []byte{3, 1})
	if i < 0 || j < 0 {
		t.Fatal("dataspace or layout message not found")
	}
	binary.LittleEndian.PutUint64(b[i+8:], 1<<28)
	binary.LittleEndian.PutUint64(b[j+2:], undef)
	_, err = Decode(b)
	if err == nil || !strings.Contains(err.Error(), "the reader's limit") {
		t.Fatalf("got %v, want the limit refusal", err)
	}
}
