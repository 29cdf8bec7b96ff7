package data

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// readNPY reads a little-endian .npy v1/v2 array of '<f8' or '<i8' as
// float64 values with its shape (test helper for the Yin-Yang reference).
func readNPY(path string) (vals []float64, shape []int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" {
		return nil, nil, fmt.Errorf("%s: not an npy file", path)
	}
	var hlen, off int
	switch b[6] {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:])), 10
	case 2, 3:
		hlen, off = int(binary.LittleEndian.Uint32(b[8:])), 12
	default:
		return nil, nil, fmt.Errorf("%s: npy version %d", path, b[6])
	}
	if off+hlen > len(b) {
		return nil, nil, fmt.Errorf("%s: truncated header", path)
	}
	h := string(b[off : off+hlen])
	descr := regexp.MustCompile(`'descr':\s*'([^']*)'`).FindStringSubmatch(h)
	shp := regexp.MustCompile(`'shape':\s*\(([^)]*)\)`).FindStringSubmatch(h)
	if descr == nil || shp == nil || strings.Contains(h, "'fortran_order': True") {
		return nil, nil, fmt.Errorf("%s: unsupported header %q", path, h)
	}
	n := 1
	for _, s := range strings.Split(shp[1], ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		d, err := strconv.Atoi(s)
		if err != nil {
			return nil, nil, err
		}
		shape = append(shape, d)
		n *= d
	}
	body := b[off+hlen:]
	if len(body) != 8*n {
		return nil, nil, fmt.Errorf("%s: %d data bytes for %d elements", path, len(body), n)
	}
	vals = make([]float64, n)
	for i := range vals {
		u := binary.LittleEndian.Uint64(body[8*i:])
		switch descr[1] {
		case "<f8":
			vals[i] = math.Float64frombits(u)
		case "<i8":
			vals[i] = float64(int64(u))
		default:
			return nil, nil, fmt.Errorf("%s: dtype %s", path, descr[1])
		}
	}
	return vals, shape, nil
}
