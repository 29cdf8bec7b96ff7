package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"inloop/engine"
	"inloop/tui"
)

// waitLimit bounds every wait in these tests; they normally take milliseconds.
const waitLimit = 10 * time.Second

// fakeTrainer is a run that counts steps every few milliseconds and supports
// many subscribers, like engine.Trainer, without any training.
type fakeTrainer struct {
	id   string
	done chan struct{}

	mu       sync.Mutex
	subs     map[*engine.Stream]struct{}
	step     int
	commands []engine.Command
	stop     chan struct{}
	stopped  bool
	deaf     bool // ignores CmdStop (a run stuck in a long batch)
}

func newFakeTrainer(id string) *fakeTrainer {
	return &fakeTrainer{id: id, done: make(chan struct{}), subs: map[*engine.Stream]struct{}{}, stop: make(chan struct{})}
}

func (f *fakeTrainer) Start(ctx context.Context) {
	go func() {
		defer close(f.done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				f.finish()
				return
			case <-f.stop:
				f.finish()
				return
			case <-tick.C:
				f.mu.Lock()
				f.step++
				ev := engine.ProgressEvent{Step: f.step}
				for st := range f.subs {
					st.Push(ev) // newest wins when the consumer lags
				}
				f.mu.Unlock()
			}
		}
	}()
}

func (f *fakeTrainer) finish() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for st := range f.subs {
		st.Close()
		delete(f.subs, st)
	}
}

func (f *fakeTrainer) Subscribe() *engine.Stream {
	var st *engine.Stream
	st = engine.NewStream(true, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, st)
	})
	f.mu.Lock()
	select {
	case <-f.done:
		st.Close()
	default:
		f.subs[st] = struct{}{}
	}
	f.mu.Unlock()
	return st
}

func (f *fakeTrainer) Send(c engine.Command) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.commands = append(f.commands, c)
	if c.Kind == engine.CmdStop && !f.stopped && !f.deaf {
		f.stopped = true
		close(f.stop)
	}
}

func (f *fakeTrainer) Wait() (engine.Summary, error) {
	<-f.done
	return engine.Summary{}, nil
}

// received are the commands sent so far.
func (f *fakeTrainer) received() []engine.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]engine.Command(nil), f.commands...)
}

func (f *fakeTrainer) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// trainers records every fake run the server asked for.
type trainers struct {
	mu   sync.Mutex
	all  []*fakeTrainer
	deaf bool // make runs that ignore CmdStop
}

func (t *trainers) factory(id string) (Trainer, error) {
	f := newFakeTrainer(id)
	t.mu.Lock()
	f.deaf = t.deaf
	t.all = append(t.all, f)
	t.mu.Unlock()
	return f, nil
}

func (t *trainers) byID(id string) *fakeTrainer {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, f := range t.all {
		if f.id == id {
			return f
		}
	}
	return nil
}

func (t *trainers) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.all)
}

// testApp shows what a session was given: title, read-only flag, size, keys
// typed and the run's step. "!" panics, "p" sends pause, "q" quits.
type testApp struct {
	src        tui.Source
	opts       tui.Options
	events     *engine.Stream
	w, h, keys int
	step       int
	profile    string // the colour profile the program detected for this session
	background string // "dark" or "light", as this session's terminal answered
}

type eventMsg struct{ evs []engine.Event }
type endedMsg struct{}

func newTestApp(src tui.Source, opts tui.Options) tea.Model {
	events := src.Subscribe() // the server cancels it when the session ends
	return &testApp{src: src, opts: opts, events: events}
}

func (m *testApp) next() tea.Msg {
	evs, ended := m.events.Wait()
	if ended {
		return endedMsg{}
	}
	return eventMsg{evs}
}

func (m *testApp) Init() tea.Cmd { return tea.Batch(m.next, tea.RequestBackgroundColor) }

func (m *testApp) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case eventMsg:
		for _, ev := range msg.evs {
			if p, ok := ev.(engine.ProgressEvent); ok {
				m.step = p.Step
			}
		}
		return m, m.next
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.ColorProfileMsg:
		m.profile = msg.Profile.String()
	case tea.BackgroundColorMsg:
		m.background = "light"
		if msg.IsDark() {
			m.background = "dark"
		}
	case tea.KeyPressMsg:
		switch msg.String() {
		case "!":
			panic("test app: panic on request")
		case "@":
			return m, func() tea.Msg { panic("test app: panic in a command") }
		case "q":
			return m, tea.Quit
		case "F":
			// more output than an SSH channel's window (2 MiB in x/crypto)
			return m, tea.Raw(strings.Repeat("F", 3<<20))
		case "p":
			m.src.Send(engine.Command{Kind: engine.CmdPause})
		}
		m.keys++
	}
	return m, nil
}

func (m *testApp) View() tea.View {
	s := fmt.Sprintf("inloop-test title=%q ro=%v\nsize=%dx%d keys=%d\nstep=%d\nprofile=%s. background=%s.\n%s",
		m.opts.Title, m.opts.ReadOnly, m.w, m.h, m.keys, m.step, m.profile, m.background, m.opts.ReadOnlyReason)
	v := tea.NewView(s)
	v.AltScreen = true
	return v
}

