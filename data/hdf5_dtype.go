package data

import (
	"encoding/binary"
	"io"
)

// The HDF5 reader returns variable-length sequences as raw bytes without
// their element type. vlenBaseType finds it in the dataset's object header:
// the datatype message (type 3) of class 9 (variable length) carries the
// base type's class (0 integer, 1 float) and size in bytes. Only the first
// header chunk is searched; ok is false when the message is not there, and
// the caller then infers the widths from the data.
func vlenBaseType(r io.ReaderAt, addr uint64) (class, size int, ok bool) {
	buf := make([]byte, 4096)
	n, _ := r.ReadAt(buf, int64(addr&(1<<62-1)))
	buf = buf[:n]
	var msgs []byte // the first chunk's messages
	var v2, orderField bool
	switch {
	case n >= 6 && string(buf[:4]) == "OHDR" && buf[4] == 2:
		flags := buf[5]
		p := 6
		if flags&0x20 != 0 {
			p += 16 // access, modification, change, birth times
		}
		if flags&0x10 != 0 {
			p += 4 // attribute phase change values
		}
		w := 1 << (flags & 3)
		if p+w > n {
			return 0, 0, false
		}
		var chunk uint64
		for i := range w {
			chunk |= uint64(buf[p+i]) << (8 * i)
		}
		p += w
		msgs = buf[p:min(uint64(n), uint64(p)+chunk)]
		v2, orderField = true, flags&0x04 != 0
	case n >= 16 && buf[0] == 1:
		size := uint64(binary.LittleEndian.Uint32(buf[8:]))
		msgs = buf[16:min(uint64(n), 16+size)]
	default:
		return 0, 0, false
	}
	for p := 0; ; {
		var typ, sz int
		if v2 {
			if p+4 > len(msgs) {
				return 0, 0, false
			}
			typ, sz = int(msgs[p]), int(binary.LittleEndian.Uint16(msgs[p+1:]))
			p += 4
			if orderField {
				p += 2
			}
		} else {
			if p+8 > len(msgs) {
				return 0, 0, false
			}
			typ, sz = int(binary.LittleEndian.Uint16(msgs[p:])), int(binary.LittleEndian.Uint16(msgs[p+2:]))
			p += 8
		}
		if p+sz > len(msgs) {
			return 0, 0, false
		}
		if typ == 3 {
			d := msgs[p : p+sz]
			if len(d) < 16 || d[0]&0x0f != 9 || d[1]&0x0f != 0 {
				return 0, 0, false // not a VLEN sequence
			}
			base := d[8:]
			return int(base[0] & 0x0f), int(binary.LittleEndian.Uint32(base[4:])), true
		}
		p += sz
	}
}
