package hw

import (
	"math"
	"slices"
	"testing"
)

// eventTicksScalar is the reference: eventTicks with the vector kernel off.
func eventTicksScalar(t *testing.T, s *Stimulus, t0 float64, inputs, stride int) ([]int64, []int32, error) {
	t.Helper()
	defer func(v bool) { hasAVX2 = v }(hasAVX2)
	hasAVX2 = false
	var w worker
	ticks, rows, err := w.eventTicks(0, s, t0, inputs, stride)
	return slices.Clone(ticks), slices.Clone(rows), err
}

// TestEventTicksKernel: the vector loop of eventTicks gives the scalar
// loop's ticks and rows, times on the 1.7 µs bins (which fall on half
// ticks) included, and with an invalid event anywhere the same error.
func TestEventTicksKernel(t *testing.T) {
	r := newRNG(21)
	bad := 0
	for trial := 0; trial < 400; trial++ {
		n := int(r.uint64() % 40)
		ev := make([]Event, n)
		for i := range ev {
			if trial%2 == 0 {
				ev[i].Time = float64(r.uint64()%8) * 1.7
			} else {
				ev[i].Time = 30 * r.float64()
			}
			ev[i].Source = int32(r.uint64() % 200)
		}
		sortEvents(ev)
		if n > 0 && trial%3 == 0 { // spoil one event
			i := int(r.uint64() % uint64(n))
			switch trial % 7 {
			case 0:
				ev[i].Time = math.NaN()
			case 1:
				ev[i].Time = -1
			case 2:
				ev[i].Source = 200
			case 3:
				ev[i].Source = -3
			case 4:
				ev[i].Time = math.Inf(1)
			case 5:
				ev[i].Time = 2e12
			case 6:
				if i > 0 {
					ev[i].Time = ev[i-1].Time - 0.5
				}
			}
		}
		t0 := 0.0
		if trial%4 == 1 && n > 0 && ev[0].Time >= 0 {
			t0 = ev[0].Time
		}
		s := Stimulus{Events: ev, Duration: 40}
		stride := int(r.uint64()%3) * 123
		wantT, wantR, wantErr := eventTicksScalar(t, &s, t0, 200, stride)
		var w worker
		gotT, gotR, gotErr := w.eventTicks(0, &s, t0, 200, stride)
		if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
			t.Fatalf("trial %d: error %v, scalar %v", trial, gotErr, wantErr)
		}
		if wantErr != nil {
			bad++
			continue
		}
		if !slices.Equal(gotT, wantT) || !slices.Equal(gotR, wantR) {
			t.Fatalf("trial %d: ticks %v rows %v, scalar %v %v", trial, gotT, gotR, wantT, wantR)
		}
		for i, e := range ev {
			if want := tickOf(e.Time - t0); gotT[i] != want {
				t.Fatalf("trial %d event %d at %v: tick %d, tickOf %d", trial, i, e.Time, gotT[i], want)
			}
		}
	}
	if bad < 50 {
		t.Fatalf("only %d stimuli with a bad event", bad)
	}
}
