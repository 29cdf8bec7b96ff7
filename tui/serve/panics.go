package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
)

// maxCrashFiles bounds the stack files one server writes, so a client that
// can make the app panic cannot fill the disk.
const maxCrashFiles = 100

// crashLog writes the stacks of panics in sessions to files of their own in
// dir: the server's log gets one line naming the file, never the stack.
type crashLog struct {
	dir string

	mu      sync.Mutex
	written int
}

// save writes what panicked and its stack; it returns the file's path, or
// why there is none.
func (c *crashLog) save(addr string, r any, stack []byte) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dir == "" {
		return "(no crash directory set: stack not kept)"
	}
	if c.written >= maxCrashFiles {
		return fmt.Sprintf("(stack not kept: %d stack files written already)", maxCrashFiles)
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return "(stack not kept: " + err.Error() + ")"
	}
	now := time.Now().UTC()
	path := filepath.Join(c.dir, fmt.Sprintf("panic-%s-%d-%d.txt", now.Format("20060102-150405"), os.Getpid(), c.written+1))
	text := fmt.Sprintf("inloop serve: panic in the session from %s at %s\n\npanic: %v\n\n%s", addr, now.Format(time.RFC3339), r, stack)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "(stack not kept: " + err.Error() + ")"
	}
	c.written++
	return path
}

// panicGuard runs a session's model and catches its panics (in Init,
// Update, View and the commands it returns, batches included) before Bubble
// Tea does, since Bubble Tea prints the stack on the process's stderr,
// which is the server's log. A caught panic is reported once and ends the
// session. Bubble Tea's own catch stays as the backstop for what cannot be
// wrapped from outside (the inner commands of a tea.Sequence, which the app
// does not use).
type panicGuard struct {
	m       tea.Model
	onPanic func(r any, stack []byte) // called once, from the panicking goroutine

	once     *sync.Once
	panicked bool
}

func newPanicGuard(m tea.Model, onPanic func(any, []byte)) *panicGuard {
	return &panicGuard{m: m, onPanic: onPanic, once: &sync.Once{}}
}

// panicMsg ends the program after a caught panic in a command.
type panicMsg struct{}

func (g *panicGuard) report(r any) {
	stack := debug.Stack()
	g.once.Do(func() { g.onPanic(r, stack) })
}

func (g *panicGuard) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.report(r)
			g.panicked, cmd = true, tea.Quit
		}
	}()
	return g.wrap(g.m.Init())
}

func (g *panicGuard) Update(msg tea.Msg) (model tea.Model, cmd tea.Cmd) {
	if _, ok := msg.(panicMsg); ok {
		g.panicked = true
		return g, tea.Quit
	}
	if g.panicked {
		return g, nil // the model's state is unknown after a panic
	}
	defer func() {
		if r := recover(); r != nil {
			g.report(r)
			model, g.panicked, cmd = g, true, tea.Quit
		}
	}()
	m, c := g.m.Update(msg)
	g.m = m
	return g, g.wrap(c)
}

func (g *panicGuard) View() (v tea.View) {
	if g.panicked {
		return tea.NewView("")
	}
	defer func() {
		if r := recover(); r != nil {
			g.report(r)
			g.panicked = true
			v = tea.NewView("")
		}
	}()
	return g.m.View()
}

// wrap makes cmd report a panic as a panicMsg; the commands of a batch are
// wrapped one by one.
func (g *panicGuard) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				g.report(r)
				msg = panicMsg{}
			}
		}()
		msg = cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			wrapped := make(tea.BatchMsg, len(b))
			for i, c := range b {
				wrapped[i] = g.wrap(c)
			}
			return wrapped
		}
		return msg
	}
}
