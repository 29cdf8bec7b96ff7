//go:build !noasm

package hw

import "unsafe"

// readoutVector is readoutScalar with AVX2; false (and nothing done) if the
// CPU lacks it.
func readoutVector(b *readoutBatch, dl []delivery, T int64) (int, bool) {
	if !hasAVX2 {
		return 0, false
	}
	return readoutAVX2(b, unsafe.SliceData(dl), len(dl), T), true
}

// readoutAVX2 is the kernel of readoutVector (readout_amd64.s). It relies on
// the invariants that init and the methods of readoutBatch keep: u and cur
// hold cnt float64; tf has 3 float64 of room past its end; pk < 0 or pk ≤
// len(tf)−3·cnt; every item's w holds cnt weights and its t ≤ len(tf)−3·cnt;
// ndl is 0 unless ns is a soleProj.
//
//go:noescape
func readoutAVX2(b *readoutBatch, dl *delivery, ndl int, T int64) int

// The kernel steps through dl by 16 bytes and counts by a shift.
var (
	_ [unsafe.Sizeof(delivery{}) - 16]struct{}
	_ [16 - unsafe.Sizeof(delivery{})]struct{}
)
