package serve

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"inloop/engine"
)

// A session with a PTY gets the app: it draws, follows the run, answers
// keys and resizes; quitting ends the session and stops its own run.
func TestSessionGetsApp(t *testing.T) {
	ts := startServer(t, nil)
	tm := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)

	tm.waitScreen(t, `inloop-test title="your run" ro=false`, "size=80x24")
	tm.stepAdvances(t)
	tm.typeKeys(t, "x")
	tm.waitScreen(t, "keys=1")
	tm.screen.Resize(100, 30)
	if err := tm.sess.WindowChange(30, 100); err != nil {
		t.Fatal(err)
	}
	tm.waitScreen(t, "size=100x30")

	tm.typeKeys(t, "q")
	if code := tm.waitEnd(t); code != 0 {
		t.Errorf("exit status %d after quit, want 0", code)
	}
	logged := ts.waitLog(t, `end="quit"`)
	run := ts.trainers.byID("session-1")
	if run == nil {
		t.Fatalf("no own run session-1 was started; log:\n%s", logged)
	}
	select {
	case <-run.done:
	case <-time.After(waitLimit):
		t.Fatal("the session's run was not stopped when the session ended")
	}
	if got := run.received(); len(got) == 0 || got[len(got)-1].Kind != engine.CmdStop {
		t.Errorf("run got commands %v, want a final stop (checkpoint)", got)
	}
	if !strings.Contains(logged, `user="tester" key=none addr=127.0.0.1:`) || !strings.Contains(logged, "duration=") {
		t.Errorf("log line lacks who, key, address or duration:\n%s", logged)
	}
}

// With an allow-list and no --public, an unlisted key cannot log in and a
// listed one can.
func TestUnlistedKeyRefused(t *testing.T) {
	listed, unlisted := testKey(t, 1), testKey(t, 2)
	ts := startServer(t, func(c *Config) {
		c.Public = false
		c.AuthorizedKeys = writeAllowList(t, listed)
	})
	if c, err := dial(ts.addr, withKey(unlisted)); err == nil {
		c.Close()
		t.Fatal("unlisted key was let in")
	}
	if c, err := dial(ts.addr, anonymous()); err == nil {
		c.Close()
		t.Fatal("anonymous client was let in without --public")
	}
	ts.waitLog(t, "refused addr=127.0.0.1:")

	tm := openTerm(t, mustDial(t, ts.addr, withKey(listed)), 80, 24)
	tm.waitScreen(t, "ro=false")
	want := "key=" + gossh.FingerprintSHA256(listed.PublicKey())
	tm.sess.Close()
	ts.waitLog(t, want)
}

// A session without a PTY is told why and ends with status 1.
func TestNoPTYRefused(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr, anonymous())
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.CombinedOutput("inloop")
	var exit *gossh.ExitError
	if !asExit(err, &exit) || exit.ExitStatus() != 1 {
		t.Errorf("exit: %v, want status 1", err)
	}
	if !strings.Contains(string(out), "needs a terminal (PTY)") {
		t.Errorf("client saw %q, want the PTY message", out)
	}
	if n := ts.trainers.count(); n != 0 {
		t.Errorf("%d runs started for a refused session", n)
	}
	ts.waitLog(t, `end="refused: this server shows a live terminal app`)
}

func asExit(err error, target **gossh.ExitError) bool {
	e, ok := err.(*gossh.ExitError)
	if ok {
		*target = e
	}
	return ok
}

// --max-sessions: the session over the cap is told the server is full; a
// slot freed by a closing session can be taken again.
func TestMaxSessions(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxSessions = 1 })
	first := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	first.waitScreen(t, "inloop-test")

	second := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	if code := second.waitEnd(t); code != 1 {
		t.Errorf("full server: exit status %d, want 1", code)
	}
	if got := second.stderr.String(); !strings.Contains(got, "the server is full (1 sessions)") {
		t.Errorf("full server told the client %q", got)
	}

	first.typeKeys(t, "q")
	first.waitEnd(t)
	ts.waitLog(t, `end="quit"`)
	third := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	third.waitScreen(t, "inloop-test")
}

