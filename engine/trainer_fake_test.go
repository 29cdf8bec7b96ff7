package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"

	"inloop/data"
)

// fakeSet is a dataset of n samples with two classes.
type fakeSet struct {
	n     int
	split data.Split
}

func (d fakeSet) Name() string      { return "fake" }
func (d fakeSet) Split() data.Split { return d.split }
func (d fakeSet) Len() int          { return d.n }
func (d fakeSet) Classes() []string { return []string{"even", "odd"} }
func (d fakeSet) Inputs() int       { return 2 }
func (d fakeSet) Window() float64   { return 10 }
func (d fakeSet) Sample(i int) data.Sample {
	return data.Sample{Spikes: []data.Spike{{Time: float64(i % 10), Channel: i % 2}}, Label: i % 2}
}

// fakeState is everything the fake learner's results depend on.
type fakeState struct {
	W           []float64
	Cfg         Config
	Calibration string
}

// fakeLearner is a deterministic stand-in for *Learner: its weights move by
// an amount that depends on the batch's indices, the step seed and the
// learning rate, so any difference in data order, seeds or hyperparameters
// shows in the weights.
type fakeLearner struct {
	fakeState
	train, test fakeSet
	// hook runs at the start of step k (1-based); tests use it to send
	// commands at a known point.
	hook func(k int)
	// nanAt makes step nanAt return a NaN loss.
	nanAt int

	mu    sync.Mutex // guards the call log, read by tests after the run
	steps int
	seen  [][]int
	seeds []uint64
	lrs   []float64
	evals int
	views int // sample views made
	// acc, if set, gives the test accuracy of evaluation n (1-based).
	acc    func(n int) float64
	sample []float64 // reused buffer: the trainer must copy what it publishes
}

func newFake(cfg Config, nTrain int) *fakeLearner {
	return &fakeLearner{
		fakeState: fakeState{W: []float64{0.1, -0.2, 0.3, 0}, Cfg: cfg, Calibration: cfg.Calibration},
		train:     fakeSet{nTrain, data.Train},
		test:      fakeSet{10, data.Test},
		sample:    make([]float64, 3),
	}
}

func (f *fakeLearner) Config() Config      { return f.Cfg }
func (f *fakeLearner) Train() data.Dataset { return f.train }
func (f *fakeLearner) Test() data.Dataset  { return f.test }
func (f *fakeLearner) EndEpoch()           { f.Cfg.Hyper.LR *= f.Cfg.Hyper.LRDecay }
func (f *fakeLearner) ChipView() ChipEvent {
	return ChipEvent{Params: []ParamMap{{Name: "leak", Current: []float64{1, 2}}}}
}
func (f *fakeLearner) Uncalibrate() error       { f.Calibration = "uncalibrated"; return nil }
func (f *fakeLearner) Recalibrate(string) error { f.Calibration = "calibrated"; return nil }

func (f *fakeLearner) Step(idx []int, seed uint64) (BatchStats, error) {
	f.mu.Lock()
	f.steps++
	k := f.steps
	f.seen = append(f.seen, append([]int(nil), idx...))
	f.seeds = append(f.seeds, seed)
	f.lrs = append(f.lrs, f.Cfg.Hyper.LR)
	f.mu.Unlock()
	if f.hook != nil {
		f.hook(k)
	}
	if k == f.nanAt {
		f.W[0] = math.NaN()
		return BatchStats{Loss: math.NaN(), Samples: len(idx)}, nil
	}
	correct := 0
	for j, i := range idx {
		g := float64((seed>>uint(j%40))%1000)/1000 - 0.5
		f.W[i%len(f.W)] += f.Cfg.Hyper.LR * g * float64(i+1) / float64(f.train.n)
		if (i+int(1000*math.Abs(f.W[0])))%3 != 0 {
			correct++
		}
	}
	loss := 0.0
	for _, w := range f.W {
		loss += w * w
	}
	return BatchStats{Loss: loss, Accuracy: float64(correct) / float64(len(idx)), SpikesPerSample: 10 * math.Abs(f.W[1]), Samples: len(idx)}, nil
}

