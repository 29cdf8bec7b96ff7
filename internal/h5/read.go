package h5

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
)

// Limits bound what a file may make Decode do.
type Limits struct {
	MaxDecoded int64 // bytes of decoded elements and strings over the whole file
	MaxObjects int   // groups, datasets and attributes
	MaxDepth   int   // nesting of groups
}

// DefaultLimits suit NIR graphs and observables recorded by inloop.
var DefaultLimits = Limits{MaxDecoded: 1 << 28, MaxObjects: 1 << 16, MaxDepth: 32}

// FormatError is a file Decode cannot read: corrupt, or using HDF5
// features outside the subset this package reads.
type FormatError struct {
	Path  string // object inside the file, "" for the file itself
	Fault string
}

func (e *FormatError) Error() string {
	if e.Path == "" {
		return "HDF5: " + e.Fault
	}
	return "HDF5 " + e.Path + ": " + e.Fault
}

// Decode reads the whole tree of an HDF5 file held in b, within
// DefaultLimits and, since deflate expands data at most 1032-fold, within
// 1100 decoded bytes per byte of the file (plus 1 MiB): a small file cannot
// claim a large allocation.
func Decode(b []byte) (*Group, error) {
	lim := DefaultLimits
	lim.MaxDecoded = min(lim.MaxDecoded, 1100*int64(len(b))+1<<20)
	return DecodeLimits(b, lim)
}

// DecodeLimits reads the whole tree of an HDF5 file held in b. It reads
// superblock versions 0 and 1 with 8-byte addresses and lengths, version 1
// object headers, symbol-table and compact link groups, contiguous,
// compact and chunked (deflate, shuffle, Fletcher-32) datasets of fixed-point,
// floating-point and string elements, and their attributes; anything else
// is a *FormatError naming the object and the feature.
func DecodeLimits(b []byte, lim Limits) (g *Group, err error) {
	r := &reader{b: b, lim: lim, budget: lim.MaxDecoded, gheaps: map[uint64]map[uint16][]byte{}}
	if err := r.superblock(); err != nil {
		return nil, err
	}
	return r.group("/", r.rootAddr, 0, map[uint64]bool{})
}

type reader struct {
	b        []byte
	base     uint64 // base address: addresses in the file are relative to it
	rootAddr uint64
	lim      Limits
	budget   int64
	objects  int
	gheaps   map[uint64]map[uint16][]byte
}

func bad(path, format string, a ...any) error {
	return &FormatError{Path: path, Fault: fmt.Sprintf(format, a...)}
}

// at returns n bytes at file address addr.
func (r *reader) at(path string, addr, n uint64) ([]byte, error) {
	if addr == undef {
		return nil, bad(path, "undefined address")
	}
	a := addr + r.base
	if a < addr || a > uint64(len(r.b)) || n > uint64(len(r.b))-a {
		return nil, bad(path, "%d bytes at address %d reach past the end of the file (%d bytes)", n, addr, len(r.b))
	}
	return r.b[a : a+n], nil
}

func (r *reader) spend(path string, n uint64) error {
	if n > uint64(r.budget) {
		return bad(path, "more than %d bytes of data (the reader's limit)", r.lim.MaxDecoded)
	}
	r.budget -= int64(n)
	return nil
}

