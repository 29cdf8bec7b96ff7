package h5

import (
	"encoding/binary"

	"fmt"
	"math"
	"slices"
	"strings"
)

// Layout constants of the files Encode writes.
const (
	sizeOff = 8 // bytes of an address
	sizeLen = 8 // bytes of a length
	// leafK and internalK are the superblock's group B-tree parameters: a
	// symbol-table node holds up to 2·leafK links, a group B-tree node up to
	// 2·internalK symbol-table nodes.
	leafK      = 16
	internalK  = 16
	maxMembers = 2 * leafK * 2 * internalK
	// gcolMin is the smallest global heap collection the C library writes.
	gcolMin = 4096
)

var (
	signature = []byte("\x89HDF\r\n\x1a\n")
	le        = binary.LittleEndian
)

// undef is HDF5's undefined address.
const undef = math.MaxUint64

// Object header message types.
const (
	msgDataspace = 0x01
	msgDatatype  = 0x03
	msgFillNew   = 0x05
	msgLayout    = 0x08
	msgFilter    = 0x0B
	msgAttribute = 0x0C
	msgCont      = 0x10
	msgSymTab    = 0x11
)

// Encode renders the tree under root as an HDF5 file. It fails, naming the
// object, on an empty or duplicate name, a name holding '/', a shape that
// does not match the data, or more than 2048 members in one group.
func Encode(root *Group) ([]byte, error) {
	w := &writer{}
	w.buf = make([]byte, 96) // superblock, filled in last
	w.collect(root)
	if err := w.writeHeap(); err != nil {
		return nil, err
	}
	addr, btree, heap, err := w.group("/", root)
	if err != nil {
		return nil, err
	}
	sb := w.buf[:0]
	sb = append(sb, signature...)
	// versions: superblock, free space, root symbol table, reserved, shared
	// header; sizes of offsets and lengths; reserved
	sb = append(sb, 0, 0, 0, 0, 0, sizeOff, sizeLen, 0)
	sb = le.AppendUint16(sb, leafK)
	sb = le.AppendUint16(sb, internalK)
	sb = le.AppendUint32(sb, 0) // file consistency flags
	sb = le.AppendUint64(sb, 0) // base address
	sb = le.AppendUint64(sb, undef)
	sb = le.AppendUint64(sb, uint64(len(w.buf))) // end of file
	sb = le.AppendUint64(sb, undef)              // driver information
	// root symbol table entry: name offset, header, cache type 1 with the
	// B-tree and local heap in the scratch pad
	sb = le.AppendUint64(sb, 0)
	sb = le.AppendUint64(sb, addr)
	sb = le.AppendUint32(sb, 1)
	sb = le.AppendUint32(sb, 0)
	sb = le.AppendUint64(sb, btree)
	sb = le.AppendUint64(sb, heap)
	if len(sb) != 96 {
		panic("h5: superblock size")
	}
	return w.buf, nil
}

type writer struct {
	buf     []byte
	strs    []string          // global heap objects 1..n, in order
	strIdx  map[string]uint32 // heap index of each string
	gcol    uint64            // address of the global heap collection
	visited map[*Group]bool
}

// collect gathers every string of the tree for the global heap.
func (w *writer) collect(g *Group) {
	if w.strIdx == nil {
		w.strIdx = map[string]uint32{}
	}
	add := func(v Value) {
		if v.Kind != String {
			return
		}
		for _, s := range v.Str {
			if _, ok := w.strIdx[s]; !ok && s != "" {
				w.strs = append(w.strs, s)
				w.strIdx[s] = uint32(len(w.strs))
			}
		}
	}
	for _, a := range g.Attrs {
		add(a.Value)
	}
	for _, m := range g.Members {
		if m.Group != nil {
			w.collect(m.Group)
		} else if m.Dataset != nil {
			add(m.Dataset.Value)
			for _, a := range m.Dataset.Attrs {
				add(a.Value)
			}
		}
	}
}

