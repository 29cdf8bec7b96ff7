package engine

import (
	"slices"
	"testing"
)

// takeAll takes what s holds now and fails unless it is one event of type T.
func takeOne[T Event](t *testing.T, s *Stream) T {
	t.Helper()
	evs, _ := s.Take()
	if len(evs) != 1 {
		t.Fatalf("took %d events, want 1", len(evs))
	}
	e, ok := evs[0].(T)
	if !ok {
		t.Fatalf("took %T", evs[0])
	}
	return e
}

func TestHubThrottledEventsNewestWins(t *testing.T) {
	h := newHub()
	s := h.subscribe(true)
	defer s.Cancel()
	for i := range 10000 {
		h.publish(ProgressEvent{Step: i})
		h.publish(SampleEvent{Step: i, InputSpikes: make([]SpikeAt, 10)})
		h.publish(HyperEvent{Step: i})
		if i%1000 == 0 {
			h.publish(EvalEvent{Step: i})
		}
	}
	s.mu.Lock()
	n := len(s.queue)
	s.mu.Unlock()
	// the history, 10 evals, at most one progress, sample and hyper waiting
	if n != 14 {
		t.Fatalf("a consumer that never reads holds %d queued events, want 14", n)
	}
	h.publish(DoneEvent{})
	var evals []int
	var lastProgress, lastSample, lastHyper int
	evs, ended := s.Wait()
	if !ended {
		t.Fatal("the stream did not end with the DoneEvent")
	}
	for _, e := range evs {
		switch e := e.(type) {
		case EvalEvent:
			evals = append(evals, e.Step)
		case ProgressEvent:
			lastProgress = e.Step
		case SampleEvent:
			lastSample = e.Step
		case HyperEvent:
			lastHyper = e.Step
		}
	}
	if want := []int{0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000}; !slices.Equal(evals, want) {
		t.Errorf("evaluations delivered %v, want all of %v in order", evals, want)
	}
	if lastProgress != 9999 || lastSample != 9999 || lastHyper != 9999 {
		t.Errorf("last progress %d, sample %d, hyper %d; want the newest, 9999", lastProgress, lastSample, lastHyper)
	}
	if _, ok := evs[len(evs)-1].(DoneEvent); !ok {
		t.Errorf("last event %T, want the DoneEvent", evs[len(evs)-1])
	}
}

// TestStreamTakeIsEverythingQueued: one Take after a burst returns every
// event published before it, whatever their number: a consumer reading once
// per frame is never more than a frame behind.
func TestStreamTakeIsEverythingQueued(t *testing.T) {
	h := newHub()
	s := h.subscribe(false)
	defer s.Cancel()
	s.Wait() // the replayed history
	for i := range 500 {
		h.publish(CommandEvent{Step: i})
		h.publish(ProgressEvent{Step: i})
	}
	evs, ended := s.Wait()
	if ended || len(evs) != 501 {
		t.Fatalf("took %d events (ended %v), want all 500 commands and the newest progress", len(evs), ended)
	}
	if p, ok := evs[500].(ProgressEvent); !ok || p.Step != 499 {
		t.Fatalf("last event %#v, want progress at 499", evs[500])
	}
	if evs, _ := s.Take(); len(evs) != 0 {
		t.Fatalf("a second take returned %d events", len(evs))
	}
}

func TestHubEventsAreDeepCopies(t *testing.T) {
	h := newHub()
	a := h.subscribe(true)
	defer a.Cancel()
	b := h.subscribe(true)
	defer b.Cancel()
	a.Wait() // history
	b.Wait()
	trace := []float64{1, 2, 3}
	h.publish(cloneSample(SampleEvent{OutputTraces: [][]float64{trace}, Probes: []ProbeTrace{{CADC: []float64{4}}}}))
	trace[0] = 99 // the producer reuses its buffer
	sa := takeOne[SampleEvent](t, a)
	sb := takeOne[SampleEvent](t, b)
	sa.OutputTraces[0][1] = -1
	sa.Probes[0].CADC[0] = -1
	if sb.OutputTraces[0][0] != 1 || sb.OutputTraces[0][1] != 2 || sb.Probes[0].CADC[0] != 4 {
		t.Fatalf("consumers share memory: %v %v", sb.OutputTraces, sb.Probes)
	}
	h.publish(ChipEvent{Params: []ParamMap{{Current: []float64{5}}}})
	ca := takeOne[ChipEvent](t, a)
	cb := takeOne[ChipEvent](t, b)
	ca.Params[0].Current[0] = 0
	if cb.Params[0].Current[0] != 5 {
		t.Fatal("chip maps shared between consumers")
	}
}

