package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"inloop/engine"
	"inloop/tui"
	"inloop/tui/serve"
)

// shutdownTimeout bounds a graceful shutdown: sessions told, runs
// checkpointed (each within serve's StopTimeout), connections closed.
const shutdownTimeout = 30 * time.Second

const serveHelp = `usage: inloop serve [flags]

Serves the app over SSH: everyone who connects with 'ssh -p PORT HOST' gets
the live app in their terminal. Choose who may connect: --authorized-keys
FILE admits only those keys; --public admits anyone; with both, listed keys
may steer the shared run and everyone else watches it read-only.

  --join own     each session trains its own run (up to --max-trainers;
                 later sessions watch the shared run)
  --join shared  everyone watches one shared run

The run flags set what the runs train. Stop with Ctrl-C (SIGINT) or SIGTERM:
sessions are told and runs are checkpointed (with --run-dir).

flags:`

// serveFlags are the server's own flags (the run flags come from runflags.go).
type serveFlags struct {
	listen, hostKey, authorizedKeys, join string
	public                                bool
	maxSessions, maxTrainers, fps         int
	idleTimeout, maxTimeout, updateEvery  time.Duration
	writeTimeout                          time.Duration
	connRate                              float64
	connBurst                             int
	crashDir                              string
	memoryLimit                           int64
}

func addServeFlags(fs *flag.FlagSet) *serveFlags {
	f := &serveFlags{}
	fs.StringVar(&f.listen, "listen", "127.0.0.1:2222", "`ADDR` to listen on (host:port); other than loopback only when given here")
	fs.StringVar(&f.hostKey, "host-key", defaultHostKeyPath(), "private host key `FILE`; generated with mode 0600 if missing, then reused")
	fs.StringVar(&f.authorizedKeys, "authorized-keys", "", "OpenSSH authorized_keys `FILE`: the keys allowed in (and allowed to steer a shared run)")
	fs.BoolVar(&f.public, "public", false, "let anyone in without a listed key (read-only in a shared run)")
	fs.StringVar(&f.join, "join", string(serve.JoinOwn), "how sessions join runs: own | shared")
	fs.IntVar(&f.maxSessions, "max-sessions", 32, "concurrent sessions (0 = no limit)")
	fs.IntVar(&f.maxTrainers, "max-trainers", runtime.NumCPU(), "concurrent own runs with --join own (0 = no limit)")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", 10*time.Minute, "close a session after this long without a key press (0 = never)")
	fs.DurationVar(&f.maxTimeout, "max-timeout", 2*time.Hour, "close a session after this long in any case (0 = never)")
	fs.DurationVar(&f.writeTimeout, "write-timeout", time.Minute, "close a session whose client has taken none of its output for this long: stopped, suspended or gone (0 = never)")
	fs.Int64Var(&f.memoryLimit, "memory-limit", serve.DefaultMemoryLimit>>20, "soft limit on the server's memory in `MiB` (as GOMEMLIMIT; the collector works harder near it; 0 = none, as without GOMEMLIMIT)")
	fs.StringVar(&f.crashDir, "crash-dir", defaultCrashDir(), "`DIR` for the stack of each panic in a session (one file each, named in the log)")
	fs.IntVar(&f.fps, "fps", 15, "frames per second at most, per session (1..120)")
	fs.DurationVar(&f.updateEvery, "update-every", 500*time.Millisecond, "show a run's newest step and sample to a session at most this often (0 = all); sets the bytes each session is sent")
	fs.Float64Var(&f.connRate, "conn-rate", 1, "connection attempts per second allowed per address, refilling the burst")
	fs.IntVar(&f.connBurst, "conn-burst", 20, "connection attempts an address may make at once (a class behind one NAT shares it)")
	return f
}

// defaultHostKeyPath is in the user's config folder, so restarts reuse it.
func defaultHostKeyPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "inloop_ssh_host_ed25519_key"
	}
	return filepath.Join(dir, "inloop", "ssh_host_ed25519_key")
}