func (r *reader) superblock() error {
	// The superblock is at 0 or, after a user block, at 512, 1024, 2048, ...
	at := -1
	for p := 0; p+8 <= len(r.b); p = max(512, 2*p) {
		if bytes.Equal(r.b[p:p+8], signature) {
			at = p
			break
		}
	}
	if at < 0 {
		return bad("", "not an HDF5 file (no signature)")
	}
	s := r.b[at:]
	if len(s) < 24 {
		return bad("", "superblock truncated")
	}
	ver := s[8]
	if ver > 1 {
		return bad("", "superblock version %d not supported (this reader takes versions 0 and 1, the default of h5py and the HDF5 C library)", ver)
	}
	if s[13] != 8 || s[14] != 8 {
		return bad("", "%d-byte addresses and %d-byte lengths not supported (8 and 8 are)", s[13], s[14])
	}
	p := 24
	if ver == 1 {
		p += 4
	}
	if len(s) < p+32+40 {
		return bad("", "superblock truncated")
	}
	r.base = le.Uint64(s[p:])
	if r.base != uint64(at) && r.base != 0 {
		return bad("", "base address %d does not match the superblock's position %d", r.base, at)
	}
	r.base = uint64(at)
	r.rootAddr = le.Uint64(s[p+32+8:])
	return nil
}

type msg struct {
	typ  uint16
	data []byte
}

// header reads the messages of the version 1 object header at addr,
// following continuation blocks.
func (r *reader) header(path string, addr uint64) ([]msg, error) {
	h, err := r.at(path, addr, 16)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(h[:4], []byte("OHDR")) {
		return nil, bad(path, "version 2 object header not supported (written with libver='latest'; this reader takes version 1, the default)")
	}
	if h[0] != 1 {
		return nil, bad(path, "object header version %d not supported", h[0])
	}
	nmsgs := int(le.Uint16(h[2:]))
	type block struct{ addr, size uint64 }
	blocks := []block{{addr + 16, uint64(le.Uint32(h[8:]))}}
	var out []msg
	for i := 0; i < len(blocks); i++ {
		if i > 64 {
			return nil, bad(path, "more than 64 header continuation blocks")
		}
		blk, err := r.at(path, blocks[i].addr, blocks[i].size)
		if err != nil {
			return nil, err
		}
		for p := 0; p+8 <= len(blk); {
			typ := le.Uint16(blk[p:])
			size := int(le.Uint16(blk[p+2:]))
			if p+8+size > len(blk) {
				return nil, bad(path, "header message of %d bytes overruns its block", size)
			}
			data := blk[p+8 : p+8+size]
			p += 8 + size
			if typ == msgCont {
				if len(data) < 16 {
					return nil, bad(path, "short continuation message")
				}
				blocks = append(blocks, block{le.Uint64(data), le.Uint64(data[8:])})
				continue
			}
			out = append(out, msg{typ, data})
			if len(out) > nmsgs+64 || len(out) > 1<<16 {
				return nil, bad(path, "more header messages than the header declares")
			}
		}
	}
	return out, nil
}

func (r *reader) count(path string) error {
	r.objects++
	if r.objects > r.lim.MaxObjects {
		return bad(path, "more than %d objects (the reader's limit)", r.lim.MaxObjects)
	}
	return nil
}

// group reads the group whose object header is at addr. onPath holds the
// headers of its ancestors (a link back to one is a cycle).
func (r *reader) group(path string, addr uint64, depth int, onPath map[uint64]bool) (*Group, error) {
	if depth > r.lim.MaxDepth {
		return nil, bad(path, "groups nested deeper than %d", r.lim.MaxDepth)
	}
	if onPath[addr] {
		return nil, bad(path, "group contains itself")
	}
	if err := r.count(path); err != nil {
		return nil, err
	}
	msgs, err := r.header(path, addr)
	if err != nil {
		return nil, err
	}
	return r.groupFrom(path, addr, msgs, depth, onPath)
}

type link struct {
	name string
	addr uint64
}