// writeHeap lays out the global heap collection holding every string.
func (w *writer) writeHeap() error {
	if len(w.strs) == 0 {
		return nil
	}
	if len(w.strs) > math.MaxUint16 {
		return fmt.Errorf("h5: %d distinct strings, at most %d supported", len(w.strs), math.MaxUint16)
	}
	w.align()
	w.gcol = uint64(len(w.buf))
	start := len(w.buf)
	w.buf = append(w.buf, "GCOL"...)
	w.buf = append(w.buf, 1, 0, 0, 0)
	sizeAt := len(w.buf)
	w.buf = le.AppendUint64(w.buf, 0)
	for i, s := range w.strs {
		w.buf = le.AppendUint16(w.buf, uint16(i+1))
		w.buf = le.AppendUint16(w.buf, 0) // reference count
		w.buf = le.AppendUint32(w.buf, 0)
		w.buf = le.AppendUint64(w.buf, uint64(len(s)))
		w.buf = append(w.buf, s...)
		w.pad8(start)
	}
	used := len(w.buf) - start
	size := max(gcolMin, used+16)
	// free space: object 0, its size counting its own header
	w.buf = le.AppendUint16(w.buf, 0)
	w.buf = le.AppendUint16(w.buf, 0)
	w.buf = le.AppendUint32(w.buf, 0)
	w.buf = le.AppendUint64(w.buf, uint64(size-used))
	w.buf = append(w.buf, make([]byte, size-used-16)...)
	le.PutUint64(w.buf[sizeAt:], uint64(size))
	return nil
}

func (w *writer) align() {
	for len(w.buf)%8 != 0 {
		w.buf = append(w.buf, 0)
	}
}

// pad8 zero-pads buf to a multiple of 8 bytes from start.
func (w *writer) pad8(start int) {
	for (len(w.buf)-start)%8 != 0 {
		w.buf = append(w.buf, 0)
	}
}

func checkName(path, name string) error {
	if name == "" || strings.ContainsAny(name, "/\x00") || name == "." {
		return fmt.Errorf("h5: %s: bad member name %q (non-empty, no '/' or NUL)", path, name)
	}
	return nil
}

func join(path, name string) string {
	if path == "/" {
		return "/" + name
	}
	return path + "/" + name
}

