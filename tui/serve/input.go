package serve

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
)

// inputClock passes a session's input to its program and remembers when
// the client last typed, since output (a live plot) would keep any
// I/O-based idle timer awake. At the end of input it calls atEOF. Once shut,
// it drops what the client types and reports the end of input.
type inputClock struct {
	r     io.Reader
	atEOF func()
	last  atomic.Int64 // unix nanoseconds
	shut  atomic.Bool
}

func newInputClock(r io.Reader, atEOF func()) *inputClock {
	c := &inputClock{r: r, atEOF: atEOF}
	c.last.Store(time.Now().UnixNano())
	return c
}

func (c *inputClock) Read(p []byte) (int, error) {
	if c.shut.Load() {
		return 0, io.EOF
	}
	n, err := c.r.Read(p)
	if c.shut.Load() {
		return 0, io.EOF // typed after the quit: dropped
	}
	if n > 0 {
		c.last.Store(time.Now().UnixNano())
	}
	if err != nil {
		c.atEOF()
	}
	return n, err
}

func (c *inputClock) idleFor() time.Duration {
	return time.Since(time.Unix(0, c.last.Load()))
}

// drainTime is how long a quitting program keeps taking input events: the
// time for events already read to reach it, plus the escape-sequence timeout
// (50 ms) after which a partial sequence is flushed as keys.
const drainTime = 200 * time.Millisecond

// quitGate delays a program's quit until its input is drained.
//
// Bubble Tea's input goroutine hands each parsed event to the program's
// event loop without watching for the loop's end: an event parsed after the
// loop ended (a key typed with or just after the quitting one, "qq") blocks
// that goroutine, and the program it references, for good. Over SSH that
// is a leak per session. So the gate, as the program's message filter,
// holds back the first quit, shuts the input off, lets the loop drain
// pending events for drainTime (discarding them), and then quits.
type quitGate struct {
	in   *inputClock
	prog *tea.Program

	mu       sync.Mutex
	draining bool
}

// drainedMsg is the quit that the gate lets through.
type drainedMsg struct{}

func (g *quitGate) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case drainedMsg:
		return tea.QuitMsg{}
	case tea.QuitMsg, tea.InterruptMsg:
		g.startDrain()
		return nil
	case tea.SuspendMsg:
		return tea.ResumeMsg{} // a session cannot be suspended
	}
	g.mu.Lock()
	draining := g.draining
	g.mu.Unlock()
	if draining {
		return nil // the app is quitting; its input and events are moot
	}
	return msg
}

func (g *quitGate) startDrain() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.draining {
		return
	}
	g.draining = true
	g.in.shut.Store(true)
	time.AfterFunc(drainTime, func() { g.prog.Send(drainedMsg{}) })
}