func (r *reader) groupFrom(path string, addr uint64, msgs []msg, depth int, onPath map[uint64]bool) (*Group, error) {
	g := &Group{}
	var links []link
	for _, m := range msgs {
		switch m.typ {
		case msgSymTab:
			if len(m.data) < 16 {
				return nil, bad(path, "short symbol table message")
			}
			ls, err := r.symbolTable(path, le.Uint64(m.data), le.Uint64(m.data[8:]))
			if err != nil {
				return nil, err
			}
			links = append(links, ls...)
		case 0x02: // link info: dense storage when its fractal heap is defined
			if len(m.data) >= 10 {
				off := 2
				if m.data[1]&1 != 0 {
					off += 8
				}
				if len(m.data) >= off+8 && le.Uint64(m.data[off:]) != undef {
					return nil, bad(path, "dense link storage (fractal heap) not supported")
				}
			}
		case 0x06:
			l, err := parseLink(path, m.data)
			if err != nil {
				return nil, err
			}
			if l != nil {
				links = append(links, *l)
			}
		case msgAttribute:
			a, err := r.attribute(path, m.data)
			if err != nil {
				return nil, err
			}
			g.Attrs = append(g.Attrs, a)
		}
	}
	onPath[addr] = true
	defer delete(onPath, addr)
	for _, l := range links {
		p := join(path, l.name)
		if err := r.count(p); err != nil {
			return nil, err
		}
		if onPath[l.addr] {
			return nil, bad(p, "group contains itself")
		}
		ms, err := r.header(p, l.addr)
		if err != nil {
			return nil, err
		}
		if isDataset(ms) {
			d, err := r.dataset(p, ms)
			if err != nil {
				return nil, err
			}
			g.Members = append(g.Members, Member{Name: l.name, Dataset: d})
			continue
		}
		if depth+1 > r.lim.MaxDepth {
			return nil, bad(p, "groups nested deeper than %d", r.lim.MaxDepth)
		}
		c, err := r.groupFrom(p, l.addr, ms, depth+1, onPath)
		if err != nil {
			return nil, err
		}
		g.Members = append(g.Members, Member{Name: l.name, Group: c})
	}
	return g, nil
}

func isDataset(ms []msg) bool {
	for _, m := range ms {
		if m.typ == msgLayout {
			return true
		}
	}
	return false
}

// parseLink reads a link message; soft and external links are skipped.
func parseLink(path string, d []byte) (*link, error) {
	if len(d) < 2 || d[0] != 1 {
		return nil, bad(path, "link message version not supported")
	}
	flags := d[1]
	p := 2
	typ := byte(0)
	if flags&0x08 != 0 {
		if len(d) < p+1 {
			return nil, bad(path, "short link message")
		}
		typ = d[p]
		p++
	}
	if flags&0x04 != 0 {
		p += 8
	}
	if flags&0x10 != 0 {
		p++
	}
	nl := 1 << (flags & 3)
	if len(d) < p+nl {
		return nil, bad(path, "short link message")
	}
	var n uint64
	for i := nl - 1; i >= 0; i-- {
		n = n<<8 | uint64(d[p+i])
	}
	p += nl
	if n == 0 || n > uint64(len(d)-p) {
		return nil, bad(path, "link name length out of range")
	}
	name := string(d[p : p+int(n)])
	p += int(n)
	if typ != 0 {
		return nil, nil
	}
	if len(d) < p+8 {
		return nil, bad(path, "short link message")
	}
	if err := checkName(path, name); err != nil {
		return nil, bad(path, "bad link name %q", name)
	}
	return &link{name, le.Uint64(d[p:])}, nil
}

