package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// handshakeTimeout bounds the SSH handshake, so half-open connections cannot
// pile up.
const handshakeTimeout = 20 * time.Second

// timeoutGrace lets a session end by its own idle or max timer, with a
// message to the client, before the connection's hard deadline cuts it.
const timeoutGrace = 10 * time.Second

// Server serves the app over SSH. Create it with New, run it with Serve and
// stop it with Shutdown.
type Server struct {
	cfg     Config
	ssh     *ssh.Server
	hostKey gossh.PublicKey
	allow   *allowList
	limiter *connLimiter
	runs    *runPool
	crashes *crashLog

	mu        sync.Mutex
	closing   bool
	listeners []net.Listener
	active    int // sessions holding a slot
	sessions  map[*session]struct{}
	handlers  sync.WaitGroup // session handlers that hold a slot
}

// New checks cfg, loads (or creates) the host key and the allow-list, and
// prepares the shared run in JoinShared mode so a bad run config fails here.
func New(cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	signer, err := loadHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, hostKey: signer.PublicKey(), sessions: map[*session]struct{}{}, crashes: &crashLog{dir: cfg.CrashDir}}
	if cfg.AuthorizedKeys != "" {
		if s.allow, err = loadAllowList(cfg.AuthorizedKeys, cfg.Log); err != nil {
			return nil, err
		}
	}
	if cfg.ConnRate > 0 || cfg.ConnBurst > 0 {
		s.limiter = newConnLimiter(cfg.ConnRate, max(cfg.ConnBurst, 1), time.Now)
	}
	s.runs = &runPool{cfg: &s.cfg}
	s.ssh = &ssh.Server{
		Handler:                  s.handle,
		HostSigners:              []ssh.Signer{signer},
		Version:                  "inloop",
		HandshakeTimeout:         handshakeTimeout,
		PublicKeyHandler:         s.checkKey,
		ConnCallback:             s.admitConn,
		ConnectionFailedCallback: s.connFailed,
	}
	// Connection deadlines are backstops (for connections that never open
	// a session); sessions keep their own timers on input, not traffic.
	if cfg.IdleTimeout > 0 {
		s.ssh.IdleTimeout = cfg.IdleTimeout + timeoutGrace
	}
	if cfg.MaxTimeout > 0 {
		s.ssh.MaxTimeout = cfg.MaxTimeout + timeoutGrace
	}
	if cfg.Public {
		// Clients without keys authenticate with an empty keyboard-interactive
		// exchange: no prompt, no password.
		s.ssh.KeyboardInteractiveHandler = func(ssh.Context, gossh.KeyboardInteractiveChallenge) bool { return true }
	}
	if cfg.Join == JoinShared {
		if _, err := s.runs.sharedRun(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// HostKey is the server's public host key (its fingerprint is logged at start).
func (s *Server) HostKey() gossh.PublicKey { return s.hostKey }

// AllowListed is the number of keys in the allow-list.
func (s *Server) AllowListed() int { return s.allow.len() }

// Serve accepts connections on l until Shutdown. It returns nil after a
// Shutdown, else the listener's error.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return l.Close()
	}
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	err := s.ssh.Serve(l)
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing || errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// checkKey is the public-key callback. It may see keys the client never
// proves; the session re-checks the key it proved (sess.PublicKey).
func (s *Server) checkKey(ctx ssh.Context, key ssh.PublicKey) bool {
	if s.cfg.Public {
		return true
	}
	e, _ := s.allow.lookup(key, ctx.RemoteAddr(), time.Now())
	return e != nil
}

// admitConn applies the per-address rate limit before any cryptography.
func (s *Server) admitConn(_ ssh.Context, conn net.Conn) net.Conn {
	if s.limiter == nil {
		return conn
	}
	addr := hostOf(conn.RemoteAddr())
	ok, first := s.limiter.allow(addr)
	if !ok {
		if first {
			s.cfg.Log.Printf("refused addr=%s reason=%q", addr, "rate limit: too many connection attempts (further refusals not logged until one is allowed)")
		}
		return nil
	}
	return conn
}

// connFailed logs connections that failed before a session: handshake
// errors, refused keys.
func (s *Server) connFailed(conn net.Conn, err error) {
	s.cfg.Log.Printf("refused addr=%s reason=%q", conn.RemoteAddr(), err.Error())
}

// hostOf is the IP of a TCP address (the rate-limit key), else its text.
func hostOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	return a.String()
}

// sessionGrace is how long Shutdown lets sessions say goodbye once the runs
// have stopped, before it closes their connections.
const sessionGrace = 2 * time.Second

// Shutdown stops accepting connections and stops every run first (each
// checkpoints if it has a run directory), while it tells the sessions that
// the server is going away; then it gives them sessionGrace to end and
// closes every connection, so no client, reading or not, can hold it up.
// It returns an error only if ctx ended before the runs had stopped.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	listeners := s.listeners
	s.listeners = nil
	live := make([]*session, 0, len(s.sessions))
	for sess := range s.sessions {
		live = append(live, sess)
	}
	s.mu.Unlock()

	// Close the listeners here rather than with ssh.Server.Shutdown, whose
	// wait races with a Serve that has not yet registered its listener.
	for _, l := range listeners {
		_ = l.Close()
	}

	stopped := make(chan struct{})
	go func() {
		for _, how := range s.runs.stopAll() {
			s.cfg.Log.Print(how)
		}
		close(stopped)
	}()
	for _, sess := range live {
		sess.end(endShutdown)
	}
	var err error
	select {
	case <-stopped:
	case <-ctx.Done():
		err = fmt.Errorf("the runs did not stop in time: %w", ctx.Err())
	}

	ended := make(chan struct{})
	go func() {
		s.handlers.Wait()
		close(ended)
	}()
	grace := time.NewTimer(sessionGrace)
	defer grace.Stop()
	select {
	case <-ended:
	case <-grace.C:
	case <-ctx.Done():
	}
	_ = s.ssh.Close() // every connection: a write waiting for a client fails
	select {
	case <-ended:
	case <-ctx.Done():
		s.mu.Lock()
		n := s.active
		s.mu.Unlock()
		s.cfg.Log.Printf("shutdown: %d sessions had not ended when the deadline came", n)
	}
	return err
}
