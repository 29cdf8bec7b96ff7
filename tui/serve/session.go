package serve

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	bm "charm.land/wish/v2/bubbletea"
)

// ending is why a session ended: a label for the log, a line for the client
// ("" = say nothing) and the exit status.
type ending struct {
	log    string
	client string
	code   int
}

var (
	endShutdown = ending{"server shutdown", "the server is shutting down; goodbye.", 0}
	endPanic    = ending{"app panic", "the app hit an internal error and this session was closed; other sessions go on.", 1}
	endGone     = ending{"client closed", "", 0}
	endQuit     = ending{"quit", "", 0}
)

func endIdle(d time.Duration) ending {
	return ending{"idle timeout", fmt.Sprintf("no input for %s; session closed.", d), 0}
}

func endMax(d time.Duration) ending {
	return ending{"max timeout", fmt.Sprintf("sessions last at most %s; session closed.", d), 0}
}

// endStalled ends a session whose client took no output for d. Nothing is
// said: the client is not reading.
func endStalled(d time.Duration) ending {
	return ending{fmt.Sprintf("stalled: the client took no output for %s", d), "", 1}
}

// msgNoPTY tells a client that ran a command or passed -T what to do instead.
const msgNoPTY = "this server shows a live terminal app and needs a terminal (PTY): connect with plain 'ssh -p PORT HOST' (no command, no -T), or add -t."

// msgNoRun tells a client that no run could be started for it; the log says why.
const msgNoRun = "the server could not start a training run for this session; its operator's log says why."

// killAfter bounds a graceful quit: a program that has not ended this long
// after it was asked to is killed.
const killAfter = 5 * time.Second

// session is one running program, as Shutdown and the timers see it.
type session struct {
	prog      *tea.Program
	kill      context.CancelFunc // the program's context
	closeConn func()             // the last resort: unblocks output a client does not read
	out       *outputClock

	mu    sync.Mutex
	why   *ending // first reason given to end; nil when the app ended by itself
	timer *time.Timer
}

// end records why (the first reason wins) and asks the program to quit; if
// it has not within killAfter, it is killed and its connection closed.
func (s *session) end(why ending) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.why != nil {
		return
	}
	s.why = &why
	s.timer = time.AfterFunc(killAfter, func() {
		s.kill()
		s.closeConn()
	})
	// Quit blocks until the program runs or its context ends; never here.
	go s.prog.Quit()
}

// stopTimer stops the kill timer once the program has ended.
func (s *session) stopTimer() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
	}
}

func (s *session) reason() *ending {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.why
}

// logRecord is the one log line of a session.
type logRecord struct {
	start time.Time
	user  string
	key   string
	addr  string
	run   string
	end   string
}

func (s *Server) logSession(r logRecord) {
	s.cfg.Log.Printf("session user=%q key=%s addr=%s run=%q duration=%s end=%q",
		r.user, r.key, r.addr, r.run, time.Since(r.start).Round(time.Millisecond), r.end)
}

// handle serves one SSH session: checks, a run, the app, and the goodbye.
func (s *Server) handle(sess ssh.Session) {
	key := sess.PublicKey()
	rec := logRecord{start: time.Now(), user: sess.User(), key: fingerprint(key), addr: sess.RemoteAddr().String(), run: "-"}
	defer func() {
		// A panic outside the program (panicGuard catches the app's) ends
		// this session only; its stack goes to a crash file, not the log.
		if r := recover(); r != nil {
			rec.end = "panic: " + s.logPanic(rec.addr, r, debug.Stack())
			fmt.Fprintf(sess.Stderr(), "\r\ninloop: %s\r\n", endPanic.client)
			_ = sess.Exit(1)
		}
		s.logSession(rec)
	}()

	// Re-check the key the client proved, not the last one the public-key
	// callback was shown (the misuse behind CVE-2024-45337).
	entry, why := s.allow.lookup(key, sess.RemoteAddr(), time.Now())
	listed := entry != nil
	if why != "" {
		rec.key += " (" + why + ")"
	}
	if !listed && !s.cfg.Public {
		s.refuse(sess, &rec, "your key is not on this server's allow-list.")
		return
	}
	if listed {
		if msg := entry.refusal(); msg != "" {
			s.refuse(sess, &rec, msg)
			return
		}
	}
	if _, _, ok := sess.Pty(); !ok {
		s.refuse(sess, &rec, msgNoPTY)
		return
	}
	if msg := s.takeSlot(); msg != "" {
		s.refuse(sess, &rec, msg)
		return
	}
	defer s.releaseSlot()
	att, err := s.runs.attach(listed)
	if err != nil {
		// The reason (paths, files) is the operator's, not the client's.
		s.cfg.Log.Printf("run for %s: %v", rec.addr, err)
		s.refuse(sess, &rec, msgNoRun)
		return
	}
	rec.run = att.run
	defer func() {
		// After the client was let go: free the subscriptions, stop an own
		// run (it checkpoints if it has a run directory).
		att.src.close()
		if how := att.release(); how != "" {
			rec.run += " (" + how + ")"
		}
	}()
	end := s.runApp(sess, att)
	rec.end = end.log
	if end.client != "" {
		fmt.Fprintf(sess.Stderr(), "\r\ninloop: %s\r\n", end.client)
	}
	_ = sess.Exit(end.code)
}

// refuse tells the client why it cannot have a session and ends it.
func (s *Server) refuse(sess ssh.Session, rec *logRecord, msg string) {
	fmt.Fprintf(sess.Stderr(), "inloop: %s\r\n", strings.TrimSuffix(msg, "\n"))
	_ = sess.Exit(1)
	rec.end = "refused: " + msg
}

