package engine

import (
	"slices"
	"sync"
)

// hub fans the trainer's events out to any number of subscribers and keeps
// the state a late subscriber needs replayed. Publishing never blocks: each
// subscriber has its own queue in which ProgressEvent and SampleEvent are
// newest-wins (at most one of each waits), while the other events wait in
// order. Those are rare (one per epoch, command or chip change), so a
// consumer that never reads costs a bounded amount of memory.
type hub struct {
	mu       sync.Mutex
	history  curve
	hyper    *HyperEvent
	chip     *ChipEvent
	evals    []EvalEvent
	commands []CommandEvent
	progress *ProgressEvent
	sample   *SampleEvent
	done     *DoneEvent
	subs     map[*subscriber]struct{}
}

func newHub() *hub {
	return &hub{history: newCurve(historyPoints), subs: make(map[*subscriber]struct{})}
}

// historyPoints caps the replayed loss/accuracy curve; commandsKept the
// replayed commands (the run's log keeps them all).
const (
	historyPoints = 1024
	commandsKept  = 1000
)

// addBatch adds one batch to the replayed training curve.
func (h *hub) addBatch(step int, loss, acc float64) {
	h.mu.Lock()
	h.history.add(step, loss, acc)
	h.mu.Unlock()
}

// publish records e for replay and delivers it to every subscriber. The hub
// keeps e as given; the caller must not change e's slices afterwards.
func (h *hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch e := e.(type) {
	case HyperEvent:
		h.hyper = &e
	case ChipEvent:
		h.chip = &e
	case EvalEvent:
		h.evals = append(h.evals, e)
	case CommandEvent:
		if len(h.commands) == commandsKept {
			h.commands = append(h.commands[:0], h.commands[1:]...)
		}
		h.commands = append(h.commands, e)
	case ProgressEvent:
		h.progress = &e
	case SampleEvent:
		h.sample = &e
	case DoneEvent:
		h.done = &e
	}
	for s := range h.subs {
		s.push(e)
	}
	if _, ok := e.(DoneEvent); ok {
		clear(h.subs)
	}
}

// sampleSubscribers is how many consumers want sample views; the trainer
// re-runs a sample for them only while there is one.
func (h *hub) sampleSubscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for s := range h.subs {
		if s.samples {
			n++
		}
	}
	return n
}

// subscribe returns a new stream that first replays the state so far;
// samples says whether it receives SampleEvents.
func (h *hub) subscribe(samples bool) (<-chan Event, func()) {
	s := &subscriber{
		samples: samples,
		wake:    make(chan struct{}, 1),
		quit:    make(chan struct{}),
		out:     make(chan Event),
	}
	h.mu.Lock()
	s.queue = append(s.queue, h.history.event())
	if h.hyper != nil {
		s.queue = append(s.queue, *h.hyper)
	}
	if h.chip != nil {
		s.queue = append(s.queue, *h.chip)
	}
	for _, e := range h.evals {
		s.queue = append(s.queue, e)
	}
	for _, e := range h.commands {
		s.queue = append(s.queue, e)
	}
	if h.progress != nil {
		s.queue = append(s.queue, *h.progress)
	}
	if h.sample != nil && samples {
		s.queue = append(s.queue, *h.sample)
	}
	if h.done != nil {
		s.queue = append(s.queue, *h.done)
	} else {
		h.subs[s] = struct{}{}
	}
	h.mu.Unlock()
	go s.forward()
	cancel := func() {
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
		s.stop()
	}
	return s.out, cancel
}

// subscriber is one consumer's queue and the goroutine that feeds its channel.
type subscriber struct {
	samples  bool // receives SampleEvents
	mu       sync.Mutex
	queue    []Event
	wake     chan struct{} // capacity 1: "the queue changed"
	quit     chan struct{}
	quitOnce sync.Once
	out      chan Event
}

func (s *subscriber) stop() { s.quitOnce.Do(func() { close(s.quit) }) }

// push queues e without blocking; a waiting event of a throttled kind is
// replaced by the newer one, which moves to the end to keep the order.
func (s *subscriber) push(e Event) {
	if _, ok := e.(SampleEvent); ok && !s.samples {
		return
	}
	s.mu.Lock()
	if throttled(e) {
		s.queue = slices.DeleteFunc(s.queue, func(q Event) bool { return sameKind(q, e) })
	}
	s.queue = append(s.queue, e)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// forward delivers the queue in order, each event as a fresh deep copy, and
// closes the channel after the DoneEvent or on cancel.
func (s *subscriber) forward() {
	defer close(s.out)
	for {
		s.mu.Lock()
		if len(s.queue) == 0 {
			s.mu.Unlock()
			select {
			case <-s.wake:
				continue
			case <-s.quit:
				return
			}
		}
		e := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		s.mu.Unlock()
		select {
		case s.out <- cloneEvent(e):
		case <-s.quit:
			return
		}
		if _, ok := e.(DoneEvent); ok {
			return
		}
	}
}

func throttled(e Event) bool {
	switch e.(type) {
	case ProgressEvent, SampleEvent:
		return true
	}
	return false
}

func sameKind(a, b Event) bool {
	switch a.(type) {
	case ProgressEvent:
		_, ok := b.(ProgressEvent)
		return ok
	case SampleEvent:
		_, ok := b.(SampleEvent)
		return ok
	}
	return false
}
