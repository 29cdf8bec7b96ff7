package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// IDX is a decoded IDX array of unsigned bytes (type code 0x08), the format
// of the MNIST and Fashion-MNIST files: 2 zero bytes, a type byte, a rank
// byte, rank big-endian uint32 sizes, then the row-major data.
type IDX struct {
	Dims []int
	Data []byte // len = product of Dims
}

// Limits that keep hostile headers from causing huge allocations: the
// payload may not exceed maxIDXBytes, and a gzip stream may not inflate by
// more than deflate's maximum ratio (≈1032:1).
const (
	maxIDXBytes    = 1 << 30
	maxIDXRank     = 4
	maxInflateRate = 1100
)

// idxFault is a decoding fault; ReadIDXFile wraps it in a *FormatError.
type idxFault string

func (f idxFault) Error() string { return string(f) }

// DecodeIDX decodes an IDX file's bytes, gzip-compressed or raw (detected by
// the gzip magic). Allocation is bounded by the input: a header promising
// more data than present is an error, not an allocation.
func DecodeIDX(b []byte) (*IDX, error) {
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, idxFault("bad gzip header: " + err.Error())
		}
		limit := int64(len(b))*maxInflateRate + 1024
		limit = min(limit, maxIDXBytes+4+4*maxIDXRank+1)
		var buf bytes.Buffer
		// The gzip trailer holds the payload size mod 2³²: a hint to size
		// the buffer once, trusted only up to the limit.
		if len(b) >= 18 {
			if hint := int64(binary.LittleEndian.Uint32(b[len(b)-4:])); hint < limit {
				buf.Grow(int(hint) + bytes.MinRead)
			}
		}
		if _, err := buf.ReadFrom(io.LimitReader(zr, limit)); err != nil {
			return nil, idxFault("corrupt gzip stream: " + err.Error())
		}
		if int64(buf.Len()) == limit {
			return nil, idxFault(fmt.Sprintf("gzip stream inflates beyond %d bytes", limit-1))
		}
		b = buf.Bytes()
	}
	return decodeRawIDX(b)
}

func decodeRawIDX(b []byte) (*IDX, error) {
	if len(b) < 4 {
		return nil, idxFault(fmt.Sprintf("truncated: %d bytes, shorter than the 4-byte magic", len(b)))
	}
	if b[0] != 0 || b[1] != 0 {
		return nil, idxFault(fmt.Sprintf("not an IDX file: magic %02x%02x%02x%02x does not start with two zero bytes", b[0], b[1], b[2], b[3]))
	}
	if b[2] != 0x08 {
		return nil, idxFault(fmt.Sprintf("IDX element type 0x%02x not supported (accepted: 0x08 unsigned byte)", b[2]))
	}
	rank := int(b[3])
	if rank < 1 || rank > maxIDXRank {
		return nil, idxFault(fmt.Sprintf("IDX rank %d not supported (accepted: 1..%d)", rank, maxIDXRank))
	}
	head := 4 + 4*rank
	if len(b) < head {
		return nil, idxFault(fmt.Sprintf("truncated header: %d bytes, need %d", len(b), head))
	}
	dims := make([]int, rank)
	size := int64(1)
	for i := range dims {
		d := int64(binary.BigEndian.Uint32(b[4+4*i:]))
		dims[i] = int(d)
		size *= d
		if size > maxIDXBytes {
			return nil, idxFault(fmt.Sprintf("dimensions %v exceed the %d-byte limit", dims[:i+1], maxIDXBytes))
		}
	}
	if have := int64(len(b) - head); have != size {
		what := "truncated"
		if have > size {
			what = "trailing data"
		}
		return nil, idxFault(fmt.Sprintf("%s: dimensions %v need %d data bytes, file has %d", what, dims, size, have))
	}
	return &IDX{Dims: dims, Data: b[head:]}, nil
}

// ReadIDXFile reads and decodes one IDX file (gzip or raw). Faults come back
// as *FormatError naming the file.
func ReadIDXFile(path string) (*IDX, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	x, err := DecodeIDX(b)
	if err != nil {
		return nil, &FormatError{File: path, Fault: err.Error()}
	}
	return x, nil
}
