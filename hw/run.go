package hw

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// StimulusError is a stimulus the chip cannot play.
type StimulusError struct {
	Sample int
	Msg    string
}

func (e *StimulusError) Error() string { return fmt.Sprintf("hw: sample %d: %s", e.Sample, e.Msg) }

// maxDuration bounds one sample's recording, µs (the FPGA's timer range is
// far larger; this guards against nonsense input).
const maxDuration = 1e6

// eventTicks checks sample k (its duration; its events: finite times ≥ 0,
// sorted, from an existing input) and returns the events' ticks after t0 in
// w.evTicks. It runs on the workers: one pass over the events both validates
// and converts them.
//
// With stride > 0 it also returns each event's offset Source·stride into
// the jump rows of plan.evProj (nil otherwise).
func (w *worker) eventTicks(k int, s *Stimulus, t0 float64, inputs, stride int) ([]int64, []int32, error) {
	if !(s.Duration > 0) || s.Duration > maxDuration {
		return nil, nil, &StimulusError{k, fmt.Sprintf("duration %g µs; need 0 < duration ≤ %g µs", s.Duration, float64(maxDuration))}
	}
	ev := s.Events
	if cap(w.evTicks) < len(ev) {
		w.evTicks = make([]int64, len(ev))
	}
	ticks := w.evTicks[:len(ev)]
	var rows []int32
	if stride > 0 {
		if cap(w.evRows) < len(ev) {
			w.evRows = make([]int32, len(ev))
		}
		rows = w.evRows[:len(ev)]
	}
	i := eventTicksVector(ev, t0, inputs, int32(stride), ticks, rows)
	prev := 0.0
	if i > 0 {
		prev = ev[i-1].Time
	}
	for ; i < len(ev); i++ {
		e := &ev[i]
		// one test for NaN, negative, unsorted and huge times
		if !(e.Time >= prev && e.Time <= maxEventTime) || uint32(e.Source) >= uint32(inputs) {
			return nil, nil, eventError(k, ev, i, inputs)
		}
		prev = e.Time
		ticks[i] = tickOf(e.Time - t0)
		if rows != nil {
			rows[i] = e.Source * int32(stride)
		}
	}
	return ticks, rows, nil
}

// maxEventTime bounds event times far beyond any duration, so that their
// ticks are exact integers.
const maxEventTime = 1 << 40

// eventError says what is wrong with event i of sample k.
func eventError(k int, ev []Event, i, inputs int) error {
	e := ev[i]
	switch {
	case !(e.Time >= 0) || e.Time > maxEventTime:
		return &StimulusError{k, fmt.Sprintf("event %d at time %g µs; times must be finite and ≥ 0 (at most %g µs)", i, e.Time, float64(maxEventTime))}
	case i > 0 && e.Time < ev[i-1].Time:
		return &StimulusError{k, fmt.Sprintf("event %d at %g µs comes after %g µs; events must be sorted by time", i, e.Time, ev[i-1].Time)}
	default:
		return &StimulusError{k, fmt.Sprintf("event %d from input %d; the network has inputs 0..%d", i, e.Source, inputs-1)}
	}
}

// firstError keeps the error of the lowest sample index reported to it by
// the workers, so a batch fails with the same error on any number of cores.
type firstError struct {
	mu  sync.Mutex
	k   int
	err error
}

func (f *firstError) set(k int, err error) {
	f.mu.Lock()
	if f.err == nil || k < f.k {
		f.k, f.err = k, err
	}
	f.mu.Unlock()
}