// defaultCrashDir is in the user's cache folder, beside the data cache.
func defaultCrashDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "inloop-crashes")
	}
	return filepath.Join(dir, "inloop", "crashes")
}

// check validates the server flags; errors are usage errors.
func (f *serveFlags) check() error {
	host, port, err := net.SplitHostPort(f.listen)
	if err != nil {
		return usagef("--listen %q is not accepted (accepted: host:port, e.g. 127.0.0.1:2222 or 0.0.0.0:2222)", f.listen)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return usagef("--listen %q: port %q is not accepted (accepted: 0 to 65535)", f.listen, port)
	}
	_ = host
	switch serve.Join(f.join) {
	case serve.JoinOwn, serve.JoinShared:
	default:
		return usagef("--join %q is not accepted (accepted: own, shared)", f.join)
	}
	if f.authorizedKeys == "" && !f.public {
		return usagef("serve: choose who may connect: --authorized-keys FILE (only those keys) or --public (anyone, read-only in a shared run); both together let listed keys steer and everyone else watch")
	}
	if f.authorizedKeys != "" {
		if st, err := os.Stat(f.authorizedKeys); err != nil || !st.Mode().IsRegular() {
			return usagef("--authorized-keys %s is not a readable file", f.authorizedKeys)
		}
	}
	switch {
	case f.maxSessions < 0:
		return usagef("--max-sessions %d is not accepted (accepted: 0 for no limit, or more)", f.maxSessions)
	case f.maxTrainers < 0:
		return usagef("--max-trainers %d is not accepted (accepted: 0 for no limit, or more)", f.maxTrainers)
	case f.idleTimeout < 0 || f.maxTimeout < 0 || f.writeTimeout < 0:
		return usagef("--idle-timeout, --max-timeout and --write-timeout must be 0 (never) or positive, e.g. 10m")
	case f.updateEvery < 0:
		return usagef("--update-every %s is not accepted (accepted: 0 for every update, or a duration like 500ms)", f.updateEvery)
	case f.fps < 1 || f.fps > 120:
		return usagef("--fps %d is not accepted (accepted: 1 to 120)", f.fps)
	case f.memoryLimit < 0:
		return usagef("--memory-limit %d is not accepted (accepted: 0 for none, or MiB, e.g. 160)", f.memoryLimit)
	case f.connRate <= 0 || f.connBurst < 1:
		return usagef("--conn-rate must be above 0 and --conn-burst at least 1")
	}
	return nil
}

func serveCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	rf := addRunFlags(fs)
	sf := addServeFlags(fs)
	pace := addPaceFlag(fs)
	autopilot := addAutopilotFlag(fs)
	fs.Usage = describeFlags(fs, serveHelp)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := sf.check(); err != nil {
		return err
	}
	cfg, err := rf.config()
	if err != nil {
		return err
	}
	cfg = sessionLength(fs, cfg)
	paceCmd, err := pace()
	if err != nil {
		return err
	}
	if *autopilot && serve.Join(sf.join) != serve.JoinShared {
		return usagef("--autopilot drives the shared run: use it with --join shared")
	}
	if cfg.Resume != "" && serve.Join(sf.join) != serve.JoinShared {
		return usagef("--resume continues one run: use it with --join shared")
	}
	if cfg.RunDir != "" && cfg.Resume == "" {
		if err := checkRunRoot(cfg.RunDir); err != nil {
			return err
		}
	}

	setMemoryLimit(fs, sf.memoryLimit)

	l, err := net.Listen("tcp", sf.listen)
	if err != nil {
		return usagef("--listen %s: %v", sf.listen, err)
	}
	defer l.Close() // Serve closes it too; this covers a failed New

	logger := log.New(stderr, "inloop serve: ", log.LstdFlags|log.LUTC)
	started := time.Now().UTC().Format("20060102-150405")
	srv, err := serve.New(serve.Config{
		HostKeyPath:    sf.hostKey,
		AuthorizedKeys: sf.authorizedKeys,
		Public:         sf.public,
		Join:           serve.Join(sf.join),
		MaxSessions:    sf.maxSessions,
		MaxTrainers:    sf.maxTrainers,
		IdleTimeout:    sf.idleTimeout,
		MaxTimeout:     sf.maxTimeout,
		WriteTimeout:   sf.writeTimeout,
		CrashDir:       sf.crashDir,
		ConnRate:       sf.connRate,
		ConnBurst:      sf.connBurst,
		FPS:            sf.fps,
		UpdateEvery:    sf.updateEvery,
		NewTrainer:     runFactory(cfg, started, paceCmd),
		Autopilot:      *autopilot,
		App: func(src tui.Source, opts tui.Options) tea.Model {
			opts.Dataset = cfg.Dataset
			return tui.New(src, opts)
		},
		Log: logger,
	})
	if err != nil {
		return badServeInput(err)
	}

	who := "public"
	if sf.authorizedKeys != "" {
		who = fmt.Sprintf("%d allow-listed keys", srv.AllowListed())
		if sf.public {
			who += " steer, anyone watches"
		}
	}
	logger.Printf("listening on %s (join %s, %s, host key %s)", l.Addr(), sf.join, who, gossh.FingerprintSHA256(srv.HostKey()))
	if ip := net.ParseIP(hostPart(l.Addr())); ip != nil && !ip.IsLoopback() {
		logger.Printf("note: %s is reachable from other machines", l.Addr())
	}
	logger.Printf("connect with: ssh -p %s %s", portPart(l.Addr()), connectHost(l.Addr()))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP) // SIGHUP: the terminal that started the server went away
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	stop() // a second Ctrl-C ends the process at once
	logger.Printf("shutting down: telling sessions, checkpointing runs (up to %s)", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil {
		return err
	}
	logger.Printf("stopped")
	return nil
}

