package serve

import (
	"testing"
	"time"

	"inloop/engine"
)

// Progress and sample events are coalesced, newest wins; the others pass at
// once and in order; held events are flushed when the run's stream ends.
func TestThrottleCoalescesLatestState(t *testing.T) {
	in := make(chan engine.Event, 16)
	cancelled := false
	out, _ := throttleEvents(in, func() { cancelled = true }, time.Hour) // no tick during the test
	for step := 1; step <= 5; step++ {
		in <- engine.ProgressEvent{Step: step}
	}
	in <- engine.SampleEvent{Step: 4}
	in <- engine.SampleEvent{Step: 5}
	in <- engine.EvalEvent{Step: 5}
	in <- engine.CommandEvent{Step: 5, Applied: true}
	close(in)

	var got []engine.Event
	for ev := range out {
		got = append(got, ev)
	}
	want := []engine.Event{
		engine.EvalEvent{Step: 5},
		engine.CommandEvent{Step: 5, Applied: true},
		engine.ProgressEvent{Step: 5},
		engine.SampleEvent{Step: 5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d events %v, want %v", len(got), got, want)
	}
	for i := range want {
		if !sameEvent(got[i], want[i]) {
			t.Errorf("event %d = %#v, want %#v", i, got[i], want[i])
		}
	}
	if cancelled {
		t.Error("the run's subscription was cancelled although its stream ended by itself")
	}
}

// sameEvent compares events by kind and content; SampleEvent holds slices,
// so it is compared by step.
func sameEvent(a, b engine.Event) bool {
	sa, ok1 := a.(engine.SampleEvent)
	sb, ok2 := b.(engine.SampleEvent)
	if ok1 || ok2 {
		return ok1 && ok2 && sa.Step == sb.Step
	}
	return a == b
}

// A held event is passed on at the next tick, without waiting for more.
func TestThrottlePassesHeldEventAtTick(t *testing.T) {
	in := make(chan engine.Event)
	out, cancel := throttleEvents(in, func() {}, 10*time.Millisecond)
	defer cancel()
	in <- engine.ProgressEvent{Step: 7}
	select {
	case ev := <-out:
		if p, ok := ev.(engine.ProgressEvent); !ok || p.Step != 7 {
			t.Errorf("got %#v, want progress at step 7", ev)
		}
	case <-time.After(waitLimit):
		t.Fatal("held progress never passed")
	}
}

// Cancel closes the stream and cancels the run's subscription, even while
// an event waits for a reader that is gone.
func TestThrottleCancel(t *testing.T) {
	in := make(chan engine.Event, 1)
	cancelledIn := make(chan struct{})
	out, cancel := throttleEvents(in, func() { close(cancelledIn) }, time.Hour)
	in <- engine.EvalEvent{Step: 1} // nobody reads it
	time.Sleep(time.Millisecond)
	cancel()
	cancel() // idempotent
	<-cancelledIn
	for range out { // drains what was in flight, then ends
	}
}