// symbolTable lists the links of a symbol-table group.
func (r *reader) symbolTable(path string, btree, heap uint64) ([]link, error) {
	h, err := r.at(path, heap, 32)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(h[:4], []byte("HEAP")) {
		return nil, bad(path, "local heap signature missing")
	}
	seg, err := r.at(path, le.Uint64(h[24:]), le.Uint64(h[8:]))
	if err != nil {
		return nil, err
	}
	var links []link
	seen := map[uint64]bool{}
	var walk func(addr uint64, depth int) error
	walk = func(addr uint64, depth int) error {
		if depth > 16 || seen[addr] {
			return bad(path, "group B-tree is cyclic or deeper than 16 levels")
		}
		seen[addr] = true
		n, err := r.at(path, addr, 24)
		if err != nil {
			return err
		}
		if !bytes.Equal(n[:4], []byte("TREE")) || n[4] != 0 {
			return bad(path, "group B-tree node signature missing")
		}
		level, entries := n[5], int(le.Uint16(n[6:]))
		body, err := r.at(path, addr+24, uint64(entries)*16+8)
		if err != nil {
			return err
		}
		for i := range entries {
			child := le.Uint64(body[8+16*i:])
			if level > 0 {
				if err := walk(child, depth+1); err != nil {
					return err
				}
				continue
			}
			if seen[child] {
				return bad(path, "symbol-table node listed twice")
			}
			seen[child] = true
			s, err := r.at(path, child, 8)
			if err != nil {
				return err
			}
			if !bytes.Equal(s[:4], []byte("SNOD")) {
				return bad(path, "symbol-table node signature missing")
			}
			k := uint64(le.Uint16(s[6:]))
			ents, err := r.at(path, child+8, k*40)
			if err != nil {
				return err
			}
			for e := range int(k) {
				off := le.Uint64(ents[40*e:])
				if off >= uint64(len(seg)) {
					return bad(path, "link name offset %d outside the local heap", off)
				}
				end := bytes.IndexByte(seg[off:], 0)
				if end < 0 {
					return bad(path, "link name not terminated")
				}
				name := string(seg[off : off+uint64(end)])
				if checkName(path, name) != nil {
					return bad(path, "bad link name %q", name)
				}
				links = append(links, link{name, le.Uint64(ents[40*e+8:])})
				if len(links) > r.lim.MaxObjects {
					return bad(path, "more than %d links", r.lim.MaxObjects)
				}
			}
		}
		return nil
	}
	return links, walk(btree, 0)
}

// dtype is a decoded datatype message.
type dtype struct {
	class   byte
	size    uint64
	signed  bool
	bigEnd  bool
	vlenStr bool
}

func parseDatatype(path string, d []byte) (dtype, error) {
	if len(d) < 8 {
		return dtype{}, bad(path, "short datatype message")
	}
	t := dtype{class: d[0] & 0x0f, size: uint64(le.Uint32(d[4:]))}
	switch t.class {
	case 0: // fixed point
		t.bigEnd, t.signed = d[1]&1 != 0, d[1]&8 != 0
		if t.size != 1 && t.size != 2 && t.size != 4 && t.size != 8 {
			return t, bad(path, "%d-byte integers not supported", t.size)
		}
	case 1: // floating point
		t.bigEnd = d[1]&1 != 0
		if t.size != 4 && t.size != 8 {
			return t, bad(path, "%d-byte floats not supported (4 and 8 are)", t.size)
		}
	case 3: // fixed-length string
		if t.size == 0 || t.size > 1<<20 {
			return t, bad(path, "fixed-length string of %d bytes not supported", t.size)
		}
	case 9:
		if d[1]&0x0f != 1 {
			return t, bad(path, "variable-length sequences not supported (strings are)")
		}
		t.vlenStr, t.size = true, 16
	default:
		return t, bad(path, "datatype class %d not supported (integers, floats and strings are)", t.class)
	}
	return t, nil
}

// parseDataspace returns the dimensions (nil for a scalar) and the number
// of bytes the message used.
func parseDataspace(path string, d []byte) ([]uint64, int, error) {
	if len(d) < 4 {
		return nil, 0, bad(path, "short dataspace message")
	}
	ver, rank, flags := d[0], int(d[1]), d[2]
	p := 8
	switch ver {
	case 1:
	case 2:
		p = 4
		if d[3] == 2 {
			return nil, 0, bad(path, "null dataspace not supported")
		}
	default:
		return nil, 0, bad(path, "dataspace version %d not supported", ver)
	}
	if rank > 32 {
		return nil, 0, bad(path, "rank %d exceeds HDF5's 32", rank)
	}
	n := p + 8*rank
	if flags&1 != 0 {
		n += 8 * rank
	}
	if len(d) < n {
		return nil, 0, bad(path, "short dataspace message")
	}
	var dims []uint64
	for i := range rank {
		dims = append(dims, le.Uint64(d[p+8*i:]))
	}
	return dims, n, nil
}

