package serve

import (
	"sync"
	"time"

	"inloop/engine"
	"inloop/tui"
)

// sessionSource is a run as one session sees it. It remembers the session's
// subscriptions so they are cancelled when the session ends, however the app
// ended; it drops commands from a read-only session, so a read-only view is
// enforced by the server and not only by the app; and it passes progress
// and sample events at most once per every (see Config.UpdateEvery).
type sessionSource struct {
	src      tui.Source
	readOnly bool
	every    time.Duration // 0: all progress and sample events

	mu      sync.Mutex
	cancels []func()
	closed  bool
}

func (s *sessionSource) Subscribe() (<-chan engine.Event, func()) {
	events, cancel := s.src.Subscribe()
	if s.every > 0 {
		events, cancel = throttleEvents(events, cancel, s.every)
	}
	cancel = sync.OnceFunc(cancel)
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.cancels = append(s.cancels, cancel)
	}
	s.mu.Unlock()
	if closed {
		cancel()
	}
	return events, cancel
}

func (s *sessionSource) Send(c engine.Command) {
	if !s.readOnly {
		s.src.Send(c)
	}
}

// close cancels every subscription the session made.
func (s *sessionSource) close() {
	s.mu.Lock()
	cancels := s.cancels
	s.cancels, s.closed = nil, true
	s.mu.Unlock()
	for _, c := range cancels {
		c()
	}
}

// throttleEvents forwards in, but of the kinds that only say "the latest
// state" (ProgressEvent, SampleEvent) at most one each per every: the
// newest of each kind is held and passed on at the next tick. Other events
// pass at once; at the end of in, held ones are passed before out closes.
// out also closes when the returned cancel is called (which cancels in).
func throttleEvents(in <-chan engine.Event, cancelIn func(), every time.Duration) (<-chan engine.Event, func()) {
	out := make(chan engine.Event)
	done := make(chan struct{})
	cancel := sync.OnceFunc(func() {
		close(done)
		cancelIn()
	})
	go func() {
		defer close(out)
		send := func(ev engine.Event) bool {
			select {
			case out <- ev:
				return true
			case <-done:
				return false
			}
		}
		var progress, sample engine.Event // held, newest wins
		flush := func() bool {
			for _, ev := range []*engine.Event{&progress, &sample} {
				if *ev != nil {
					if !send(*ev) {
						return false
					}
					*ev = nil
				}
			}
			return true
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if !flush() {
					return
				}
			case ev, ok := <-in:
				if !ok {
					flush()
					return
				}
				switch ev.(type) {
				case engine.ProgressEvent:
					progress = ev
				case engine.SampleEvent:
					sample = ev
				default:
					if !send(ev) {
						return
					}
				}
			}
		}
	}()
	return out, cancel
}
