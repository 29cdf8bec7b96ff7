package serve

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// openBigTerm opens a session announcing a cols×rows terminal; its screen
// is emulated at the size the server promises to draw at most.
func openBigTerm(t testing.TB, c *gossh.Client, cols, rows int) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{sess: sess, screen: newScreen(MaxWindowCols, MaxWindowRows), stderr: &syncBuffer{}, ended: make(chan error, 1)}
	if err := sess.RequestPty("xterm-256color", rows, cols, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		t.Fatal(err)
	}
	sess.Stdout, sess.Stderr = tm.screen, tm.stderr
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

// A 3000×3000 pty-req and a 4294967295×4294967295 window-change are drawn
// at the documented maximum, and the session goes on.
func TestOversizedWindowClamped(t *testing.T) {
	ts := startServer(t, nil)
	tm := openBigTerm(t, mustDial(t, ts.addr, anonymous()), 3000, 3000)
	want := fmt.Sprintf("size=%dx%d", MaxWindowCols, MaxWindowRows)
	tm.waitScreen(t, want)
	ts.waitLog(t, fmt.Sprintf("window 3000x3000 is larger than %[1]dx%[2]d; drawn at %[1]dx%[2]d", MaxWindowCols, MaxWindowRows))

	if err := tm.sess.WindowChange(4294967295, 4294967295); err != nil {
		t.Fatal(err)
	}
	if err := tm.sess.WindowChange(MaxWindowRows+1, 120); err != nil {
		t.Fatal(err)
	}
	tm.waitScreen(t, fmt.Sprintf("size=120x%d", MaxWindowRows))
	tm.typeKeys(t, "x")
	tm.waitScreen(t, "keys=1")
	tm.stepAdvances(t)
	tm.typeKeys(t, "q")
	if code := tm.waitEnd(t); code != 0 {
		t.Errorf("exit status %d after oversized windows", code)
	}
	ts.waitLog(t, `end="quit"`)
}

func TestClampWindow(t *testing.T) {
	const mc, mr = MaxWindowCols, MaxWindowRows
	for _, c := range []struct{ w, h, ww, wh int }{
		{80, 24, 80, 24}, {mc, mr, mc, mr}, {mc + 1, 10, mc, 10}, {3000, 3000, mc, mr},
		{4294967295, 4294967295, mc, mr}, {-5, 30, 0, 30},
	} {
		w, h, clamped := clampWindow(c.w, c.h)
		if w != c.ww || h != c.wh || clamped != (w != c.w || h != c.h) {
			t.Errorf("clampWindow(%d, %d) = %d, %d, %v", c.w, c.h, w, h, clamped)
		}
	}
}

// openStalledTerm opens a session with the largest window whose client
// never reads its output (the SSH window fills, then the server's writes
// wait); with the test app it types F to fill the window at once.
func openStalledTerm(t testing.TB, c *gossh.Client) *gossh.Session {
	sess, _, _ := openStalledTermTyping(t, c, "F")
	return sess
}

// openStalledTermTyping is openStalledTerm typing keys; it also returns the
// unread output, to be drained once the test is done with the stall, and
// the input, to type more.
func openStalledTermTyping(t testing.TB, c *gossh.Client, keys string) (*gossh.Session, io.Reader, io.Writer) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", MaxWindowRows, MaxWindowCols, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe() // not read
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := sess.StdinPipe() // open: the client is there
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(stdin, keys); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess, stdout, stdin
}

// A client that takes no output is ended after WriteTimeout; its slot and
// its subscriptions are freed, and other sessions go on.
func TestStalledClientEnded(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.Join = JoinShared
		c.WriteTimeout = 300 * time.Millisecond
	})
	other := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	other.waitScreen(t, "inloop-test")
	openStalledTerm(t, mustDial(t, ts.addr, anonymous()))
	ts.waitLog(t, `end="stalled: the client took no output for 300ms"`)
	ts.mu.Lock()
	active := ts.active
	ts.mu.Unlock()
	if active != 1 {
		t.Errorf("%d sessions hold slots after the stalled one ended, want 1", active)
	}
	other.stepAdvances(t)
	if n := ts.trainers.byID("shared").subscribers(); n != 1 {
		t.Errorf("shared run has %d subscribers, want 1", n)
	}
}

