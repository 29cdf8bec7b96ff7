package data

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/scigolib/hdf5"
)

// TestWriteFuzzSeeds regenerates the fuzz seed corpora in testdata/fuzz
// when INLOOP_WRITE_SEEDS=1; otherwise it only checks they exist.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("INLOOP_WRITE_SEEDS") != "1" {
		for _, d := range []string{"FuzzIDX", "FuzzSHD", "FuzzSHDFile"} {
			if m, _ := filepath.Glob(filepath.Join("testdata", "fuzz", d, "*")); len(m) == 0 {
				t.Errorf("no seeds in testdata/fuzz/%s", d)
			}
		}
		return
	}
	write := func(fuzz, name string, args ...any) {
		dir := filepath.Join("testdata", "fuzz", fuzz)
		os.MkdirAll(dir, 0o755)
		s := "go test fuzz v1\n"
		for _, a := range args {
			switch v := a.(type) {
			case []byte:
				s += fmt.Sprintf("[]byte(%q)\n", v)
			case uint8:
				s += fmt.Sprintf("byte(%q)\n", v)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img := make([]byte, 2*28*28)
	for i := range img {
		img[i] = byte(i)
	}
	write("FuzzIDX", "images_raw", idxBytes([]int{2, 28, 28}, img))
	write("FuzzIDX", "images_gzip", gzipBytes(idxBytes([]int{2, 28, 28}, img)))
	write("FuzzIDX", "labels_raw", idxBytes([]int{4}, []byte{0, 1, 9, 3}))
	write("FuzzIDX", "huge_dims", idxBytes([]int{1 << 30, 1 << 30, 1 << 30}, nil))
	write("FuzzSHD", "half_uint16", []byte{0x66, 0x22, 0x66, 0x26, 0, 0, 97, 0}, uint8(4), uint8(4))
	write("FuzzSHD", "float32_uint32", []byte{0, 0, 0, 0x3f, 0, 0, 0x80, 0x3e, 70, 0, 0, 0, 79, 0, 0, 0}, uint8(8), uint8(8))
	for _, typ := range []hdf5.Datatype{hdf5.VLenFloat32, hdf5.VLenUint8} {
		p := filepath.Join(t.TempDir(), "shd.h5")
		writeSHD(t, p, [][]float64{{0.5, 0.25}, {}}, [][]int{{70, 79}, {}}, []int{1, 2}, typ)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		write("FuzzSHDFile", fmt.Sprintf("written_%d", typ), b)
	}
}
