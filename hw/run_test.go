package hw

import (
	"errors"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestBitIdenticalAcrossCores: same seeds give the same observables with
// GOMAXPROCS 1 and 2, and Sequence/SetSequence reproduce a batch.
func TestBitIdenticalAcrossCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	batch := mnistStimuli(3, 24, false)
	run := func(procs int) ([]Observation, []Inference) {
		runtime.GOMAXPROCS(procs)
		c := New(Options{ChipSeed: 5, NoiseSeed: 6})
		if err := c.Configure(mnistNetwork(2, 8, 20)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Calibrate(DefaultTargets()); err != nil {
			t.Fatal(err)
		}
		obs, err := c.Run(batch, RunOptions{Probe: []int{3, 250}})
		if err != nil {
			t.Fatal(err)
		}
		inf, err := c.Infer(batch, InferOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return obs, inf
	}
	o1, i1 := run(1)
	o2, i2 := run(2)
	if !reflect.DeepEqual(o1, o2) || !reflect.DeepEqual(i1, i2) {
		t.Fatal("observables differ between GOMAXPROCS=1 and 2")
	}
	spikes := 0
	for _, o := range o1 {
		spikes += len(o.Spikes)
	}
	if spikes == 0 {
		t.Fatal("no spikes: the comparison is vacuous")
	}
}

// TestSequenceAndNoise: the noise stream follows Sequence; another noise seed
// gives other readouts; the ideal chip is noise-free.
func TestSequenceAndNoise(t *testing.T) {
	c := New(Options{ChipSeed: 1, NoiseSeed: 1})
	c.Configure(mnistNetwork(1, 8, 20))
	batch := mnistStimuli(1, 4, true)
	a, _ := c.Run(batch, RunOptions{})
	if c.Sequence() != 4 {
		t.Errorf("Sequence %d after 4 samples", c.Sequence())
	}
	b, _ := c.Run(batch, RunOptions{})
	if reflect.DeepEqual(a, b) {
		t.Error("the second batch repeated the first one's noise")
	}
	c.SetSequence(0)
	a2, _ := c.Run(batch, RunOptions{})
	if !reflect.DeepEqual(a, a2) {
		t.Error("SetSequence(0) did not reproduce the first batch")
	}
	d := New(Options{ChipSeed: 1, NoiseSeed: 2})
	d.Configure(mnistNetwork(1, 8, 20))
	if b2, _ := d.Run(batch, RunOptions{}); reflect.DeepEqual(a, b2) {
		t.Error("noise seeds 1 and 2 gave identical readouts")
	}
	id := New(Options{Ideal: true})
	id.Configure(mnistNetwork(1, 8, 20))
	x, _ := id.Run(batch, RunOptions{})
	y, _ := id.Run(batch, RunOptions{})
	if !reflect.DeepEqual(x, y) {
		t.Error("the ideal chip is not deterministic across runs")
	}
}

// TestReadoutGridAndClipping: frame count and layout, spikes on the 8 ns
// grid within the sample, CADC clipping at 0 and 255.
func TestReadoutGridAndClipping(t *testing.T) {
	c := New(Options{Ideal: true})
	// neuron 0 integrates strong excitation, neuron 1 strong inhibition.
	net := Network{Inputs: 8, Neurons: 3, Integrators: Population{Size: 2}, Projections: []Projection{
		dense(Population{External: true, Size: 8}, 0, 1, 63),
		dense(Population{External: true, Size: 8}, 1, 1, -63),
		dense(Population{External: true, Size: 8}, 2, 1, 20),
	}}
	if err := c.Configure(net); err != nil {
		t.Fatal(err)
	}
	var ev []Event
	for i := 0; i < 8; i++ {
		ev = append(ev, Event{Time: 1.0001, Source: int32(i)})
	}
	obs, err := c.Run([]Stimulus{{Events: ev, Duration: 34}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := obs[0]
	if o.Frames != 21 || len(o.CADC) != 21*3 {
		t.Fatalf("%d frames, %d codes; want 21 and 63", o.Frames, len(o.CADC))
	}
	max0, min1 := uint8(0), uint8(255)
	for f := 0; f < o.Frames; f++ {
		max0 = max(max0, o.CADC[f*3])
		min1 = min(min1, o.CADC[f*3+1])
	}
	if max0 != 255 || min1 != 0 {
		t.Errorf("CADC range %d…%d, want clipping at 255 and 0", min1, max0)
	}
	if o.CADC[0] != 80 {
		t.Errorf("baseline frame %d, want the leak 80", o.CADC[0])
	}
	if len(o.Spikes) == 0 {
		t.Fatal("neuron 2 did not spike")
	}
	for _, s := range o.Spikes {
		if s.Neuron != 2 || s.Tick < 125 || s.Tick >= tickOf(34) {
			t.Errorf("spike %+v outside the driven neuron or the sample", s)
		}
	}
	// Frames at an explicit count and period.
	obs, _ = c.Run([]Stimulus{{Events: ev, Duration: 5}}, RunOptions{Frames: 40, Period: 0.5})
	if obs[0].Frames != 40 || len(obs[0].CADC) != 120 {
		t.Errorf("explicit frames: %d", obs[0].Frames)
	}
}

func TestCADCRound(t *testing.T) {
	for _, cs := range []struct {
		x    float64
		corr int
		want uint8
	}{{-3, 0, 0}, {0.49, 0, 0}, {0.5, 0, 1}, {254.6, 0, 255}, {300, 0, 255}, {300, 10, 245}, {5, 10, 0}, {100.2, -3, 103}, {250, -10, 255}} {
		if got := cadcRound(cs.x, cs.corr); got != cs.want {
			t.Errorf("cadcRound(%g, %d) = %d, want %d", cs.x, cs.corr, got, cs.want)
		}
	}
}

func TestStimulusErrors(t *testing.T) {
	c := New(Options{})
	if _, err := c.Run(nil, RunOptions{}); err == nil {
		t.Error("Run before Configure accepted")
	}
	c.Configure(Network{Inputs: 2, Neurons: 1, Projections: []Projection{dense(Population{External: true, Size: 2}, 0, 1, 1)}})
	for _, cs := range []struct {
		s   Stimulus
		msg string
	}{
		{Stimulus{Duration: 0}, "duration"},
		{Stimulus{Duration: 10, Events: []Event{{Time: 2}, {Time: 1}}}, "sorted"},
		{Stimulus{Duration: 10, Events: []Event{{Time: -1}}}, "≥ 0"},
		{Stimulus{Duration: 10, Events: []Event{{Time: math.NaN()}}}, "finite"},
		{Stimulus{Duration: 10, Events: []Event{{Time: 1}, {Time: math.Inf(1)}}}, "finite"},
		{Stimulus{Duration: 10, Events: []Event{{Time: 1, Source: 2}}}, "input 2"},
		{Stimulus{Duration: 10, Events: []Event{{Time: 1, Source: -1}}}, "input -1"},
	} {
		seq := c.Sequence()
		_, err := c.Run([]Stimulus{{Duration: 1}, cs.s}, RunOptions{})
		var se *StimulusError
		if !errors.As(err, &se) || se.Sample != 1 || !strings.Contains(err.Error(), cs.msg) {
			t.Errorf("Run %+v: %v", cs.s, err)
		}
		_, err = c.Infer([]Stimulus{{Duration: 1}, cs.s}, InferOptions{Readout: Population{Size: 1}})
		if !errors.As(err, &se) || se.Sample != 1 || !strings.Contains(err.Error(), cs.msg) {
			t.Errorf("Infer %+v: %v", cs.s, err)
		}
		if c.Sequence() != seq {
			t.Errorf("%+v: a refused batch advanced the noise sequence %d -> %d", cs.s, seq, c.Sequence())
		}
	}
	// Several bad samples: the lowest index is reported, on any number of
	// workers (they check their samples in parallel).
	batch := make([]Stimulus, 64)
	for k := range batch {
		batch[k] = Stimulus{Duration: 10, Events: []Event{{Time: 1}}}
	}
	batch[40].Events[0].Source = 7
	batch[9].Events[0].Time = -2
	batch[50].Duration = 0
	for _, procs := range []int{1, 2, 4} {
		prev := runtime.GOMAXPROCS(procs)
		_, err := c.Run(batch, RunOptions{})
		runtime.GOMAXPROCS(prev)
		var se *StimulusError
		if !errors.As(err, &se) || se.Sample != 9 {
			t.Errorf("GOMAXPROCS %d: %v, want the error of sample 9", procs, err)
		}
	}
	if _, err := c.Run([]Stimulus{{Duration: 1}}, RunOptions{Probe: []int{5}}); err == nil {
		t.Error("probe of a missing neuron accepted")
	}
}

// TestInferMatchesRun: on the ideal chip the inference observables equal the
// maxima of the Run traces over the first 10 µs.
func TestInferMatchesRun(t *testing.T) {
	c := New(Options{Ideal: true})
	c.Configure(mnistNetwork(4, 10, 25))
	batch := mnistStimuli(4, 8, true)
	for i := range batch {
		batch[i].Events[0].Time = 0 // onset at 0, so both modes sample alike
	}
	obs, _ := c.Run(batch, RunOptions{})
	inf, err := c.Infer(batch, InferOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k, o := range obs {
		best, bestPeak := 0, int16(-999)
		for i := 0; i < 10; i++ {
			b := int16(o.CADC[246+i])
			peak := int16(-999)
			for f := 0; f <= 5; f++ {
				peak = max(peak, int16(o.CADC[f*256+246+i])-b)
			}
			if inf[k].Peak[i] != peak {
				t.Errorf("sample %d neuron %d: inference peak %d, run %d", k, i, inf[k].Peak[i], peak)
			}
			if peak > bestPeak {
				best, bestPeak = i, peak
			}
		}
		if inf[k].Class != best {
			t.Errorf("sample %d: class %d, want %d", k, inf[k].Class, best)
		}
	}
	if _, err := c.Infer(batch, InferOptions{Readout: Population{Offset: 250, Size: 10}}); err == nil {
		t.Error("readout beyond the network accepted")
	}
}

// TestProbeDoesNotDisturb: probing neurons moves them (and what depends on
// them) from the feed-forward path to the event loop; on the ideal chip the
// observables must not change, and the probe must agree with the CADC.
func TestProbeDoesNotDisturb(t *testing.T) {
	c := New(Options{Ideal: true})
	c.Configure(mnistNetwork(8, 10, 25))
	batch := mnistStimuli(8, 3, false)
	plain, _ := c.Run(batch, RunOptions{})
	probed, err := c.Run(batch, RunOptions{Probe: []int{7, 250}, ProbeDt: 1.7})
	if err != nil {
		t.Fatal(err)
	}
	for k := range plain {
		if !reflect.DeepEqual(plain[k].Spikes, probed[k].Spikes) || !reflect.DeepEqual(plain[k].CADC, probed[k].CADC) {
			t.Fatalf("sample %d: probing changed the observables", k)
		}
		for i, tr := range probed[k].Probe {
			for f := 0; f < 20; f += 4 {
				// probe points at f·1.7 µs vs frames at round(f·212.5) ticks: compare loosely
				v := min(max(tr.V[f], 0), 255) // the CADC clips
				if d := float64(probed[k].CADC[f*256+tr.Neuron]) - v; d > 3 || d < -3 {
					t.Errorf("sample %d probe %d frame %d: CADC %d, true membrane %.2f", k, i, f, probed[k].CADC[f*256+tr.Neuron], tr.V[f])
				}
			}
		}
	}
}