// With a client that never reads (and no WriteTimeout), Shutdown still
// stops the runs first, closes the session and returns nil.
func TestShutdownWithStalledClient(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Join = JoinShared })
	sess := openStalledTerm(t, mustDial(t, ts.addr, anonymous()))
	ts.waitStalled(t)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	select {
	case <-ts.trainers.byID("shared").done:
	default:
		t.Error("the shared run still runs after Shutdown")
	}
	log := ts.waitLog(t, "session user=")
	if !strings.Contains(log, "run shared stopped") {
		t.Errorf("the shared run was not stopped by Shutdown; log:\n%s", log)
	}
	if err := sess.Wait(); err == nil {
		t.Error("the stalled session ended cleanly; want it cut")
	}
}

// A panic in a session: one log line naming a file that holds the stack;
// no stack in the log.
func TestPanicStackInItsOwnFile(t *testing.T) {
	ts := startServer(t, nil)
	tm := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	tm.waitScreen(t, "inloop-test")
	tm.typeKeys(t, "!")
	tm.waitEnd(t)
	log := ts.waitLog(t, `end="app panic"`)
	var lines []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "panic") {
			lines = append(lines, l)
		}
	}
	if strings.Contains(log, "goroutine ") || len(lines) != 2 {
		t.Fatalf("log holds a stack or not one panic line (and the session's):\n%s", log)
	}
	i := strings.Index(lines[0], "(stack in ")
	if i < 0 {
		t.Fatalf("panic line names no stack file: %s", lines[0])
	}
	file := strings.TrimSuffix(lines[0][i+len("(stack in "):], ")")
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), "test app: panic on request") || !strings.Contains(string(b), "goroutine ") {
		t.Fatalf("stack file %s: %v\n%s", file, err, b)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
		t.Errorf("stack file mode %v, want 0600", st.Mode().Perm())
	}
}

// writeKeys writes an authorized_keys file from the given lines.
func writeKeys(t testing.TB, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func keyLine(k gossh.Signer) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey())))
}

// authorized_keys options are honoured as sshd honours them.
func TestAuthorizedKeysOptions(t *testing.T) {
	far, restricted, nopty, ptyBack, near, expired, unknown := testKey(t, 1), testKey(t, 2), testKey(t, 3), testKey(t, 4), testKey(t, 5), testKey(t, 6), testKey(t, 7)
	keys := writeKeys(t,
		`from="10.9.9.9" `+keyLine(far),
		`restrict,command="/usr/bin/false",no-pty `+keyLine(restricted),
		`no-pty `+keyLine(nopty),
		`restrict,pty `+keyLine(ptyBack),
		`from="!10.0.0.0/8,127.0.0.0/8,::1" `+keyLine(near),
		`expiry-time="20200101" `+keyLine(expired),
		`cert-authority `+keyLine(unknown),
	)
	ts := startServer(t, func(c *Config) {
		c.Public = false
		c.AuthorizedKeys = keys
		c.Join = JoinShared
	})
	log := ts.log.String()
	for _, want := range []string{`line 2: command="/usr/bin/false"`, `line 7: key not accepted: option "cert-authority" cannot be honoured`} {
		if !strings.Contains(log, want) {
			t.Errorf("load log lacks %q:\n%s", want, log)
		}
	}
	for name, k := range map[string]gossh.Signer{"from= elsewhere": far, "expired": expired, "cert-authority": unknown} {
		if c, err := dial(ts.addr, withKey(k)); err == nil {
			c.Close()
			t.Errorf("%s: key accepted from 127.0.0.1", name)
		}
	}
	for name, c := range map[string]struct {
		k    gossh.Signer
		want string
	}{
		"restrict,command=": {restricted, "fixed command"},
		"no-pty":            {nopty, "may not have a terminal"},
	} {
		tm := openTerm(t, mustDial(t, ts.addr, withKey(c.k)), 80, 24)
		if code := tm.waitEnd(t); code != 1 || !strings.Contains(tm.stderr.String(), c.want) {
			t.Errorf("%s: exit %d, told %q", name, code, tm.stderr.String())
		}
	}
	for _, k := range []gossh.Signer{ptyBack, near} {
		tm := openTerm(t, mustDial(t, ts.addr, withKey(k)), 80, 24)
		tm.waitScreen(t, `ro=false`)
	}
}