// group writes g's members, then its local heap, symbol-table nodes,
// B-tree and object header; it returns the addresses of the last three.
func (w *writer) group(path string, g *Group) (addr, btree, heap uint64, err error) {
	if w.visited == nil {
		w.visited = map[*Group]bool{}
	}
	if w.visited[g] {
		return 0, 0, 0, fmt.Errorf("h5: %s: group appears twice in the tree", path)
	}
	w.visited[g] = true
	if len(g.Members) > maxMembers {
		return 0, 0, 0, fmt.Errorf("h5: %s: %d members, at most %d supported", path, len(g.Members), maxMembers)
	}
	type link struct {
		name string
		addr uint64
		off  uint64 // name offset in the local heap
	}
	links := make([]link, 0, len(g.Members))
	for _, m := range g.Members {
		p := join(path, m.Name)
		if err := checkName(path, m.Name); err != nil {
			return 0, 0, 0, err
		}
		var a uint64
		switch {
		case m.Group != nil:
			a, _, _, err = w.group(p, m.Group)
		case m.Dataset != nil:
			a, err = w.dataset(p, m.Dataset)
		default:
			err = fmt.Errorf("h5: %s: member is neither group nor dataset", p)
		}
		if err != nil {
			return 0, 0, 0, err
		}
		links = append(links, link{name: m.Name, addr: a})
	}
	// HDF5 finds links by binary search: symbol-table nodes hold them in
	// byte order of their names.
	slices.SortFunc(links, func(a, b link) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(links); i++ {
		if links[i].name == links[i-1].name {
			return 0, 0, 0, fmt.Errorf("h5: %s: duplicate member %q", path, links[i].name)
		}
	}

	// Local heap: the empty name at offset 0, then every name.
	var seg []byte
	seg = append(seg, make([]byte, 8)...)
	for i := range links {
		links[i].off = uint64(len(seg))
		seg = append(seg, links[i].name...)
		seg = append(seg, 0)
		for len(seg)%8 != 0 {
			seg = append(seg, 0)
		}
	}
	w.align()
	heap = uint64(len(w.buf))
	w.buf = append(w.buf, "HEAP"...)
	w.buf = append(w.buf, 0, 0, 0, 0)
	w.buf = le.AppendUint64(w.buf, uint64(len(seg)))
	w.buf = le.AppendUint64(w.buf, 1) // free list: none (the C library's H5HL_FREE_NULL)
	w.buf = le.AppendUint64(w.buf, heap+32)
	w.buf = append(w.buf, seg...)

	// Symbol-table nodes of up to 2·leafK links each.
	var nodes []uint64
	var lastOff []uint64
	for lo := 0; lo < len(links) || lo == 0; lo += 2 * leafK {
		hi := min(lo+2*leafK, len(links))
		if hi == lo {
			break
		}
		nodes = append(nodes, uint64(len(w.buf)))
		w.buf = append(w.buf, "SNOD"...)
		w.buf = append(w.buf, 1, 0)
		w.buf = le.AppendUint16(w.buf, uint16(hi-lo))
		for _, l := range links[lo:hi] {
			w.buf = le.AppendUint64(w.buf, l.off)
			w.buf = le.AppendUint64(w.buf, l.addr)
			w.buf = append(w.buf, make([]byte, 24)...) // cache type 0, reserved, scratch pad
		}
		w.buf = append(w.buf, make([]byte, (2*leafK-(hi-lo))*40)...)
		lastOff = append(lastOff, links[hi-1].off)
	}

	// One B-tree node (level 0) over the symbol-table nodes; its keys are
	// the heap offsets of the empty name and of each node's last name.
	btree = uint64(len(w.buf))
	w.buf = append(w.buf, "TREE"...)
	w.buf = append(w.buf, 0, 0) // group node, level 0
	w.buf = le.AppendUint16(w.buf, uint16(len(nodes)))
	w.buf = le.AppendUint64(w.buf, undef)
	w.buf = le.AppendUint64(w.buf, undef)
	w.buf = le.AppendUint64(w.buf, 0)
	for i, n := range nodes {
		w.buf = le.AppendUint64(w.buf, n)
		w.buf = le.AppendUint64(w.buf, lastOff[i])
	}
	// the node is read at its full size: 2·internalK children
	w.buf = append(w.buf, make([]byte, (2*internalK-len(nodes))*(sizeOff+sizeLen))...)

	st := le.AppendUint64(nil, btree)
	st = le.AppendUint64(st, heap)
	msgs := []message{{msgSymTab, st}}
	am, err := w.attrs(path, g.Attrs)
	if err != nil {
		return 0, 0, 0, err
	}
	addr, err = w.header(path, append(msgs, am...))
	return addr, btree, heap, err
}

type message struct {
	typ  uint16
	data []byte
}

// header writes a version 1 object header holding msgs.
func (w *writer) header(path string, msgs []message) (uint64, error) {
	size := 0
	for _, m := range msgs {
		if len(m.data) > math.MaxUint16-8 {
			return 0, fmt.Errorf("h5: %s: header message of %d bytes, at most %d", path, len(m.data), math.MaxUint16-8)
		}
		size += 8 + (len(m.data)+7)&^7
	}
	w.align()
	addr := uint64(len(w.buf))
	w.buf = append(w.buf, 1, 0)
	w.buf = le.AppendUint16(w.buf, uint16(len(msgs)))
	w.buf = le.AppendUint32(w.buf, 1) // reference count
	w.buf = le.AppendUint32(w.buf, uint32(size))
	w.buf = le.AppendUint32(w.buf, 0) // alignment of the messages
	for _, m := range msgs {
		start := len(w.buf)
		w.buf = le.AppendUint16(w.buf, m.typ)
		w.buf = le.AppendUint16(w.buf, uint16((len(m.data)+7)&^7))
		w.buf = append(w.buf, 0, 0, 0, 0) // flags, reserved
		w.buf = append(w.buf, m.data...)
		w.pad8(start)
	}
	return addr, nil
}

func checkValue(path string, v Value) error {
	if v.Kind < Float32 || v.Kind > String {
		return fmt.Errorf("h5: %s: unknown element kind", path)
	}
	n := uint64(1)
	for _, d := range v.Shape {
		if d < 0 {
			return fmt.Errorf("h5: %s: negative dimension in shape %v", path, v.Shape)
		}
		n *= uint64(d)
		if n > math.MaxInt32 {
			return fmt.Errorf("h5: %s: shape %v too large", path, v.Shape)
		}
	}
	if int(n) != v.dataLen() {
		return fmt.Errorf("h5: %s: shape %v holds %d elements, the data %d", path, v.Shape, n, v.dataLen())
	}
	return nil
}

// dataset writes d's elements contiguously, then its object header.
func (w *writer) dataset(path string, d *Dataset) (uint64, error) {
	v := d.Value
	if err := checkValue(path, v); err != nil {
		return 0, err
	}
	raw := w.elements(v)
	data := uint64(undef)
	if len(raw) > 0 {
		w.align()
		data = uint64(len(w.buf))
		w.buf = append(w.buf, raw...)
	}
	layout := []byte{3, 1} // version 3, contiguous
	layout = le.AppendUint64(layout, data)
	layout = le.AppendUint64(layout, uint64(len(raw)))
	// fill value message version 2: allocation early, fill written never, no value
	fill := []byte{2, 1, 1, 0}
	msgs := []message{
		{msgDataspace, dataspace(v.Shape)},
		{msgDatatype, datatype(v.Kind)},
		{msgFillNew, fill},
		{msgLayout, layout},
	}
	am, err := w.attrs(path, d.Attrs)
	if err != nil {
		return 0, err
	}
	return w.header(path, append(msgs, am...))
}

// elements encodes v's data in the file's representation.
func (w *writer) elements(v Value) []byte {
	var b []byte
	switch v.Kind {
	case Float32:
		for _, x := range v.F32 {
			b = le.AppendUint32(b, math.Float32bits(x))
		}
	case Float64:
		for _, x := range v.F64 {
			b = le.AppendUint64(b, math.Float64bits(x))
		}
	case Int64:
		for _, x := range v.I64 {
			b = le.AppendUint64(b, uint64(x))
		}
	case String:
		for _, s := range v.Str {
			// length, collection address, object index; an empty string
			// refers to no heap object
			b = le.AppendUint32(b, uint32(len(s)))
			if s == "" {
				b = le.AppendUint64(b, 0)
				b = le.AppendUint32(b, 0)
				continue
			}
			b = le.AppendUint64(b, w.gcol)
			b = le.AppendUint32(b, w.strIdx[s])
		}
	}
	return b
}

// attrs encodes attribute messages (version 1).
func (w *writer) attrs(path string, as []Attr) ([]message, error) {
	var out []message
	seen := map[string]bool{}
	for _, a := range as {
		p := path + "@" + a.Name
		if a.Name == "" || strings.ContainsRune(a.Name, 0) {
			return nil, fmt.Errorf("h5: %s: bad attribute name %q", path, a.Name)
		}
		if seen[a.Name] {
			return nil, fmt.Errorf("h5: %s: duplicate attribute %q", path, a.Name)
		}
		seen[a.Name] = true
		if err := checkValue(p, a.Value); err != nil {
			return nil, err
		}
		dt, ds := datatype(a.Value.Kind), dataspace(a.Value.Shape)
		m := []byte{1, 0}
		m = le.AppendUint16(m, uint16(len(a.Name)+1))
		m = le.AppendUint16(m, uint16(len(dt)))
		m = le.AppendUint16(m, uint16(len(ds)))
		for _, f := range [][]byte{append([]byte(a.Name), 0), dt, ds} {
			m = append(m, f...)
			for len(m)%8 != 0 {
				m = append(m, 0)
			}
		}
		m = append(m, w.elements(a.Value)...)
		out = append(out, message{msgAttribute, m})
	}
	return out, nil
}

// dataspace encodes a version 1 dataspace message (rank 0 = scalar).
func dataspace(shape []int) []byte {
	b := []byte{1, byte(len(shape)), 0, 0, 0, 0, 0, 0}
	for _, d := range shape {
		b = le.AppendUint64(b, uint64(d))
	}
	return b
}

// datatype encodes a version 1 datatype message for k.
func datatype(k Kind) []byte {
	switch k {
	case Float32:
		// class 1; normalisation "implied msb" (bits 4–5 = 2), sign bit 31;
		// offset 0, precision 32, exponent at 23 of 8 bits, mantissa at 0
		// of 23 bits, bias 127
		b := []byte{0x11, 0x20, 31, 0}
		b = le.AppendUint32(b, 4)
		b = le.AppendUint16(b, 0)
		b = le.AppendUint16(b, 32)
		b = append(b, 23, 8, 0, 23)
		return le.AppendUint32(b, 127)
	case Float64:
		b := []byte{0x11, 0x20, 63, 0}
		b = le.AppendUint32(b, 8)
		b = le.AppendUint16(b, 0)
		b = le.AppendUint16(b, 64)
		b = append(b, 52, 11, 0, 52)
		return le.AppendUint32(b, 1023)
	case Int64:
		b := []byte{0x10, 0x08, 0, 0} // class 0, signed
		b = le.AppendUint32(b, 8)
		b = le.AppendUint16(b, 0)
		return le.AppendUint16(b, 64)
	case String:
		// class 9 variable-length, type string, null terminated, UTF-8; its
		// base type is an unsigned byte
		b := []byte{0x19, 0x01, 0x01, 0}
		b = le.AppendUint32(b, 16)
		b = append(b, 0x10, 0, 0, 0)
		b = le.AppendUint32(b, 1)
		b = le.AppendUint16(b, 0)
		return le.AppendUint16(b, 8)
	}
	panic("h5: unknown kind")
}
