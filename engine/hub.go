package engine

import (
	"slices"
	"sync"
)

// hub fans the trainer's events out to any number of subscribers (each a
// Stream, which never blocks the trainer) and keeps the state a late
// subscriber needs replayed.
type hub struct {
	mu       sync.Mutex
	history  curve
	hyper    *HyperEvent
	chip     *ChipEvent
	evals    []EvalEvent
	commands []CommandEvent
	progress *ProgressEvent
	sample   *SampleEvent
	dmap     *MapEvent // the latest decision map
	done     *DoneEvent
	subs     map[*Stream]struct{}
}

func newHub() *hub {
	return &hub{history: newCurve(historyPoints), subs: make(map[*Stream]struct{})}
}

// historyPoints caps the replayed loss/accuracy curve; commandsKept the
// replayed commands (the run's log keeps them all); evalsKept the replayed
// evaluations, beyond which every other older one is dropped, so a session
// of thousands of epochs replays (and checkpoints) a bounded curve.
const (
	historyPoints = 1024
	commandsKept  = 1000
	evalsKept     = 2048
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
		if len(h.evals) == evalsKept {
			h.evals = thinOlderHalf(h.evals)
		}
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
	case MapEvent:
		h.dmap = &e
	case DoneEvent:
		h.done = &e
	case RunEvent: // a new run: nothing of the old one is replayed
		h.history = newCurve(historyPoints)
		h.evals, h.commands, h.progress, h.sample = nil, nil, nil, nil
	}
	for s := range h.subs {
		s.Push(e)
	}
	if _, ok := e.(DoneEvent); ok {
		clear(h.subs)
	}
}

// thinOlderHalf drops every other element of the older half of xs, in place.
func thinOlderHalf[T any](xs []T) []T {
	half := len(xs) / 2
	k := 0
	for i := 0; i < half; i += 2 {
		xs[k] = xs[i]
		k++
	}
	return append(xs[:k], xs[half:]...)
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

// hubSnapshot is the replayed state a checkpoint stores.
type hubSnapshot struct {
	history  curve
	evals    []EvalEvent
	commands []CommandEvent
}

// snapshot returns copies of the replayed curve, evaluations and commands.
func (h *hub) snapshot() hubSnapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	return hubSnapshot{history: h.history.clone(), evals: slices.Clone(h.evals), commands: slices.Clone(h.commands)}
}

// restore sets the replayed state of a resumed run (before any subscriber).
func (h *hub) restore(s hubSnapshot) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.history = s.history.clone()
	if h.history.Max < 2 {
		h.history = newCurve(historyPoints)
	}
	h.evals = slices.Clone(s.evals)
	if len(h.evals) > evalsKept {
		h.evals = h.evals[len(h.evals)-evalsKept:]
	}
	h.commands = slices.Clone(s.commands)
}

// subscribe returns a new stream that first replays the state so far;
// samples says whether it receives SampleEvents.
func (h *hub) subscribe(samples bool) *Stream {
	var s *Stream
	s = NewStream(samples, func() {
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	s.Push(h.history.event())
	if h.hyper != nil {
		s.Push(*h.hyper)
	}
	if h.chip != nil {
		s.Push(*h.chip)
	}
	for _, e := range h.evals {
		s.Push(e)
	}
	for _, e := range h.commands {
		s.Push(e)
	}
	if h.progress != nil {
		s.Push(*h.progress)
	}
	if h.sample != nil {
		s.Push(*h.sample)
	}
	if h.dmap != nil {
		s.Push(*h.dmap)
	}
	if h.done != nil {
		s.Push(*h.done)
		return s
	}
	h.subs[s] = struct{}{}
	return s
}