// --max-trainers in own mode: sessions over the cap watch the shared run,
// read-only for keys not on the allow-list.
func TestOwnRunsCappedThenShared(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxTrainers = 1 })
	own := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	own.waitScreen(t, `title="your run" ro=false`)
	watcher := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	watcher.waitScreen(t, `title="shared run" ro=true`, reasonAnonymous)
	watcher.stepAdvances(t)
	if ts.trainers.byID("shared") == nil || ts.trainers.count() != 2 {
		t.Errorf("runs started: %d, want session-1 and shared", ts.trainers.count())
	}
}

// Shared mode: everyone watches one run; only listed keys may steer it.
func TestSharedRunOnlyListedKeysSteer(t *testing.T) {
	admin := testKey(t, 1)
	ts := startServer(t, func(c *Config) {
		c.Join = JoinShared
		c.AuthorizedKeys = writeAllowList(t, admin)
	})
	viewer := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	viewer.waitScreen(t, `title="shared run" ro=true`, reasonNoKey)
	steerer := openTerm(t, mustDial(t, ts.addr, withKey(admin)), 80, 24)
	steerer.waitScreen(t, `title="shared run" ro=false`)

	shared := ts.trainers.byID("shared")
	viewer.typeKeys(t, "p")
	viewer.waitScreen(t, "keys=1")
	if got := shared.received(); len(got) != 0 {
		t.Fatalf("a read-only session's command reached the run: %v", got)
	}
	steerer.typeKeys(t, "p")
	steerer.waitScreen(t, "keys=1")
	if got := shared.received(); len(got) != 1 || got[0].Kind != engine.CmdPause {
		t.Errorf("run got %v, want the listed key's pause", got)
	}
	if ts.trainers.count() != 1 {
		t.Errorf("%d runs in shared mode, want 1", ts.trainers.count())
	}
}

// A panic in one session's app ends that session only.
func TestPanicEndsOneSession(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Join = JoinShared })
	victim := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	other := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	victim.waitScreen(t, "inloop-test")
	other.waitScreen(t, "inloop-test")

	victim.typeKeys(t, "!")
	if code := victim.waitEnd(t); code != 1 {
		t.Errorf("panicked session: exit status %d, want 1", code)
	}
	if got := victim.stderr.String(); !strings.Contains(got, "internal error") {
		t.Errorf("panicked session was told %q", got)
	}
	ts.waitLog(t, `end="app panic"`)

	other.typeKeys(t, "x")
	other.waitScreen(t, "keys=1")
	other.stepAdvances(t)
	if n := ts.trainers.byID("shared").subscribers(); n != 1 {
		t.Errorf("shared run has %d subscribers, want 1 (the panicked session's freed)", n)
	}
}

// Without input for --idle-timeout the session is closed with a message,
// although the app keeps drawing.
func TestIdleTimeout(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.IdleTimeout = 200 * time.Millisecond })
	tm := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	tm.waitScreen(t, "inloop-test")
	if code := tm.waitEnd(t); code != 0 {
		t.Errorf("idle session: exit status %d, want 0", code)
	}
	if got := tm.stderr.String(); !strings.Contains(got, "no input for 200ms") {
		t.Errorf("idle session was told %q", got)
	}
	ts.waitLog(t, `end="idle timeout"`)
}

// --max-timeout ends even a busy session.
func TestMaxTimeout(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxTimeout = 200 * time.Millisecond })
	tm := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	tm.waitScreen(t, "inloop-test")
	tm.waitEnd(t)
	if got := tm.stderr.String(); !strings.Contains(got, "sessions last at most 200ms") {
		t.Errorf("session was told %q", got)
	}
}

