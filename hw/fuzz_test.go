package hw

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"testing"
)

// FuzzStimulus plays stimuli decoded from arbitrary bytes (times as raw
// float64 bits, so NaN, infinities, negative and unsorted times all occur;
// sources as raw int32) through Run and Infer: each returns observations or
// a *StimulusError, never panics, and the vector kernels agree with the
// portable loops on every observable.
func FuzzStimulus(f *testing.F) {
	seed := func(ev []Event, dur float64) []byte {
		b := binary.LittleEndian.AppendUint64(nil, math.Float64bits(dur))
		for _, e := range ev {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.Time))
			b = binary.LittleEndian.AppendUint32(b, uint32(e.Source))
		}
		return b
	}
	f.Add(seed(mnistStimuli(1, 1, true)[0].Events, 34))
	f.Add(seed(mnistStimuli(2, 1, false)[0].Events[:37], 12))
	f.Add(seed([]Event{{Time: 1.7, Source: 3}, {Time: math.NaN(), Source: 1}}, 20))
	f.Add(seed([]Event{{Time: 5, Source: 300}}, 20))
	f.Add(seed(nil, 0))
	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
	if err := c.Configure(mnistNetwork(1, 12, 20)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 8 {
			return
		}
		s := Stimulus{Duration: math.Float64frombits(binary.LittleEndian.Uint64(b))}
		for b = b[8:]; len(b) >= 12; b = b[12:] {
			s.Events = append(s.Events, Event{
				Time:   math.Float64frombits(binary.LittleEndian.Uint64(b)),
				Source: int32(binary.LittleEndian.Uint32(b[8:])),
			})
		}
		if s.Duration > 200 { // keep runs short; the limit itself is tested elsewhere
			s.Duration = 200
		}
		batch := []Stimulus{s, s}
		var se *StimulusError
		seq := c.Sequence()
		obs, err := c.Run(batch, RunOptions{})
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("Run: %v is not a StimulusError", err)
		}
		c.SetSequence(seq)
		inf, ierr := c.Infer(batch, InferOptions{})
		if ierr != nil && !errors.As(ierr, &se) {
			t.Fatalf("Infer: %v is not a StimulusError", ierr)
		}
		if (err == nil) != (ierr == nil) && s.Duration > 0 {
			t.Fatalf("Run says %v, Infer %v", err, ierr)
		}
		// the portable loops give the same observables
		defer func(v bool) { hasAVX2 = v }(hasAVX2)
		hasAVX2 = false
		c.SetSequence(seq)
		obs2, err2 := c.Run(batch, RunOptions{})
		c.SetSequence(seq)
		inf2, _ := c.Infer(batch, InferOptions{})
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(obs, obs2) || !reflect.DeepEqual(inf, inf2) {
			t.Fatalf("the vector kernels and the portable loops disagree (errors %v, %v)", err, err2)
		}
	})
}
