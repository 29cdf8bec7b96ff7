package serve

import (
	"io"
	"sync/atomic"
	"time"
)

// The largest terminal a session is drawn for. A client may announce any
// size up to 2³²−1 in its pty-req and window-change requests, and a
// session's memory grows with the area it is drawn at: Bubble Tea keeps two
// screen buffers of about 230 bytes per cell, and the app's plots and frame
// text add as much again (12.7 MiB per session measured at 320×120 with
// the real app, 35 MiB at 400×200, 2.3 MiB at 100×30), and the garbage
// collector lets the process grow to about twice what is live. A larger
// window is drawn at this size in its top-left corner. 240×80 is a
// full-screen terminal on a 1920×1280 screen at an 8×16 font, and bounds a
// session at about 7 MiB live.
const (
	MaxWindowCols = 240
	MaxWindowRows = 80
)

// DefaultMemoryLimit is the soft limit on the server process's memory
// (runtime/debug.SetMemoryLimit, as GOMEMLIMIT) that inloop serve sets
// unless told otherwise. Without it the garbage collector lets a process
// that renders and trains for many sessions grow to about twice what it
// holds live; with it, the collector works harder near the limit instead.
// It is soft: a server that holds more live keeps running, with more
// collector work. 20 sessions (four at the largest window, four that never
// read) and three runs stay under 160 MiB with it, over 250 MiB without
// (TestSoak).
const DefaultMemoryLimit = 160 << 20

// clampWindow limits an announced terminal size to MaxWindowCols ×
// MaxWindowRows; it reports whether it had to.
func clampWindow(cols, rows int) (int, int, bool) {
	c, r := min(max(cols, 0), MaxWindowCols), min(max(rows, 0), MaxWindowRows)
	return c, r, c != cols || r != rows
}

// outputClock passes a session's output to its channel and remembers since
// when a write has been waiting. SSH flow control makes a write wait while
// the client does not take its data (a stopped, suspended or malicious
// client), so the program's output is bounded by the channel's window and
// one frame; the session's watcher ends a session stalled for too long.
type outputClock struct {
	w       io.Writer
	pending atomic.Int64 // unix nanoseconds when the waiting write began; 0 if none
}

func (o *outputClock) Write(p []byte) (int, error) {
	o.pending.Store(time.Now().UnixNano())
	defer o.pending.Store(0)
	return o.w.Write(p)
}

// stalledFor is how long the current write has waited (0 if none waits).
func (o *outputClock) stalledFor() time.Duration {
	t := o.pending.Load()
	if t == 0 {
		return 0
	}
	return time.Since(time.Unix(0, t))
}
