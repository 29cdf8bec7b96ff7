package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"time"

	tea "charm.land/bubbletea/v2"

	"inloop/engine"
	"inloop/tui"
)

// Join says how sessions are attached to training runs.
type Join string

const (
	// JoinOwn gives each session its own run, up to MaxTrainers; sessions
	// over the cap watch the shared run.
	JoinOwn Join = "own"
	// JoinShared lets every session watch one shared run.
	JoinShared Join = "shared"
)

// Trainer is a training run as the server drives it; *engine.Trainer is one.
type Trainer interface {
	tui.Source
	Start(ctx context.Context)
	Wait() (engine.Summary, error)
}

// TrainerFactory prepares a new, not yet started run. id names it
// ("shared", "session-3") so that run directories do not collide.
type TrainerFactory func(id string) (Trainer, error)

// AppFactory builds the app one session shows; tui.New is one.
type AppFactory func(src tui.Source, opts tui.Options) tea.Model

// Config configures a Server. Zero limits mean "no limit".
type Config struct {
	HostKeyPath    string // private host key; generated (0600) if missing
	AuthorizedKeys string // authorized_keys file of the allow-list; "" = none
	Public         bool   // allow anonymous sessions (read-only in a shared run)

	Join        Join
	MaxSessions int           // concurrent sessions
	MaxTrainers int           // concurrent own runs in JoinOwn
	IdleTimeout time.Duration // end a session after this long without input
	MaxTimeout  time.Duration // end a session after this long in any case
	// WriteTimeout ends a session whose client has taken none of its
	// output for this long (a stopped or suspended client), closing its
	// connection; 0 means never.
	WriteTimeout time.Duration

	// ConnRate and ConnBurst limit connection attempts per remote address:
	// a token bucket refilled at ConnRate per second holding ConnBurst.
	ConnRate  float64
	ConnBurst int

	// FPS caps each session's frame rate.
	FPS int
	// UpdateEvery passes a run's progress and sample events to a session at
	// most once per this interval each (0: all, as the run emits them). A
	// new sample redraws the raster and traces whole and a new step the
	// curves; those redraws, not the frame rate, set the bytes a session
	// sends.
	UpdateEvery time.Duration
	// StopTimeout bounds how long a trainer may take to checkpoint and stop.
	StopTimeout time.Duration

	NewTrainer TrainerFactory
	// Autopilot drives the shared run with the scripted demo
	// (tui.StartPilot); sessions that may steer take over with a key.
	Autopilot bool
	App       AppFactory
	// Log receives one line per session and the server's notices; nil
	// discards them. Never a client's screen.
	Log *log.Logger
	// CrashDir receives the stack of each panic in a session, one file
	// each, named on the panic's log line; "" keeps no stacks.
	CrashDir string
}

// Default limits used where Config leaves them zero.
const (
	defaultStopTimeout = 10 * time.Second
	defaultFPS         = 20
)

// validate checks the Config and fills defaults; the error names the field.
func (c *Config) validate() error {
	switch c.Join {
	case JoinOwn, JoinShared:
	case "":
		c.Join = JoinOwn
	default:
		return fmt.Errorf("join mode %q not known (accepted: own, shared)", c.Join)
	}
	if c.HostKeyPath == "" {
		return errors.New("no host key path")
	}
	if c.AuthorizedKeys == "" && !c.Public {
		return errors.New("no allow-list and not public: nobody could connect")
	}
	if c.MaxSessions < 0 || c.MaxTrainers < 0 {
		return errors.New("session and trainer limits must be 0 (none) or positive")
	}
	if c.IdleTimeout < 0 || c.MaxTimeout < 0 || c.WriteTimeout < 0 {
		return errors.New("timeouts must be 0 (none) or positive")
	}
	if !(c.ConnRate >= 0) || math.IsInf(c.ConnRate, 0) || c.ConnBurst < 0 {
		return errors.New("connection rate and burst must be 0 (no limit) or positive")
	}
	if c.NewTrainer == nil || c.App == nil {
		return errors.New("no trainer factory or app factory")
	}
	if c.FPS <= 0 {
		c.FPS = defaultFPS
	}
	if c.StopTimeout <= 0 {
		c.StopTimeout = defaultStopTimeout
	}
	if c.Log == nil {
		c.Log = log.New(io.Discard, "", 0)
	}
	return nil
}
