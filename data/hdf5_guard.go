package data

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
)

// The pure-Go HDF5 reader trusts some size fields of the file and allocates
// them before reading; a hostile file claiming terabytes would crash the
// process (an out-of-memory failure cannot be recovered). These checks bound
// the claims the reader acts on by the file's real length before it is
// called: every global and local heap, and each dataset's element count ×
// element size. They cover the faults fuzzing found, not every field.

// heapSignatures are the heap headers whose size field the reader
// allocates: a global heap collection ("GCOL", version 1) and a local heap
// ("HEAP", version 0), both with the size 8 bytes after the signature.
var heapSignatures = [][]byte{[]byte("GCOL\x01"), []byte("HEAP\x00")}

// checkHeaps scans f for heap headers and rejects any whose size field
// reaches past the end of the file. The field is read as 2, 4 and 8 bytes
// (the file's length size is not known here); a valid file passes all
// three, since a truncated reading of a valid size is never larger.
func checkHeaps(f *os.File, size int64) error {
	const chunk, keep = 1 << 20, 16
	buf := make([]byte, chunk+keep)
	var base int64 // file offset of buf[0]
	n := 0         // valid bytes in buf
	for {
		m, err := f.ReadAt(buf[n:], base+int64(n))
		n += m
		for _, sig := range heapSignatures {
			for i := 0; ; i++ {
				j := bytes.Index(buf[i:n], sig)
				if j < 0 {
					break
				}
				i += j
				if i+16 > n {
					break // seen whole in the next round, or cut off by EOF
				}
				pos := base + int64(i)
				rest := uint64(size - pos)
				s2 := uint64(binary.LittleEndian.Uint16(buf[i+8:]))
				s4 := uint64(binary.LittleEndian.Uint32(buf[i+8:]))
				s8 := binary.LittleEndian.Uint64(buf[i+8:])
				if s2 > rest || s4 > rest || s8 > rest {
					return fmt.Errorf("corrupt HDF5 file: %q heap at byte %d claims %d bytes, only %d remain", sig[:4], pos, max(s2, s4, s8), rest)
				}
			}
		}
		if err == io.EOF || m == 0 {
			return nil
		}
		if err != nil {
			return err
		}
		// Keep the last bytes so a header across the boundary is seen whole.
		k := min(keep, n)
		copy(buf, buf[n-k:n])
		base += int64(n - k)
		n = k
	}
}

var (
	infoDims = regexp.MustCompile(`(\d+)D array (?:\[([0-9 x]+)\]|\[([0-9 ]*)\])`)
	infoSize = regexp.MustCompile(`size=(\d+) bytes`)
	digits   = regexp.MustCompile(`\d+`)
)

// checkDatasetInfo bounds a dataset's element count × element size (as the
// reader's Info reports them) by the file size; a contiguous dataset must
// fit in the file, and no SHD dataset is larger.
func checkDatasetInfo(name, info string, fileSize int64) error {
	total := uint64(1)
	if m := infoDims.FindStringSubmatch(info); m != nil {
		dims := m[2] + m[3]
		for _, f := range digits.FindAllString(dims, -1) {
			d, err := strconv.ParseUint(f, 10, 64)
			if err != nil {
				return fmt.Errorf("dataset %s: dimension %s unreadable", name, f)
			}
			if d != 0 && total > uint64(fileSize)/d {
				return fmt.Errorf("dataset %s claims more elements than the file can hold (%s)", name, info)
			}
			total *= d
		}
	}
	if m := infoSize.FindStringSubmatch(info); m != nil {
		s, _ := strconv.ParseUint(m[1], 10, 64)
		if s != 0 && total > uint64(fileSize)/s {
			return fmt.Errorf("dataset %s claims %d elements of %d bytes, more than the file's %d bytes", name, total, s, fileSize)
		}
	}
	return nil
}
