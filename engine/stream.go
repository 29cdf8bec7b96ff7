package engine

import (
	"reflect"
	"slices"
	"sync"
)

// Stream is one consumer's queue of a run's events. The producer pushes
// without ever blocking; the consumer waits on Ready and then takes
// everything queued at that moment in one call, so a consumer that reads
// once per frame is never more than one frame behind, however fast the run
// goes. Events that only say "the state is now" (progress, sample,
// hyperparameters, chip) are newest-wins: at most one of each kind waits.
// The others (evaluations, commands, the replayed history, the end) wait
// in order and are never dropped; they come at most a few per epoch, so a
// consumer that never reads costs little memory.
type Stream struct {
	samples  bool   // receives SampleEvents
	onCancel func() // unregisters from the producer; may be nil

	mu     sync.Mutex
	queue  []Event
	ended  bool // a DoneEvent was queued, or the stream was closed
	closed bool // Cancel was called: Take returns nothing more
	ready  chan struct{}
	once   sync.Once
}

// NewStream returns an empty stream for a producer other than a Trainer
// (a synthetic run, a relay); samples says whether it keeps SampleEvents,
// and onCancel (if not nil) is called once when the consumer cancels, so
// the producer can forget the stream.
func NewStream(samples bool, onCancel func()) *Stream {
	return &Stream{samples: samples, onCancel: onCancel, ready: make(chan struct{}, 1)}
}

// Push queues e. A DoneEvent is the last event: later pushes are ignored.
// A waiting event of a newest-wins kind is replaced by e, which moves to
// the end to keep the order.
func (s *Stream) Push(e Event) {
	switch e.(type) {
	case SampleEvent, MapEvent:
		if !s.samples {
			return
		}
	}
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	if newestWins(e) {
		s.queue = slices.DeleteFunc(s.queue, func(q Event) bool { return sameKind(q, e) })
	}
	s.queue = append(s.queue, e)
	if _, ok := e.(DoneEvent); ok {
		s.ended = true
	}
	s.mu.Unlock()
	s.wake()
}

// Close ends the stream without a DoneEvent (a relay whose input ended):
// the consumer takes what is queued and then sees the end.
func (s *Stream) Close() {
	s.mu.Lock()
	s.ended = true
	s.mu.Unlock()
	s.wake()
}

func (s *Stream) wake() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// Ready receives a value when events wait or the stream ended. One value
// may stand for many events: take them all with Take.
func (s *Stream) Ready() <-chan struct{} { return s.ready }

// Take returns every queued event, oldest first, each a deep copy the
// caller owns, and whether the stream has ended (no event will follow
// these). It never blocks.
func (s *Stream) Take() (events []Event, ended bool) {
	s.mu.Lock()
	q := s.queue
	s.queue = nil
	ended = s.ended
	if s.closed {
		q, ended = nil, true
	}
	s.mu.Unlock()
	for i, e := range q {
		q[i] = cloneEvent(e)
	}
	if ended {
		s.wake() // a consumer that waits again sees the end at once
	}
	return q, ended
}

// Cancel ends the consumer's interest: the producer forgets the stream and
// Take reports the end. It may be called more than once.
func (s *Stream) Cancel() {
	s.once.Do(func() {
		if s.onCancel != nil {
			s.onCancel()
		}
		s.mu.Lock()
		s.queue, s.ended, s.closed = nil, true, true
		s.mu.Unlock()
		s.wake()
	})
}

// Wait blocks until events wait or the stream ended, then takes them.
func (s *Stream) Wait() (events []Event, ended bool) {
	for {
		<-s.ready
		if events, ended = s.Take(); len(events) > 0 || ended {
			return events, ended
		}
	}
}

func newestWins(e Event) bool {
	switch e.(type) {
	case ProgressEvent, SampleEvent, HyperEvent, ChipEvent, MapEvent:
		return true
	}
	return false
}

// sameKind reports whether a and b are events of one type; the event
// types are value structs, so their dynamic types say it.
func sameKind(a, b Event) bool { return reflect.TypeOf(a) == reflect.TypeOf(b) }