// count returns the number of elements of dims, failing past max.
func elems(path string, dims []uint64, max uint64) (uint64, error) {
	n := uint64(1)
	for _, d := range dims {
		if d != 0 && n > max/d {
			return 0, bad(path, "shape %v too large", dims)
		}
		n *= d
	}
	if n > max {
		return 0, bad(path, "shape %v too large", dims)
	}
	return n, nil
}

func (r *reader) attribute(path string, d []byte) (Attr, error) {
	if len(d) < 8 {
		return Attr{}, bad(path, "short attribute message")
	}
	ver := d[0]
	nameLen, dtLen, dsLen := int(le.Uint16(d[2:])), int(le.Uint16(d[4:])), int(le.Uint16(d[6:]))
	p := 8
	pad := func(n int) int { return n }
	switch ver {
	case 1:
		pad = func(n int) int { return (n + 7) &^ 7 }
	case 2:
		if d[1] != 0 {
			return Attr{}, bad(path, "shared attribute datatypes not supported")
		}
	case 3:
		if d[1] != 0 {
			return Attr{}, bad(path, "shared attribute datatypes not supported")
		}
		p = 9
	default:
		return Attr{}, bad(path, "attribute message version %d not supported", ver)
	}
	if nameLen < 1 || p+pad(nameLen)+pad(dtLen)+pad(dsLen) > len(d) {
		return Attr{}, bad(path, "attribute message fields overrun it")
	}
	name := strings.TrimRight(string(d[p:p+nameLen]), "\x00")
	ap := path + "@" + name
	p += pad(nameLen)
	t, err := parseDatatype(ap, d[p:p+dtLen])
	if err != nil {
		return Attr{}, err
	}
	p += pad(dtLen)
	dims, _, err := parseDataspace(ap, d[p:p+dsLen])
	if err != nil {
		return Attr{}, err
	}
	p += pad(dsLen)
	if err := r.count(ap); err != nil {
		return Attr{}, err
	}
	n, err := elems(ap, dims, uint64(len(d)))
	if err != nil {
		return Attr{}, err
	}
	if n*t.size > uint64(len(d)-p) {
		return Attr{}, bad(ap, "attribute data shorter than its shape")
	}
	v, err := r.values(ap, t, dims, d[p:p+int(n*t.size)])
	return Attr{Name: name, Value: v}, err
}

