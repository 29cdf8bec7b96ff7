package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// idxBytes builds an unsigned-byte IDX file with the given dims and data.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestDecodeIDX(t *testing.T) {
	data := []byte{1, 2, 3, 4, 5, 6}
	raw := idxBytes([]int{2, 3}, data)
	for name, in := range map[string][]byte{"raw": raw, "gzip": gzipBytes(raw)} {
		x, err := DecodeIDX(in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(x.Dims, []int{2, 3}) || !bytes.Equal(x.Data, data) {
			t.Errorf("%s: got %v %v", name, x.Dims, x.Data)
		}
	}
}

func TestDecodeIDXFaults(t *testing.T) {
	huge := idxBytes([]int{1 << 20, 1 << 20}, nil)
	cases := map[string]struct {
		in    []byte
		fault string
	}{
		"empty":        {nil, "truncated"},
		"magic":        {[]byte{1, 2, 8, 1, 0, 0, 0, 0}, "not an IDX file"},
		"type":         {[]byte{0, 0, 0x0d, 1, 0, 0, 0, 0}, "element type 0x0d"},
		"rank0":        {[]byte{0, 0, 8, 0}, "rank 0"},
		"rank9":        {[]byte{0, 0, 8, 9}, "rank 9"},
		"short header": {[]byte{0, 0, 8, 2, 0, 0, 0, 1}, "truncated header"},
		"truncated":    {idxBytes([]int{2, 3}, []byte{1, 2}), "truncated: dimensions [2 3] need 6"},
		"trailing":     {idxBytes([]int{2}, []byte{1, 2, 3}), "trailing data"},
		"huge":         {huge, "exceed"},
		"gzip huge":    {gzipBytes(huge), "exceed"},
		"gzip cut":     {gzipBytes(idxBytes([]int{100}, make([]byte, 100)))[:20], "corrupt gzip"},
		"gzip header":  {[]byte{0x1f, 0x8b, 1}, "gzip"},
	}
	for name, c := range cases {
		_, err := DecodeIDX(c.in)
		if err == nil || !strings.Contains(err.Error(), c.fault) {
			t.Errorf("%s: err = %v, want %q", name, err, c.fault)
		}
	}
	// A file error names the file.
	p := filepath.Join(t.TempDir(), "bad.idx")
	os.WriteFile(p, []byte{9, 9, 9, 9}, 0o644)
	_, err := ReadIDXFile(p)
	var fe *FormatError
	if !errors.As(err, &fe) || fe.File != p {
		t.Errorf("ReadIDXFile: %v", err)
	}
}

// FuzzIDX checks that no input panics the decoder or makes it allocate
// beyond what the input can justify. Seeds are in testdata/fuzz/FuzzIDX.
func FuzzIDX(f *testing.F) {
	f.Add(idxBytes([]int{2, 2}, []byte{1, 2, 3, 4}))
	f.Add(gzipBytes(idxBytes([]int{3}, []byte{7, 8, 9})))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := DecodeIDX(b)
		if err != nil {
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if n != len(x.Data) {
			t.Fatalf("dims %v but %d bytes", x.Dims, len(x.Data))
		}
	})
}
