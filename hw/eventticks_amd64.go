//go:build !noasm

package hw

import "unsafe"

// eventTicksVector does the loop of eventTicks for whole blocks of 4 events
// with AVX2 and returns how many events it did (0 without AVX2): it stops
// before the first block with an event that fails the checks, which the
// scalar loop then finds and reports. rows may be nil.
func eventTicksVector(ev []Event, t0 float64, inputs int, stride int32, ticks []int64, rows []int32) int {
	n := len(ev) &^ 3
	if !hasAVX2 || n == 0 || inputs < 1 {
		return 0
	}
	if len(ticks) < n || (rows != nil && len(rows) < n) ||
		unsafe.Sizeof(Event{}) != 16 || unsafe.Offsetof(Event{}.Source) != 8 { // the kernel's layout
		panic("hw: eventTicksVector: bad lengths")
	}
	var rp *int32
	if rows != nil {
		rp = &rows[0]
	}
	return eventTicksAVX2(&ev[0], n, t0, EventTick, 0.5, 1, 1<<52, maxEventTime, int32(inputs-1), stride, &ticks[0], rp)
}

// eventTicksAVX2 is the kernel of eventTicksVector (eventticks_amd64.s).
//
//go:noescape
func eventTicksAVX2(ev *Event, n int, t0, tick, half, one, magic, maxTime float64, last int32, stride int32, ticks *int64, rows *int32) int