// In a public server, a listed key whose from= does not admit the client
// watches read-only, like any key not listed.
func TestFromMismatchIsNotListed(t *testing.T) {
	far := testKey(t, 1)
	ts := startServer(t, func(c *Config) {
		c.AuthorizedKeys = writeKeys(t, `from="10.9.9.9" `+keyLine(far))
		c.Join = JoinShared
	})
	tm := openTerm(t, mustDial(t, ts.addr, withKey(far)), 80, 24)
	tm.waitScreen(t, `ro=true`)
	tm.typeKeys(t, "q")
	tm.waitEnd(t)
	ts.waitLog(t, "from= does not admit 127.0.0.1")
}

func TestMatchFrom(t *testing.T) {
	addr := func(s string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(s), Port: 22} }
	for _, c := range []struct {
		patterns string
		ip       string
		want     bool
	}{
		{"127.0.0.1", "127.0.0.1", true},
		{"10.9.9.9", "127.0.0.1", false},
		{"127.0.0.*", "127.0.0.1", true},
		{"127.0.0.?", "127.0.0.12", false},
		{"10.0.0.0/8", "10.1.2.3", true},
		{"10.0.0.0/8,!10.1.0.0/16", "10.1.2.3", false},
		{"!10.1.0.0/16,*", "10.1.2.3", false},
		{"!10.1.0.0/16,*", "192.168.1.1", true},
		{"::1", "::1", true},
		{"*.example.com", "127.0.0.1", false},
	} {
		if got := matchFrom(strings.Split(c.patterns, ","), addr(c.ip)); got != c.want {
			t.Errorf("from=%q for %s: %v, want %v", c.patterns, c.ip, got, c.want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	for _, c := range []struct {
		opts  []string
		noPTY bool
		cmd   string
		bad   bool
	}{
		{nil, false, "", false},
		{[]string{"restrict"}, true, "", false},
		{[]string{"restrict", "pty"}, false, "", false},
		{[]string{"no-pty"}, true, "", false},
		{[]string{`command="echo \"hi\""`}, false, `echo "hi"`, false},
		{[]string{"no-port-forwarding", "no-agent-forwarding", "no-X11-forwarding", `permitopen="host:1"`}, false, "", false},
		{[]string{"verify-required"}, false, "", true},
		{[]string{"principals=\"a\""}, false, "", true},
		{[]string{"frobnicate"}, false, "", true},
		{[]string{`expiry-time="2020"`}, false, "", true},
		{[]string{`from=10.0.0.1`}, false, "", true},
		{[]string{`from="10.0.0.0/33"`}, false, "", true},
	} {
		var e allowEntry
		_, err := e.parseOptions(c.opts)
		if (err != nil) != c.bad || e.noPTY != c.noPTY || e.command != c.cmd {
			t.Errorf("%q: noPTY %v command %q err %v", c.opts, e.noPTY, e.command, err)
		}
	}
	if ts, err := parseExpiry("20301231Z"); err != nil || !ts.Equal(time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("expiry: %v, %v", ts, err)
	}
}

// waitStalled waits until a session's output has waited for its client
// for a while: the client's SSH window is full.
func (ts *testServer) waitStalled(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		ts.mu.Lock()
		stalled := false
		for se := range ts.sessions {
			stalled = stalled || se.out.stalledFor() > 100*time.Millisecond
		}
		ts.mu.Unlock()
		if stalled {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no session's output stalled")
}