func (r *reader) dataset(path string, ms []msg) (*Dataset, error) {
	var (
		t            dtype
		dims         []uint64
		haveT, haveS bool
		layout       []byte
		filters      []filter
		attrs        []Attr
	)
	for _, m := range ms {
		var err error
		switch m.typ {
		case msgDatatype:
			t, err = parseDatatype(path, m.data)
			haveT = true
		case msgDataspace:
			dims, _, err = parseDataspace(path, m.data)
			haveS = true
		case msgLayout:
			layout = m.data
		case msgFilter:
			filters, err = parseFilters(path, m.data)
		case msgAttribute:
			var a Attr
			a, err = r.attribute(path, m.data)
			attrs = append(attrs, a)
		}
		if err != nil {
			return nil, err
		}
	}
	if !haveT || !haveS {
		return nil, bad(path, "dataset without datatype or dataspace")
	}
	n, err := elems(path, dims, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	size := n * t.size
	if err := r.spend(path, size); err != nil {
		return nil, err
	}
	if len(layout) < 2 || layout[0] != 3 {
		return nil, bad(path, "data layout version not supported (version 3 is)")
	}
	var raw []byte
	switch layout[1] {
	case 0: // compact
		if len(layout) < 4 {
			return nil, bad(path, "short layout message")
		}
		k := uint64(le.Uint16(layout[2:]))
		if k < size || len(layout) < 4+int(k) {
			return nil, bad(path, "compact data shorter than its shape")
		}
		raw = layout[4 : 4+size]
	case 1: // contiguous
		if len(layout) < 18 {
			return nil, bad(path, "short layout message")
		}
		addr := le.Uint64(layout[2:])
		if size == 0 {
			break
		}
		if addr == undef {
			raw = make([]byte, size) // never written: the fill value 0
			break
		}
		if le.Uint64(layout[10:]) < size {
			return nil, bad(path, "contiguous storage shorter than its shape")
		}
		if raw, err = r.at(path, addr, size); err != nil {
			return nil, err
		}
	case 2:
		if raw, err = r.chunked(path, layout, dims, t.size, size, filters); err != nil {
			return nil, err
		}
	default:
		return nil, bad(path, "layout class %d not supported", layout[1])
	}
	v, err := r.values(path, t, dims, raw)
	if err != nil {
		return nil, err
	}
	return &Dataset{Value: v, Attrs: attrs}, nil
}

type filter struct {
	id     uint16
	flags  uint16
	params []uint32
}

func parseFilters(path string, d []byte) ([]filter, error) {
	if len(d) < 2 {
		return nil, bad(path, "short filter pipeline message")
	}
	ver, n := d[0], int(d[1])
	p := 8
	if ver == 2 {
		p = 2
	} else if ver != 1 {
		return nil, bad(path, "filter pipeline version %d not supported", ver)
	}
	var out []filter
	for range n {
		if len(d) < p+2 {
			return nil, bad(path, "short filter pipeline message")
		}
		f := filter{id: le.Uint16(d[p:])}
		p += 2
		nameLen := 0
		if ver == 1 || f.id >= 256 {
			if len(d) < p+2 {
				return nil, bad(path, "short filter pipeline message")
			}
			nameLen = int(le.Uint16(d[p:]))
			p += 2
		}
		if len(d) < p+4 {
			return nil, bad(path, "short filter pipeline message")
		}
		f.flags = le.Uint16(d[p:])
		nv := int(le.Uint16(d[p+2:]))
		p += 4
		if ver == 1 {
			nameLen = (nameLen + 7) &^ 7
		}
		p += nameLen
		if len(d) < p+4*nv {
			return nil, bad(path, "short filter pipeline message")
		}
		for i := range nv {
			f.params = append(f.params, le.Uint32(d[p+4*i:]))
		}
		p += 4 * nv
		if ver == 1 && nv%2 == 1 {
			p += 4
		}
		switch f.id {
		case 1, 2, 3:
		default:
			return nil, bad(path, "filter %d not supported (deflate, shuffle and Fletcher-32 are)", f.id)
		}
		out = append(out, f)
	}
	return out, nil
}

// chunked assembles a chunked dataset of total bytes from its v1 B-tree.
func (r *reader) chunked(path string, layout []byte, dims []uint64, esize, total uint64, filters []filter) ([]byte, error) {
	rank := len(dims)
	if len(layout) < 3 || int(layout[2]) != rank+1 || len(layout) < 11+4*(rank+1) {
		return nil, bad(path, "chunked layout does not match the rank %d", rank)
	}
	btree := le.Uint64(layout[3:])
	cdims := make([]uint64, rank)
	csize := esize
	for i := range rank {
		cdims[i] = uint64(le.Uint32(layout[11+4*i:]))
		if cdims[i] == 0 {
			return nil, bad(path, "chunk dimension 0")
		}
		csize *= cdims[i]
		if csize > uint64(r.lim.MaxDecoded) {
			return nil, bad(path, "chunk of more than %d bytes (the reader's limit)", r.lim.MaxDecoded)
		}
	}
	out := make([]byte, total)
	if btree == undef || total == 0 {
		return out, nil
	}
	keyLen := uint64(8 + 8*(rank+1))
	seen := map[uint64]bool{}
	var walk func(addr uint64, depth int) error
	walk = func(addr uint64, depth int) error {
		if depth > 16 || seen[addr] {
			return bad(path, "chunk B-tree is cyclic or deeper than 16 levels")
		}
		seen[addr] = true
		n, err := r.at(path, addr, 24)
		if err != nil {
			return err
		}
		if !bytes.Equal(n[:4], []byte("TREE")) || n[4] != 1 {
			return bad(path, "chunk B-tree node signature missing")
		}
		level, entries := n[5], uint64(le.Uint16(n[6:]))
		body, err := r.at(path, addr+24, entries*(keyLen+8)+keyLen)
		if err != nil {
			return err
		}
		for i := range entries {
			key := body[i*(keyLen+8):]
			child := le.Uint64(key[keyLen:])
			if level > 0 {
				if err := walk(child, depth+1); err != nil {
					return err
				}
				continue
			}
			size, mask := uint64(le.Uint32(key)), le.Uint32(key[4:])
			off := make([]uint64, rank)
			for d := range rank {
				off[d] = le.Uint64(key[8+8*d:])
				if off[d] >= dims[d] || off[d]%cdims[d] != 0 {
					return bad(path, "chunk offset %v outside the shape %v", off, dims)
				}
			}
			data, err := r.at(path, child, size)
			if err != nil {
				return err
			}
			data, err = unfilter(path, data, filters, mask, csize, esize)
			if err != nil {
				return err
			}
			place(out, data, dims, cdims, off, esize)
		}
		return nil
	}
	return out, walk(btree, 0)
}

// unfilter undoes the filters not masked off, last applied first; the
// result must be exactly one chunk.
func unfilter(path string, data []byte, fs []filter, mask uint32, csize, esize uint64) ([]byte, error) {
	for i := len(fs) - 1; i >= 0; i-- {
		if mask&(1<<i) != 0 {
			continue
		}
		switch fs[i].id {
		case 1:
			zr, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil, bad(path, "deflate chunk: %v", err)
			}
			out, err := io.ReadAll(io.LimitReader(zr, int64(csize)+1))
			if err != nil {
				return nil, bad(path, "deflate chunk: %v", err)
			}
			data = out
		case 2:
			if uint64(len(data)) != csize {
				return nil, bad(path, "shuffled chunk of %d bytes, want %d", len(data), csize)
			}
			data = unshuffle(data, int(esize))
		case 3:
			if len(data) < 4 {
				return nil, bad(path, "chunk shorter than its checksum")
			}
			data = data[:len(data)-4]
		}
	}
	if uint64(len(data)) != csize {
		return nil, bad(path, "chunk holds %d bytes, want %d", len(data), csize)
	}
	return data, nil
}

