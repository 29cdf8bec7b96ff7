package serve

import (
	"io"
	"sync/atomic"
	"time"
)

// The largest terminal a session is drawn for. A client may announce any
// size up to 2³²−1 in its pty-req and window-change requests, and the app's
// screen buffers grow with the announced area; a larger window is drawn at
// this size in its top-left corner. 400×200 is more than a 4K monitor shows
// in a full-screen terminal at the smallest readable font.
const (
	MaxWindowCols = 400
	MaxWindowRows = 200
)

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
