package serve

import (
	"context"
	"errors"
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
	s := &Server{cfg: cfg, hostKey: signer.PublicKey(), sessions: map[*session]struct{}{}}
	if cfg.AuthorizedKeys != "" {
		if s.allow, err = loadAllowList(cfg.AuthorizedKeys); err != nil {
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
func (s *Server) checkKey(_ ssh.Context, key ssh.PublicKey) bool {
	return s.cfg.Public || s.allow.contains(key)
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

// Shutdown stops accepting connections, tells every session the server is
// going away, stops all trainers (each checkpoints if it has a run
// directory) and waits for that until ctx is done; then it closes all
// connections. It returns ctx's error if the wait was cut short.
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
	// Connections are closed below, after the sessions have said goodbye.
	for _, l := range listeners {
		_ = l.Close()
	}

	for _, sess := range live {
		sess.end(endShutdown)
	}
	done := make(chan struct{})
	go func() {
		s.handlers.Wait()
		if how := s.runs.stopShared(); how != "" {
			s.cfg.Log.Printf("shared run %s", how)
		}
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	_ = s.ssh.Close()
	return err
}