// syncBuffer is a log destination safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is a running server on an ephemeral loopback port.
type testServer struct {
	*Server
	addr     string
	trainers *trainers
	log      *syncBuffer
	served   chan error
	once     sync.Once
}

// startServer runs a public own-mode server with fake runs and the test app;
// edit adjusts the Config first.
func startServer(t testing.TB, edit func(*Config)) *testServer {
	t.Helper()
	ts := &testServer{trainers: &trainers{}, log: &syncBuffer{}, served: make(chan error, 1)}
	cfg := Config{
		HostKeyPath: filepath.Join(t.TempDir(), "host_key"),
		Public:      true,
		Join:        JoinOwn,
		FPS:         60,
		StopTimeout: 2 * time.Second,
		NewTrainer:  ts.trainers.factory,
		App:         newTestApp,
		Log:         log.New(ts.log, "", 0),
		CrashDir:    filepath.Join(t.TempDir(), "crashes"),
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Server, ts.addr = s, l.Addr().String()
	go func() { ts.served <- s.Serve(l) }()
	t.Cleanup(func() { ts.shutdown(t) })
	return ts
}

// shutdown stops the server once and checks that Serve returned nil.
func (ts *testServer) shutdown(t testing.TB) {
	ts.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if err := ts.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		select {
		case err := <-ts.served:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(waitLimit):
			t.Error("Serve did not return after Shutdown")
		}
	})
}

// waitLog waits until the server log contains want.
func (ts *testServer) waitLog(t testing.TB, want string) string {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		if s := ts.log.String(); strings.Contains(s, want) {
			return s
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("server log never contained %q; log:\n%s", want, ts.log.String())
	return ""
}

// testKey is a deterministic Ed25519 client key.
func testKey(t testing.TB, seed byte) gossh.Signer {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writeAllowList writes an authorized_keys file with the given keys.
func writeAllowList(t testing.TB, keys ...gossh.Signer) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("# test allow-list\n\n")
	for _, k := range keys {
		b.Write(gossh.MarshalAuthorizedKey(k.PublicKey()))
	}
	path := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// anonymous authenticates like an OpenSSH client without keys: an empty
// keyboard-interactive exchange.
func anonymous() gossh.AuthMethod {
	return gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })
}

func withKey(k gossh.Signer) gossh.AuthMethod { return gossh.PublicKeys(k) }

func dial(addr string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "tester",
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         waitLimit,
	})
}

func mustDial(t testing.TB, addr string, auth ...gossh.AuthMethod) *gossh.Client {
	t.Helper()
	c, err := dial(addr, auth...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// term is one interactive session with a PTY, its screen emulated.
type term struct {
	sess   *gossh.Session
	stdin  io.WriteCloser
	screen *screen
	stderr *syncBuffer
	ended  chan error // Wait's result
}

func openTerm(t testing.TB, c *gossh.Client, w, h int) *term {
	t.Helper()
	return openTermAs(t, c, "xterm-256color", nil, w, h)
}

// openTermAs opens a session with the given TERM and environment.
func openTermAs(t testing.TB, c *gossh.Client, termType string, env map[string]string, w, h int) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatal(err)
		}
	}
	tm := &term{sess: sess, screen: newScreen(w, h), stderr: &syncBuffer{}, ended: make(chan error, 1)}
	if err := sess.RequestPty(termType, h, w, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		t.Fatal(err)
	}
	sess.Stdout = tm.screen
	sess.Stderr = tm.stderr
	if tm.stdin, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { tm.ended <- sess.Wait() }()
	t.Cleanup(func() { sess.Close() })
	return tm
}

// waitScreen waits until the screen contains every want.
func (tm *term) waitScreen(t testing.TB, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		s := tm.screen.String()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return s
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("screen never showed %q; screen:\n%s\nstderr: %q", want, tm.screen.String(), tm.stderr.String())
	return ""
}

// waitEnd waits for the session to end and returns its exit status.
func (tm *term) waitEnd(t testing.TB) int {
	t.Helper()
	select {
	case err := <-tm.ended:
		var exit *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &exit):
			return exit.ExitStatus()
		default:
			t.Fatalf("session ended without status: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatalf("session did not end; screen:\n%s", tm.screen.String())
	}
	return -1
}

func (tm *term) typeKeys(t testing.TB, s string) {
	t.Helper()
	if _, err := io.WriteString(tm.stdin, s); err != nil {
		t.Fatal(err)
	}
}

// stepAdvances waits until the shown step number grows past its current
// value: the run is live on this screen.
func (tm *term) stepAdvances(t testing.TB) {
	t.Helper()
	first := tm.shownStep(t)
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		if tm.shownStep(t) > first {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("step stayed at %d; screen:\n%s", first, tm.screen.String())
}

func (tm *term) shownStep(t testing.TB) int {
	t.Helper()
	s := tm.waitScreen(t, "step=")
	var step int
	i := strings.Index(s, "step=")
	fmt.Sscanf(s[i:], "step=%d", &step)
	return step
}