// Shutdown tells sessions, stops every run and returns.
func TestShutdownTellsSessionsAndStopsRuns(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxTrainers = 1 })
	own := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	own.waitScreen(t, `title="your run"`)
	watcher := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	watcher.waitScreen(t, `title="shared run"`)

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tm := range []*term{own, watcher} {
		tm.waitEnd(t)
		if got := tm.stderr.String(); !strings.Contains(got, "shutting down") {
			t.Errorf("session was told %q at shutdown", got)
		}
	}
	for _, id := range []string{"session-1", "shared"} {
		run := ts.trainers.byID(id)
		select {
		case <-run.done:
		default:
			t.Errorf("run %s still going after Shutdown", id)
		}
	}
	if _, err := dial(ts.addr, anonymous()); err == nil {
		t.Error("a connection was accepted after Shutdown")
	}
}

// The host key is generated once with mode 0600 and reused; a key others may
// read is refused.
func TestHostKeyReusedAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "host_ed25519")
	first := startServer(t, func(c *Config) { c.HostKeyPath = path })
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("new host key has mode %04o, want 0600", perm)
	}
	want := first.HostKey()
	first.shutdown(t)

	second := startServer(t, func(c *Config) { c.HostKeyPath = path })
	if !bytesEqual(second.HostKey().Marshal(), want.Marshal()) {
		t.Fatal("restart generated a new host key")
	}
	c, err := gossh.Dial("tcp", second.addr, &gossh.ClientConfig{
		User: "tester", Auth: []gossh.AuthMethod{anonymous()},
		HostKeyCallback: gossh.FixedHostKey(want), Timeout: waitLimit,
	})
	if err != nil {
		t.Fatalf("client pinning the first host key: %v", err)
	}
	c.Close()

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = New(Config{HostKeyPath: path, Public: true, NewTrainer: (&trainers{}).factory, App: newTestApp})
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable host key: err = %v, want a refusal naming chmod 600", err)
	}
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// Connection attempts over the per-address budget are dropped before the
// handshake.
func TestRateLimitRefusesConnections(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.ConnRate, c.ConnBurst = 0.001, 2 })
	for i := range 2 {
		c, err := dial(ts.addr, anonymous())
		if err != nil {
			t.Fatalf("attempt %d within the burst: %v", i+1, err)
		}
		c.Close()
	}
	if c, err := dial(ts.addr, anonymous()); err == nil {
		c.Close()
		t.Fatal("third attempt was let through, want it rate-limited")
	}
	ts.waitLog(t, `refused addr=127.0.0.1 reason="rate limit`)
}

func TestConnLimiterBucket(t *testing.T) {
	now := time.Unix(0, 0)
	l := newConnLimiter(0.5, 2, func() time.Time { return now })
	for i, want := range []struct{ ok, first bool }{{true, false}, {true, false}, {false, true}, {false, false}} {
		ok, first := l.allow("10.0.0.1")
		if ok != want.ok || first != want.first {
			t.Errorf("attempt %d: allow = %v, first denial = %v; want %v, %v", i+1, ok, first, want.ok, want.first)
		}
	}
	if ok, _ := l.allow("10.0.0.2"); !ok {
		t.Error("another address shares the bucket")
	}
	now = now.Add(2 * time.Second) // 0.5/s refills one token
	if ok, _ := l.allow("10.0.0.1"); !ok {
		t.Error("no token after the refill time")
	}
	if ok, first := l.allow("10.0.0.1"); ok || !first {
		t.Errorf("after using the refill: allow = %v, first denial = %v; want false, true", ok, first)
	}
}

func TestConfigRefusesNobody(t *testing.T) {
	_, err := New(Config{HostKeyPath: filepath.Join(t.TempDir(), "k"), NewTrainer: (&trainers{}).factory, App: newTestApp})
	if err == nil {
		t.Fatal("a server nobody may use was accepted")
	}
	_, err = New(Config{HostKeyPath: filepath.Join(t.TempDir(), "k"), Public: true, Join: "everyone", NewTrainer: (&trainers{}).factory, App: newTestApp})
	if err == nil || !strings.Contains(err.Error(), "accepted: own, shared") {
		t.Errorf("bad join mode: %v", err)
	}
}

func TestAllowListErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("# ok\nnot-a-key AAAA\n"), 0o600)
	if _, err := loadAllowList(bad, nil); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: %v, want an error naming line 2", err)
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("# nothing\n"), 0o600)
	if _, err := loadAllowList(empty, nil); err == nil {
		t.Error("an allow-list without keys was accepted")
	}
}

