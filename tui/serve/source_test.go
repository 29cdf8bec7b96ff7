package serve

import (
	"reflect"
	"testing"
	"time"

	"inloop/engine"
)

// takeUntilEnd takes s's events until it ends.
func takeUntilEnd(t *testing.T, s *engine.Stream) []engine.Event {
	t.Helper()
	var got []engine.Event
	deadline := time.After(waitLimit)
	for {
		select {
		case <-s.Ready():
		case <-deadline:
			t.Fatal("the stream did not end")
		}
		evs, ended := s.Take()
		got = append(got, evs...)
		if ended {
			return got
		}
	}
}

// Progress and sample events are coalesced, newest wins; the others pass at
// once and in order; held events are flushed when the run's stream ends.
func TestThrottleCoalescesLatestState(t *testing.T) {
	cancelled := false
	in := engine.NewStream(true, func() { cancelled = true })
	out := throttleEvents(in, time.Hour) // no tick during the test
	for step := 1; step <= 5; step++ {
		in.Push(engine.ProgressEvent{Step: step})
	}
	in.Push(engine.SampleEvent{Step: 4})
	in.Push(engine.SampleEvent{Step: 5})
	in.Push(engine.EvalEvent{Step: 5})
	in.Push(engine.CommandEvent{Step: 5, Applied: true})
	in.Close()

	got := takeUntilEnd(t, out)
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
	return reflect.DeepEqual(a, b) // EvalEvent holds a slice too
}

// A held event is passed on at the next tick, without waiting for more.
func TestThrottlePassesHeldEventAtTick(t *testing.T) {
	in := engine.NewStream(true, nil)
	out := throttleEvents(in, 10*time.Millisecond)
	defer out.Cancel()
	in.Push(engine.ProgressEvent{Step: 7})
	select {
	case <-out.Ready():
		evs, _ := out.Take()
		if len(evs) != 1 {
			t.Fatalf("got %v, want progress at step 7", evs)
		}
		if p, ok := evs[0].(engine.ProgressEvent); !ok || p.Step != 7 {
			t.Errorf("got %#v, want progress at step 7", evs[0])
		}
	case <-time.After(waitLimit):
		t.Fatal("held progress never passed")
	}
}

// Cancel ends the stream and cancels the run's subscription, even while
// an event waits for a reader that is gone.
func TestThrottleCancel(t *testing.T) {
	cancelledIn := make(chan struct{})
	in := engine.NewStream(true, func() { close(cancelledIn) })
	out := throttleEvents(in, time.Hour)
	in.Push(engine.EvalEvent{Step: 1}) // nobody reads it
	out.Cancel()
	out.Cancel() // idempotent
	<-cancelledIn
	if evs, ended := out.Take(); !ended || len(evs) != 0 {
		t.Fatalf("after cancel: %v, ended %v", evs, ended)
	}
}