// takeSlot reserves a session slot; it returns why not, or "".
func (s *Server) takeSlot() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return endShutdown.client
	}
	if s.cfg.MaxSessions > 0 && s.active >= s.cfg.MaxSessions {
		return fmt.Sprintf("the server is full (%d sessions); try again later.", s.cfg.MaxSessions)
	}
	s.active++
	s.handlers.Add(1)
	return ""
}

func (s *Server) releaseSlot() {
	s.mu.Lock()
	s.active--
	s.mu.Unlock()
	s.handlers.Done()
}

// register makes a running session visible to Shutdown; false if the
// server is already closing.
func (s *Server) register(se *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.sessions[se] = struct{}{}
	return true
}

func (s *Server) unregister(se *session) {
	s.mu.Lock()
	delete(s.sessions, se)
	s.mu.Unlock()
}

// runApp runs the app on the session until it quits, the client leaves, a
// timer or Shutdown ends it; it returns why it ended.
func (s *Server) runApp(sess ssh.Session, att attachment) ending {
	pty, resizes, _ := sess.Pty()
	// The program's own context, not the connection's: a lost connection
	// ends the program through a graceful quit (see quitGate), and the
	// context is cancelled only as a last resort or once the program ended.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := sess.RemoteAddr().String()
	se := &session{kill: cancel, closeConn: func() { closeConn(sess) }}
	in := newInputClock(sess, func() { se.end(endGone) })
	out := &outputClock{w: sess}
	se.out = out
	gate := &quitGate{in: in}
	var clampOnce sync.Once
	clamp := func(w ssh.Window) (int, int) {
		cols, rows, clamped := clampWindow(w.Width, w.Height)
		if clamped {
			clampOnce.Do(func() {
				s.cfg.Log.Printf("session from %s: window %dx%d is larger than %dx%d; drawn at %dx%d",
					addr, w.Width, w.Height, MaxWindowCols, MaxWindowRows, cols, rows)
			})
		}
		return cols, rows
	}
	cols, rows := clamp(pty.Window)
	model := newPanicGuard(s.cfg.App(att.src, att.opts), func(r any, stack []byte) {
		s.logPanic(addr, r, stack)
		se.end(endPanic)
	})
	opts := append(bm.MakeOptions(sess), // TERM, environment, colour profile
		tea.WithInput(in),
		tea.WithOutput(out),
		tea.WithWindowSize(cols, rows),
		tea.WithFilter(gate.filter), // replaces MakeOptions' suspend filter; does its job too
		tea.WithContext(ctx),
		tea.WithFPS(s.cfg.FPS),
	)
	se.prog = tea.NewProgram(model, opts...)
	gate.prog = se.prog
	if !s.register(se) {
		return endShutdown
	}
	defer s.unregister(se)

	var helpers sync.WaitGroup
	helpers.Add(2)
	go func() {
		defer helpers.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case w, ok := <-resizes:
				if !ok {
					return
				}
				cols, rows := clamp(w)
				se.prog.Send(tea.WindowSizeMsg{Width: cols, Height: rows})
			}
		}
	}()
	go func() {
		defer helpers.Done()
		s.watch(ctx, sess.Context(), se, in, out)
	}()
	_, err := se.prog.Run()
	in.shut.Store(true)
	se.stopTimer()
	cancel() // unblocks pending Sends and the helpers
	helpers.Wait()

	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		return endPanic
	case se.reason() != nil:
		return *se.reason()
	case err != nil:
		return ending{"app error: " + err.Error(), "the app stopped with an error.", 1}
	}
	return endQuit
}

// watch ends the session when the connection is lost, after IdleTimeout
// without input, after WriteTimeout with output the client does not take
// (closing its connection at once) or after MaxTimeout in any case.
func (s *Server) watch(ctx, conn context.Context, se *session, in *inputClock, out *outputClock) {
	var maxC, idleC, stallC <-chan time.Time
	if d := s.cfg.WriteTimeout; d > 0 {
		t := time.NewTicker(min(max(d/4, 10*time.Millisecond), time.Second))
		defer t.Stop()
		stallC = t.C
	}
	if d := s.cfg.MaxTimeout; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		maxC = t.C
	}
	if d := s.cfg.IdleTimeout; d > 0 {
		t := time.NewTicker(min(max(d/4, 10*time.Millisecond), 5*time.Second))
		defer t.Stop()
		idleC = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-conn.Done():
			se.end(endGone)
			return
		case <-maxC:
			se.end(endMax(s.cfg.MaxTimeout))
			return
		case <-idleC:
			if in.idleFor() >= s.cfg.IdleTimeout {
				se.end(endIdle(s.cfg.IdleTimeout))
				return
			}
		case <-stallC:
			if out.stalledFor() >= s.cfg.WriteTimeout {
				se.end(endStalled(s.cfg.WriteTimeout))
				se.closeConn()
				return
			}
		}
	}
}

// closeConn closes the session's SSH connection: every write waiting for
// the client fails, whatever the client does.
func closeConn(sess ssh.Session) {
	if c, ok := sess.Context().Value(ssh.ContextKeyConn).(interface{ Close() error }); ok {
		_ = c.Close()
	}
}

// logPanic writes a session's panic to the log as one line, its stack to a
// file of its own; it returns the line's text.
func (s *Server) logPanic(addr string, r any, stack []byte) string {
	what := strings.Join(strings.Fields(fmt.Sprint(r)), " ")
	if len(what) > 200 {
		what = what[:200] + "…"
	}
	line := fmt.Sprintf("%s (stack in %s)", what, s.crashes.save(addr, r, stack))
	s.cfg.Log.Printf("panic in session from %s: %s", addr, line)
	return line
}
