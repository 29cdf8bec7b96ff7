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

func (s *sessionSource) Subscribe() *engine.Stream {
	events := s.src.Subscribe()
	if s.every > 0 {
		events = throttleEvents(events, s.every)
	}
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.cancels = append(s.cancels, events.Cancel)
	}
	s.mu.Unlock()
	if closed {
		events.Cancel()
	}
	return events
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

// throttleEvents relays in to a new stream, but of the kinds that only say
// "the latest state" (ProgressEvent, SampleEvent) at most one each per
// every: the newest of each kind is held and passed on at the next tick.
// Other events pass at once; at the end of in, held ones are passed before
// the relay ends. Cancelling the returned stream cancels in.
func throttleEvents(in *engine.Stream, every time.Duration) *engine.Stream {
	out := engine.NewStream(true, in.Cancel)
	go func() {
		var progress, sample engine.Event // held, newest wins
		flush := func() {
			for _, ev := range []*engine.Event{&progress, &sample} {
				if *ev != nil {
					out.Push(*ev)
					*ev = nil
				}
			}
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				flush()
			case <-in.Ready():
				evs, ended := in.Take()
				for _, ev := range evs {
					switch ev.(type) {
					case engine.ProgressEvent:
						progress = ev
					case engine.SampleEvent:
						sample = ev
					case engine.DoneEvent:
						flush()
						out.Push(ev)
					default:
						out.Push(ev)
					}
				}
				if ended {
					flush()
					out.Close()
					return
				}
			}
		}
	}()
	return out
}