// setMemoryLimit applies --memory-limit; left unset, a GOMEMLIMIT in the
// environment wins over the default.
func setMemoryLimit(fs *flag.FlagSet, mib int64) {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "memory-limit" })
	if !set && os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := int64(math.MaxInt64) // none
	if mib > 0 {
		limit = mib << 20
	}
	debug.SetMemoryLimit(limit)
}

// checkRunRoot makes sure the server can make its runs' folders in dir
// before anyone connects: it is created if missing, and must be writable.
func checkRunRoot(dir string) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return usagef("--run-dir %s is a file (accepted: a directory, created if missing, that holds a folder per run)", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usagef("--run-dir %s cannot be created: %v", dir, errors.Unwrap(err))
	}
	f, err := os.CreateTemp(dir, ".inloop-write-check-*")
	if err != nil {
		return usagef("--run-dir %s cannot be written: %v", dir, errors.Unwrap(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// runFactory makes the server's runs from the flags' config. Each run gets
// its own folder under --run-dir, named by server start and run id, so
// sessions and restarts never share one.
func runFactory(cfg engine.Config, started string, pace engine.Command) serve.TrainerFactory {
	return func(id string) (serve.Trainer, error) {
		c := cfg
		if c.RunDir != "" {
			c.RunDir = filepath.Join(cfg.RunDir, started+"-"+id)
		}
		t, err := engine.NewTrainer(c)
		if err != nil {
			return nil, err
		}
		t.KeepOpen()
		t.Send(pace)
		return t, nil
	}
}

// badServeInput sorts serve.New's errors: a run that cannot start is bad
// input only for the run errors badInput knows; a host key or allow-list the
// user named that cannot be used is bad input.
func badServeInput(err error) error {
	var run *serve.RunStartError
	if errors.As(err, &run) {
		return badInput(err)
	}
	return usagef("%s", oneLine(err.Error()))
}

func hostPart(a net.Addr) string {
	h, _, _ := net.SplitHostPort(a.String())
	return h
}

func portPart(a net.Addr) string {
	_, p, _ := net.SplitHostPort(a.String())
	return p
}

// connectHost is what a user on this machine types to reach the server.
func connectHost(a net.Addr) string {
	ip := net.ParseIP(hostPart(a))
	if ip == nil || ip.IsUnspecified() || ip.IsLoopback() {
		return "localhost"
	}
	return ip.String()
}