func (f *fakeLearner) Evaluate(ds data.Dataset) (EvalStats, error) {
	f.mu.Lock()
	f.evals++
	f.mu.Unlock()
	acc := 0.5 + 0.5*math.Tanh(f.W[2]+f.W[3])
	if f.acc != nil {
		acc = f.acc(f.evals)
	}
	return EvalStats{Accuracy: acc, Loss: f.W[0]*f.W[0] + 1, SpikesPerSample: 3, Samples: ds.Len()}, nil
}

func (f *fakeLearner) SampleView(i int) (SampleEvent, error) {
	f.mu.Lock()
	f.views++
	f.mu.Unlock()
	f.sample[0], f.sample[1], f.sample[2] = float64(i), f.W[0], f.W[1]
	return SampleEvent{Label: i % 2, OutputTraces: [][]float64{f.sample}, HiddenSpikes: []SpikeAt{{Index: i, Time: 1}}}, nil
}

func (f *fakeLearner) DecisionMap() (MapEvent, bool, error) { return MapEvent{}, false, nil }
func (f *fakeLearner) Confusion() []int                     { return nil }

func (f *fakeLearner) WeightStats() WeightStats {
	return WeightStats{HiddenMean: (f.W[0] + f.W[1]) / 2, HiddenSD: 1, OutputMean: f.W[2], OutputSD: 1}
}

func (f *fakeLearner) SetLR(lr float64) { f.Cfg.Hyper.LR = lr }

func (f *fakeLearner) Set(name, value string) error {
	v, err := strconv.ParseFloat(value, 64)
	switch name {
	case "lr":
		if err != nil || !(v > 0 && v <= 1) {
			return fmt.Errorf("lr: %q out of range (accepted: a number in (0, 1])", value)
		}
		f.Cfg.Hyper.LR = v
	case "batch":
		if err != nil || v < 1 || v != math.Trunc(v) {
			return fmt.Errorf("batch: %q out of range (accepted: an integer ≥ 1)", value)
		}
		f.Cfg.Hyper.Batch = int(v)
	default:
		return fmt.Errorf("unknown hyperparameter %q (accepted: lr, batch)", name)
	}
	return nil
}

func (f *fakeLearner) SetMode(m Mode) error { f.Cfg.Mode = m; return nil }

func (f *fakeLearner) Decalibrate(sigma float64) error {
	f.Calibration = fmt.Sprintf("σ=%g", sigma)
	f.Cfg.Decalibrate = sigma
	return nil
}

func (f *fakeLearner) SwapChip(seed uint64) error {
	if seed == 13 {
		return errors.New("chip seed 13 is unlucky")
	}
	f.Cfg.ChipSeed = seed
	return nil
}

func (f *fakeLearner) Checkpoint() ([]byte, error) { return json.Marshal(f.fakeState) }

func (f *fakeLearner) Restore(b []byte) error {
	var s fakeState
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	f.fakeState = s
	return nil
}

// fakeConfig is a small run: 23 samples in batches of 5 (a short last batch).
func fakeConfig(epochs int, dir string) Config {
	return Config{
		Dataset: "fake", Mode: ModeChip, Epochs: epochs, ChipSeed: 1, NoiseSeed: 2, Seed: 7,
		Calibration: "calibrated", RunDir: dir,
		Hyper: Hyper{LR: 0.1, LRDecay: 0.9, Batch: 5},
	}
}

// fakeTrainer builds a trainer around a fake learner made by setup from the
// config the trainer asks for (the saved one when resuming).
func fakeTrainer(cfg Config, setup func(*fakeLearner)) (*Trainer, *fakeLearner, error) {
	var fl *fakeLearner
	t, err := newTrainer(cfg, func(c Config) (trainee, error) {
		fl = newFake(c, 23)
		if setup != nil {
			setup(fl)
		}
		return fl, nil
	})
	return t, fl, err
}