func TestHubCancelClosesStream(t *testing.T) {
	h := newHub()
	s := h.subscribe(true)
	h.publish(EvalEvent{})
	s.Cancel()
	if evs, ended := s.Wait(); !ended || len(evs) != 0 {
		t.Fatalf("after cancel: %d events, ended %v", len(evs), ended)
	}
	if h.sampleSubscribers() != 0 {
		t.Fatal("cancelled subscriber still registered")
	}
	h.publish(EvalEvent{}) // publishing after a cancel must not block or panic
	s.Cancel()             // nor a second cancel
}

func TestCurveDecimates(t *testing.T) {
	c := newCurve(8)
	for k := 1; k <= 100; k++ {
		c.add(k, float64(k), 1)
	}
	h := c.event()
	if len(h.Steps) > 9 || len(h.Steps) < 4 {
		t.Fatalf("%d points for 100 batches in a curve of 8", len(h.Steps))
	}
	if h.Steps[len(h.Steps)-1] != 100 {
		t.Errorf("the last point ends at step %d, want 100", h.Steps[len(h.Steps)-1])
	}
	// each point is the mean of the losses it covers: for losses equal to
	// the step, the mean of a bucket (a, b] is (a+1+b)/2
	prev := 0
	for i, s := range h.Steps {
		if want := float64(prev+1+s) / 2; h.Loss[i] != want {
			t.Errorf("point %d (steps %d..%d) loss %v, want %v", i, prev+1, s, h.Loss[i], want)
		}
		prev = s
	}
}

func TestHubKeepsTheLastCommands(t *testing.T) {
	h := newHub()
	for i := range commandsKept + 5 {
		h.publish(CommandEvent{Step: i})
	}
	if n := len(h.commands); n != commandsKept || h.commands[0].Step != 5 || h.commands[n-1].Step != commandsKept+4 {
		t.Fatalf("kept %d commands from step %d", n, h.commands[0].Step)
	}
}

// TestHubMetricsSubscriberGetsNoSamples: a metrics-only subscriber receives
// the other events but no SampleEvent, and does not count as wanting sample
// views, so the trainer re-runs no samples for it.
func TestHubMetricsSubscriberGetsNoSamples(t *testing.T) {
	h := newHub()
	h.publish(SampleEvent{Step: 1})
	s := h.subscribe(false)
	defer s.Cancel()
	if n := h.sampleSubscribers(); n != 0 {
		t.Fatalf("%d sample subscribers, want 0 for a metrics-only one", n)
	}
	h.publish(SampleEvent{Step: 2})
	h.publish(EvalEvent{Step: 3})
	h.publish(DoneEvent{})
	evs, _ := s.Wait()
	for _, e := range evs {
		if _, ok := e.(SampleEvent); ok {
			t.Fatalf("metrics-only subscriber got %#v", e)
		}
	}
}

// TestHubThinsOldEvaluations: a session of many epochs keeps a bounded
// replay of evaluations, the newest half whole and the first one kept.
func TestHubThinsOldEvaluations(t *testing.T) {
	h := newHub()
	n := 3 * evalsKept
	for i := range n {
		h.publish(EvalEvent{Epoch: i})
	}
	ev := h.snapshot().evals
	if len(ev) > evalsKept || ev[0].Epoch != 0 || ev[len(ev)-1].Epoch != n-1 {
		t.Fatalf("%d evaluations kept, epochs %d..%d", len(ev), ev[0].Epoch, ev[len(ev)-1].Epoch)
	}
	for i := len(ev) - evalsKept/4; i < len(ev); i++ {
		if ev[i].Epoch != ev[i-1].Epoch+1 {
			t.Fatalf("recent evaluations thinned: epoch %d after %d", ev[i].Epoch, ev[i-1].Epoch)
		}
	}
}