// Keys typed together with the quitting one ("qq") must not leave the
// session's input reader blocked behind a program that has ended.
func TestQuitWithTypeAheadLeavesNoReader(t *testing.T) {
	ts := startServer(t, nil)
	for range 3 {
		tm := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
		tm.waitScreen(t, "inloop-test")
		tm.typeKeys(t, "qqxx\tq")
		tm.waitEnd(t)
	}
	ts.waitLog(t, `end="quit"`)
	deadline := time.Now().Add(waitLimit)
	for {
		stuck := 0
		for _, g := range goroutineStacks() {
			if strings.Contains(g, "TerminalReader).StreamEvents") {
				stuck++
			}
		}
		if stuck == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d input readers still running after their sessions quit", stuck)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Each session's program sees its own terminal: size and colour profile
// from that client's TERM and environment (not the server's), background
// colour from that client's answer.
func TestSessionsHaveTheirOwnTerminal(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Join = JoinShared })
	c := mustDial(t, ts.addr, anonymous())
	rich := openTermAs(t, c, "xterm-256color", nil, 120, 40)
	plain := openTermAs(t, c, "xterm-256color", map[string]string{"NO_COLOR": "1"}, 80, 24)
	rich.waitScreen(t, "size=120x40", "profile=ANSI256.")
	plain.waitScreen(t, "size=80x24", "profile=Ascii.")

	// Each terminal answers the app's background query for itself.
	for _, tm := range []*term{rich, plain} {
		deadline := time.Now().Add(waitLimit)
		for tm.screen.backgroundQueries() == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the app never asked the terminal for its background colour")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	rich.typeKeys(t, "\x1b]11;rgb:0000/0000/0000\x07")
	plain.typeKeys(t, "\x1b]11;rgb:ffff/ffff/ffff\x07")
	rich.waitScreen(t, "background=dark.")
	plain.waitScreen(t, "background=light.")
}

// unprovenSigner offers a public key it cannot sign with: the public-key
// callback sees the key, but the client never proves it.
type unprovenSigner struct{ gossh.Signer }

func (unprovenSigner) Sign(io.Reader, []byte) (*gossh.Signature, error) {
	return nil, errors.New("no private key")
}

// A client that shows a listed key it does not hold and then logs in
// anonymously must not be taken for the key's owner (CVE-2024-45337).
func TestOfferedButUnprovenKeyDoesNotSteer(t *testing.T) {
	admin := testKey(t, 1)
	ts := startServer(t, func(c *Config) {
		c.Join = JoinShared
		c.AuthorizedKeys = writeAllowList(t, admin)
	})
	c := mustDial(t, ts.addr, gossh.PublicKeys(unprovenSigner{admin}), anonymous())
	tm := openTerm(t, c, 80, 24)
	tm.waitScreen(t, "ro=true", reasonNoKey)
	tm.sess.Close()
	ts.waitLog(t, `key=none`)
}

// A panic in one of the app's commands (its own goroutine) also ends only
// that session.
func TestPanicInCommandEndsOneSession(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Join = JoinShared })
	victim := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	other := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	victim.waitScreen(t, "inloop-test")
	other.waitScreen(t, "inloop-test")
	victim.typeKeys(t, "@")
	if code := victim.waitEnd(t); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	ts.waitLog(t, `end="app panic"`)
	other.typeKeys(t, "x")
	other.waitScreen(t, "keys=1")
}

// A run that does not stop when asked is cancelled after StopTimeout, so
// Shutdown still ends in bounded time.
func TestShutdownCancelsARunThatWillNotStop(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.StopTimeout = 100 * time.Millisecond })
	ts.trainers.mu.Lock()
	ts.trainers.deaf = true
	ts.trainers.mu.Unlock()
	tm := openTerm(t, mustDial(t, ts.addr, anonymous()), 80, 24)
	tm.waitScreen(t, `title="your run"`)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	ts.waitLog(t, `run="own session-1 (cancelled after stop timeout)"`)
}
