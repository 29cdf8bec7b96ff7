package serve

import (
	"context"
	"fmt"
	"sync"
	"time"

	"inloop/engine"
	"inloop/tui"
)

// liveRun is a started trainer and the means to stop it.
type liveRun struct {
	id      string
	trainer Trainer
	cancel  context.CancelFunc
	done    chan struct{} // closed when Wait returned
	err     error         // Wait's error, valid after done

	stopOnce sync.Once
	stopped  string // how stop ended, valid after stopOnce
}

// RunStartError is a run that could not be prepared; Err says why.
type RunStartError struct {
	ID  string
	Err error
}

func (e *RunStartError) Error() string { return fmt.Sprintf("run %s: %v", e.ID, e.Err) }
func (e *RunStartError) Unwrap() error { return e.Err }

func startRun(newTrainer TrainerFactory, id string) (*liveRun, error) {
	t, err := newTrainer(id)
	if err != nil {
		return nil, &RunStartError{ID: id, Err: err}
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &liveRun{id: id, trainer: t, cancel: cancel, done: make(chan struct{})}
	t.Start(ctx)
	go func() {
		_, r.err = t.Wait()
		close(r.done)
	}()
	return r, nil
}

// stop asks the trainer to checkpoint and end (CmdStop), waits up to timeout,
// then cancels it and waits up to timeout again. It reports how it ended;
// a second call (Shutdown and the session both stop an own run) waits for
// the first and reports the same.
func (r *liveRun) stop(timeout time.Duration) string {
	r.stopOnce.Do(func() { r.stopped = r.stopNow(timeout) })
	return r.stopped
}

func (r *liveRun) stopNow(timeout time.Duration) string {
	select {
	case <-r.done:
		r.cancel()
		return "had ended"
	default:
	}
	r.trainer.Send(engine.Command{Kind: engine.CmdStop})
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-r.done:
		r.cancel()
		return "stopped"
	case <-t.C:
	}
	r.cancel()
	t.Reset(timeout)
	select {
	case <-r.done:
		return "cancelled after stop timeout"
	case <-t.C:
		return "abandoned: did not stop"
	}
}

// runPool hands runs to sessions: own runs up to the cap, else the shared
// run, started when first needed.
type runPool struct {
	cfg *Config

	mu     sync.Mutex
	own    int // own runs started and not yet stopped
	seq    int // ids of own runs
	shared *liveRun
	pilot  *tui.Pilot            // drives the shared run with Config.Autopilot
	owned  map[*liveRun]struct{} // own runs not yet released, for Shutdown
}

// attachment is what one session watches.
type attachment struct {
	src     *sessionSource
	opts    tui.Options
	run     string              // log label: "own session-3", "shared", "shared read-only"
	release func() (how string) // stops an own run; "" for the shared run
}

// Read-only reasons shown in the app.
const (
	reasonNoKey     = "watching the shared run: only keys on the server's allow-list may steer it"
	reasonAnonymous = "watching the shared run: this server is public and read-only for everyone"
)

// attach gives a session a run. listed says whether its key is allow-listed.
func (p *runPool) attach(listed bool) (attachment, error) {
	if p.cfg.Join == JoinOwn {
		p.mu.Lock()
		room := p.cfg.MaxTrainers == 0 || p.own < p.cfg.MaxTrainers
		if room {
			p.own++
			p.seq++
		}
		id := fmt.Sprintf("session-%d", p.seq)
		p.mu.Unlock()
		if room {
			r, err := startRun(p.cfg.NewTrainer, id)
			if err != nil {
				p.mu.Lock()
				p.own--
				p.mu.Unlock()
				return attachment{}, fmt.Errorf("cannot start a training run: %w", err)
			}
			p.mu.Lock()
			if p.owned == nil {
				p.owned = map[*liveRun]struct{}{}
			}
			p.owned[r] = struct{}{}
			p.mu.Unlock()
			release := func() string {
				how := r.stop(p.cfg.StopTimeout)
				p.mu.Lock()
				p.own--
				delete(p.owned, r)
				p.mu.Unlock()
				return how
			}
			return attachment{src: p.source(r.trainer, false), opts: tui.Options{Title: "your run"}, run: "own " + id, release: release}, nil
		}
	}
	shared, err := p.sharedRun()
	if err != nil {
		return attachment{}, fmt.Errorf("cannot start the shared run: %w", err)
	}
	noop := func() string { return "" }
	p.mu.Lock()
	pilot := p.pilot
	p.mu.Unlock()
	if listed {
		opts := tui.Options{Title: "shared run", Autopilot: pilot}
		return attachment{src: p.source(shared.trainer, false), opts: opts, run: "shared", release: noop}, nil
	}
	reason := reasonNoKey
	if p.cfg.AuthorizedKeys == "" {
		reason = reasonAnonymous
	}
	opts := tui.Options{Title: "shared run", ReadOnly: true, ReadOnlyReason: reason, Autopilot: pilot}
	return attachment{src: p.source(shared.trainer, true), opts: opts, run: "shared read-only", release: noop}, nil
}

// source wraps a run for one session.
func (p *runPool) source(t Trainer, readOnly bool) *sessionSource {
	return &sessionSource{src: t, readOnly: readOnly, every: p.cfg.UpdateEvery}
}

// sharedRun returns the shared run, starting it on first use.
func (p *runPool) sharedRun() (*liveRun, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shared != nil {
		return p.shared, nil
	}
	r, err := startRun(p.cfg.NewTrainer, "shared")
	if err != nil {
		return nil, err
	}
	p.shared = r
	if p.cfg.Autopilot {
		p.pilot = tui.StartPilot(r.trainer, tui.AutopilotIdle)
	}
	return r, nil
}

// stopAll stops the shared run (and lets go of it) and every own run at once (each
// checkpoints if it has a run directory) and returns a log line for each.
func (p *runPool) stopAll() []string {
	p.mu.Lock()
	runs := make([]*liveRun, 0, len(p.owned)+1)
	if p.shared != nil {
		runs = append(runs, p.shared)
		p.shared, p.pilot = nil, nil // freed even while the Server value lives on
	}
	for r := range p.owned {
		runs = append(runs, r)
	}
	p.mu.Unlock()
	lines := make([]string, len(runs))
	var wg sync.WaitGroup
	for i, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lines[i] = "run " + r.id + " " + r.stop(p.cfg.StopTimeout)
		}()
	}
	wg.Wait()
	return lines
}
