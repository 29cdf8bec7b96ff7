package engine

import (
	"slices"
	"testing"
)

// subscriberOf finds the one subscriber registered with h.
func subscriberOf(t *testing.T, h *hub) *subscriber {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) != 1 {
		t.Fatalf("%d subscribers, want 1", len(h.subs))
	}
	for s := range h.subs {
		return s
	}
	return nil
}

func TestHubThrottledEventsNewestWins(t *testing.T) {
	h := newHub()
	events, cancel := h.subscribe(true)
	defer cancel()
	s := subscriberOf(t, h)
	for i := range 10000 {
		h.publish(ProgressEvent{Step: i})
		h.publish(SampleEvent{Step: i, InputSpikes: make([]SpikeAt, 10)})
		if i%1000 == 0 {
			h.publish(EvalEvent{Step: i})
		}
	}
	s.mu.Lock()
	n := len(s.queue)
	s.mu.Unlock()
	// 10 evals, at most one progress and one sample waiting, plus the
	// history the forwarder may not have taken yet
	if n > 13 {
		t.Fatalf("a consumer that never reads holds %d queued events, want ≤ 13", n)
	}
	h.publish(DoneEvent{})
	var evals []int
	var lastProgress, lastSample int
	for e := range events {
		switch e := e.(type) {
		case EvalEvent:
			evals = append(evals, e.Step)
		case ProgressEvent:
			lastProgress = e.Step
		case SampleEvent:
			lastSample = e.Step
		}
	}
	if want := []int{0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000}; !slices.Equal(evals, want) {
		t.Errorf("evaluations delivered %v, want all of %v in order", evals, want)
	}
	if lastProgress != 9999 || lastSample != 9999 {
		t.Errorf("last progress %d, sample %d; want the newest, 9999", lastProgress, lastSample)
	}
}

func TestHubEventsAreDeepCopies(t *testing.T) {
	h := newHub()
	a, cancelA := h.subscribe(true)
	defer cancelA()
	b, cancelB := h.subscribe(true)
	defer cancelB()
	<-a // history
	<-b
	trace := []float64{1, 2, 3}
	h.publish(cloneSample(SampleEvent{OutputTraces: [][]float64{trace}, Probes: []ProbeTrace{{CADC: []float64{4}}}}))
	trace[0] = 99 // the producer reuses its buffer
	sa := (<-a).(SampleEvent)
	sb := (<-b).(SampleEvent)
	sa.OutputTraces[0][1] = -1
	sa.Probes[0].CADC[0] = -1
	if sb.OutputTraces[0][0] != 1 || sb.OutputTraces[0][1] != 2 || sb.Probes[0].CADC[0] != 4 {
		t.Fatalf("consumers share memory: %v %v", sb.OutputTraces, sb.Probes)
	}
	h.publish(ChipEvent{Params: []ParamMap{{Current: []float64{5}}}})
	ca := (<-a).(ChipEvent)
	cb := (<-b).(ChipEvent)
	ca.Params[0].Current[0] = 0
	if cb.Params[0].Current[0] != 5 {
		t.Fatal("chip maps shared between consumers")
	}
}

func TestHubCancelClosesStream(t *testing.T) {
	h := newHub()
	events, cancel := h.subscribe(true)
	h.publish(EvalEvent{})
	cancel()
	for range events { // must end
	}
	if h.sampleSubscribers() != 0 {
		t.Fatal("cancelled subscriber still registered")
	}
	h.publish(EvalEvent{}) // publishing after a cancel must not block or panic
	cancel()               // nor a second cancel
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
	events, cancel := h.subscribe(false)
	defer cancel()
	if n := h.sampleSubscribers(); n != 0 {
		t.Fatalf("%d sample subscribers, want 0 for a metrics-only one", n)
	}
	h.publish(SampleEvent{Step: 2})
	h.publish(EvalEvent{Step: 3})
	h.publish(DoneEvent{})
	for e := range events {
		if _, ok := e.(SampleEvent); ok {
			t.Fatalf("metrics-only subscriber got %#v", e)
		}
	}
}