func unshuffle(b []byte, esize int) []byte {
	n := len(b) / esize
	out := make([]byte, len(b))
	for j := range esize {
		for i := range n {
			out[i*esize+j] = b[j*n+i]
		}
	}
	copy(out[n*esize:], b[n*esize:])
	return out
}

// place copies a chunk at offset off into the row-major array out, clipped
// to dims.
func place(out, chunk []byte, dims, cdims, off []uint64, esize uint64) {
	rank := len(dims)
	if rank == 0 {
		copy(out, chunk)
		return
	}
	idx := make([]uint64, rank) // position inside the chunk
	for {
		// one contiguous run along the last dimension
		last := rank - 1
		dst := uint64(0)
		src := uint64(0)
		for d := range rank {
			dst = dst*dims[d] + off[d] + idx[d]
			src = src*cdims[d] + idx[d]
		}
		run := min(cdims[last], dims[last]-off[last])
		copy(out[dst*esize:(dst+run)*esize], chunk[src*esize:(src+run)*esize])
		d := last - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < cdims[d] && off[d]+idx[d] < dims[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// values converts raw elements of type t to a Value.
func (r *reader) values(path string, t dtype, dims []uint64, raw []byte) (Value, error) {
	var v Value
	for _, d := range dims {
		v.Shape = append(v.Shape, int(d))
	}
	n := len(raw) / int(t.size)
	var ord binary.ByteOrder = binary.LittleEndian
	if t.bigEnd {
		ord = binary.BigEndian
	}
	switch {
	case t.class == 1 && t.size == 4:
		v.Kind, v.F32 = Float32, make([]float32, n)
		for i := range v.F32 {
			v.F32[i] = math.Float32frombits(ord.Uint32(raw[4*i:]))
		}
	case t.class == 1:
		v.Kind, v.F64 = Float64, make([]float64, n)
		for i := range v.F64 {
			v.F64[i] = math.Float64frombits(ord.Uint64(raw[8*i:]))
		}
	case t.class == 0:
		v.Kind, v.I64 = Int64, make([]int64, n)
		for i := range v.I64 {
			e := raw[int(t.size)*i:]
			var u uint64
			switch t.size {
			case 1:
				u = uint64(e[0])
				if t.signed {
					u = uint64(int8(e[0]))
				}
			case 2:
				u = uint64(ord.Uint16(e))
				if t.signed {
					u = uint64(int16(ord.Uint16(e)))
				}
			case 4:
				u = uint64(ord.Uint32(e))
				if t.signed {
					u = uint64(int32(ord.Uint32(e)))
				}
			case 8:
				u = ord.Uint64(e)
			}
			v.I64[i] = int64(u)
		}
	case t.class == 3:
		v.Kind, v.Str = String, make([]string, n)
		for i := range v.Str {
			s := raw[int(t.size)*i : int(t.size)*(i+1)]
			if k := bytes.IndexByte(s, 0); k >= 0 {
				s = s[:k]
			}
			v.Str[i] = strings.TrimRight(string(s), " ")
		}
	case t.vlenStr:
		v.Kind, v.Str = String, make([]string, n)
		for i := range v.Str {
			e := raw[16*i:]
			ln, addr, idx := uint64(le.Uint32(e)), le.Uint64(e[4:]), le.Uint32(e[12:])
			if ln == 0 {
				continue
			}
			obj, err := r.heapObject(path, addr, idx)
			if err != nil {
				return v, err
			}
			if ln > uint64(len(obj)) {
				return v, bad(path, "string of %d bytes in a heap object of %d", ln, len(obj))
			}
			if err := r.spend(path, ln); err != nil {
				return v, err
			}
			v.Str[i] = string(obj[:ln])
		}
	}
	return v, nil
}

// heapObject returns object idx of the global heap collection at addr.
func (r *reader) heapObject(path string, addr uint64, idx uint32) ([]byte, error) {
	objs, ok := r.gheaps[addr]
	if !ok {
		h, err := r.at(path, addr, 16)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(h[:4], []byte("GCOL")) {
			return nil, bad(path, "global heap signature missing at %d", addr)
		}
		col, err := r.at(path, addr, le.Uint64(h[8:]))
		if err != nil {
			return nil, err
		}
		objs = map[uint16][]byte{}
		for p := uint64(16); p+16 <= uint64(len(col)); {
			id, size := le.Uint16(col[p:]), le.Uint64(col[p+8:])
			if id == 0 {
				break // free space ends the objects
			}
			if size > uint64(len(col))-p-16 {
				return nil, bad(path, "global heap object %d overruns its collection", id)
			}
			objs[id] = col[p+16 : p+16+size]
			p += 16 + (size+7)&^7
		}
		r.gheaps[addr] = objs
	}
	obj, ok := objs[uint16(idx)]
	if !ok || idx > math.MaxUint16 {
		return nil, bad(path, "string refers to missing global heap object %d", idx)
	}
	return obj, nil
}