// Run plays every sample of batch and returns its observations. Samples are
// independent (all neurons start at rest) and run in parallel on GOMAXPROCS
// goroutines; sample k's temporal noise comes from (NoiseSeed, Sequence()+k),
// so results are bit-identical for any number of cores. Sequence advances by
// len(batch).
func (c *Chip) Run(batch []Stimulus, opt RunOptions) ([]Observation, error) {
	if c.net == nil {
		return nil, configErr("projection", "no network is configured; call Configure first")
	}
	period := opt.Period
	if period == 0 {
		period = CADCPeriod
	}
	if !(period >= EventTick) || math.IsInf(period, 0) {
		return nil, fmt.Errorf("hw: CADC period %g µs; need at least %g µs", opt.Period, EventTick)
	}
	if opt.Frames < 0 {
		return nil, fmt.Errorf("hw: %d CADC frames; need ≥ 0", opt.Frames)
	}
	probeDt := opt.ProbeDt
	if probeDt == 0 {
		probeDt = 0.1
	}
	if !(probeDt >= EventTick) || math.IsInf(probeDt, 0) {
		return nil, fmt.Errorf("hw: probe interval %g µs; need at least %g µs", opt.ProbeDt, EventTick)
	}
	for _, j := range opt.Probe {
		if j < 0 || j >= c.net.neurons {
			return nil, fmt.Errorf("hw: probe neuron %d; the network has neurons 0..%d", j, c.net.neurons-1)
		}
	}
	m := c.ensureModel()
	n := c.net.neurons
	plan := m.planRun
	if plan == nil || len(opt.Probe) > 0 {
		plan = newFFPlan(m, c.net, opt.Probe, nil)
		if len(opt.Probe) == 0 {
			m.planRun = plan
		}
	}
	obs := make([]Observation, len(batch))
	base, stride := c.seq, plan.evStride(c.net)
	var bad firstError
	c.parallel(len(batch), func(w *worker, k int) {
		s := &batch[k]
		ticks, rows, err := w.eventTicks(k, s, 0, c.net.inputs, stride)
		if err != nil {
			bad.set(k, err)
			return
		}
		frames := opt.Frames
		if frames == 0 {
			frames = int(math.Floor(s.Duration/period+1e-9)) + 1
		}
		horizon := max(tickOf(s.Duration), tickOf(float64(frames-1)*period)+1)
		job := sampleJob{events: s.Events, ticks: ticks, rows: rows, horizon: horizon, frames: frames, period: period,
			cadc: make([]uint8, frames*n), plan: plan}
		o := &obs[k]
		if len(opt.Probe) > 0 {
			np := int(math.Floor(float64(horizon)*EventTick/probeDt-1e-9)) + 1
			job.probe = opt.Probe
			job.probeDt = probeDt
			job.probeOut = make([][]float64, len(opt.Probe))
			o.Probe = make([]Trace, len(opt.Probe))
			for i, j := range opt.Probe {
				job.probeOut[i] = make([]float64, np)
				o.Probe[i] = Trace{Neuron: j, Dt: probeDt, V: job.probeOut[i]}
			}
		}
		w.noise = noiseSource{rng: newRNG(c.opt.NoiseSeed, noiseStream, base+uint64(k))}
		w.simulate(m, c.net, &job)
		o.Frames = frames
		o.CADC = job.cadc
		o.Spikes = append([]Spike(nil), w.spikes...)
	})
	if bad.err != nil {
		return nil, bad.err
	}
	c.seq += uint64(len(batch))
	return obs, nil
}

// noiseStream keys the temporal-noise streams apart from the die's.
const noiseStream = 0x6e6f697365

// parallel calls fn(worker, k) for k in 0..count−1 on up to GOMAXPROCS
// goroutines, each with its own reused scratch.
func (c *Chip) parallel(count int, fn func(w *worker, k int)) {
	nw := min(runtime.GOMAXPROCS(0), count)
	for len(c.workers) < nw {
		c.workers = append(c.workers, &worker{})
	}
	if nw <= 1 {
		for k := 0; k < count; k++ {
			fn(c.workers[0], k)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < nw; g++ {
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= count {
					return
				}
				fn(w, k)
			}
		}(c.workers[g])
	}
	wg.Wait()
}
