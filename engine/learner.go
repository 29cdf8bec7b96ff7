package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"inloop/data"
	"inloop/hw"
)

// Learner owns one run's network, optimiser state, datasets and chip. It is
// not safe for concurrent use: the Trainer's goroutine is its only user.
type Learner struct {
	cfg    Config
	rec    recipe
	layout Layout
	train  data.Dataset
	test   data.Dataset
	net    *net
	lr     float64 // learning rate in force (decayed per epoch)
	epochs int     // epochs ended

	chip     *chipState // nil until a chip or transfer mode needs one
	masked   Weights    // scratch: weights with dropped neurons zeroed
	keep     []bool     // scratch: dropout mask
	stimuli  []hw.Stimulus
	events   [][]hw.Event
	evalSize int // samples per evaluation chunk
	// confusion of the last Evaluate: samples of true class i predicted as
	// j at i·classes+j.
	confusion []int
}

// BatchStats describe one optimiser step.
type BatchStats struct {
	Loss            float64
	Accuracy        float64 // fraction of the batch classified right
	SpikesPerSample float64 // hidden spikes per sample
	Samples         int
}

// EvalStats describe an evaluation over a whole split.
type EvalStats struct {
	Accuracy        float64
	Loss            float64
	SpikesPerSample float64
	Samples         int
}

// NewLearner loads the datasets of cfg, builds and calibrates the chip,
// places the network and initialises the weights from cfg.Seed.
func NewLearner(cfg Config) (*Learner, error) {
	if err := validateConfig(cfg); err != nil {
		return nil, err
	}
	r, _ := recipeFor(cfg.Dataset)
	train, err := loadSplit(cfg, data.Train)
	if err != nil {
		return nil, err
	}
	test, err := loadSplit(cfg, data.Test)
	if err != nil {
		return nil, err
	}
	l, err := layoutFor(cfg, r, train)
	if err != nil {
		return nil, err
	}
	ln := &Learner{cfg: cfg, rec: r, layout: l, train: train, test: test, lr: cfg.Hyper.LR, evalSize: 500}
	ln.net = newNet(l, float32(cfg.Hyper.SurrogateBeta))
	initWeights(ln.net.w, l, r.initMean, rand.New(rand.NewPCG(cfg.Seed, 0x1417)))
	clampHidden(ln.net.w, hiddenLimit)
	if cfg.Init != nil {
		if err := ln.SetNetwork(*cfg.Init); err != nil {
			return nil, err
		}
		ln.cfg.Init = nil
	}
	ln.masked = newWeights(l)
	ln.keep = make([]bool, l.Hidden)
	if cfg.Mode != ModeSoftware {
		if err := ln.ensureChip(); err != nil {
			return nil, err
		}
	}
	return ln, nil
}

// loadSplit opens one split of the dataset of cfg (Yin-Yang with the
// encoding of cfg).
func loadSplit(cfg Config, split data.Split) (data.Dataset, error) {
	if cfg.Dataset == "yinyang" {
		repeat, late := yinyangEncoding(cfg)
		return newYinYangDithered(split, repeat, 1.7, late, hw.CADCPeriod)
	}
	return data.Load(cfg.Dataset, cfg.DataDir, split)
}

// Config returns the configuration in force (hyperparameters and mode
// included, as changed since the start).
func (l *Learner) Config() Config { return l.cfg }

// Layout returns the network's shape and time grid.
func (l *Learner) Layout() Layout { return l.layout }

// Train is the training split; Test the evaluation split.
func (l *Learner) Train() data.Dataset { return l.train }
func (l *Learner) Test() data.Dataset  { return l.test }

// LR returns the learning rate in force after the epochs' decay.
func (l *Learner) LR() float64 { return l.lr }

// onChip reports whether training batches run on the chip.
func (l *Learner) onChip() bool { return l.cfg.Mode == ModeChip }

// Step runs one optimiser step on the training samples idx (in the current
// mode), with the dropout mask and, with Config.Augment, the augmentation
// drawn from seed.
func (l *Learner) Step(idx []int, seed uint64) (BatchStats, error) {
	if len(idx) == 0 {
		return BatchStats{}, errors.New("step: empty batch")
	}
	n := l.net
	tapes := n.batchTapes(len(idx))
	if aug, ok := l.train.(data.Augmenter); ok && l.cfg.Augment {
		l.loadAugmented(aug, idx, seed, tapes)
	} else {
		l.loadInputs(l.train, idx, tapes)
	}
	h := l.cfg.Hyper
	w := &n.w
	var keep []bool
	if h.Dropout > 0 {
		rng := rand.New(rand.NewPCG(seed, 0xd0))
		for j := range l.keep {
			l.keep[j] = rng.Float64() >= h.Dropout
		}
		keep = l.keep
		l.masked = n.masked(l.masked, keep)
		w = &l.masked
	}
	simulate := !l.onChip()
	n.m.surrBeta = float32(h.SurrogateBeta)
	lt := l.lossTerms()
	if !simulate {
		if err := l.runOnChip(w, tapes); err != nil {
			return BatchStats{}, err
		}
	}
	c := float32(1)
	if !simulate && !l.cfg.UnitOutputGain {
		// The chip's readout sees W_out·s_o/240: model it, so the
		// gradient is of the network the chip ran.
		c = float32(l.chip.placed.outScale / hiddenScale)
		if w != &l.masked {
			copy(l.masked.All, w.All)
			w = &l.masked
		}
		scale(c, w.Out)
	}
	st := n.gradient(tapes, w, lt, float32(h.SpikeReg), simulate)
	if c != 1 {
		scale(c, n.grad.Out)
	}
	n.update(l.lr, h.WeightL2, keep)
	if !n.finite() {
		return BatchStats{}, &NonFiniteError{Step: n.opt.T}
	}
	return BatchStats{
		Loss:            st.loss / float64(st.n),
		Accuracy:        float64(st.correct) / float64(st.n),
		SpikesPerSample: float64(st.spikes) / float64(st.n),
		Samples:         st.n,
	}, nil
}

// NonFiniteError reports non-finite weights after an optimiser step.
type NonFiniteError struct{ Step int }

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("training diverged at step %d: weights are NaN or Inf (lower lr)", e.Step)
}

func (l *Learner) lossTerms() lossTerms {
	h := l.cfg.Hyper
	return lossTerms{readout: l.rec.readout, scale: float32(h.ReadoutScale), ampReg: float32(h.AmplitudeReg)}
}

// loadInputs bins the input spikes of samples idx of ds into tapes, in
// parallel (datasets are safe for concurrent use; each tape is written by
// one goroutine).
func (l *Learner) loadInputs(ds data.Dataset, idx []int, tapes []tape) {
	forShards(len(idx), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			binInputs(&tapes[i], ds.Sample(idx[i]), l.layout.Dt, l.layout.Inputs)
		}
	})
}

// loadAugmented is loadInputs with each sample augmented. Sample i of the
// batch draws from its own generator, seeded by the step's seed and i, so
// the batch is the same however the work is split.
func (l *Learner) loadAugmented(aug data.Augmenter, idx []int, seed uint64, tapes []tape) {
	forShards(len(idx), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			rng := rand.New(rand.NewPCG(seed, 0xa7<<32|uint64(i)))
			binInputs(&tapes[i], aug.Augment(idx[i], rng), l.layout.Dt, l.layout.Inputs)
		}
	})
}

// EndEpoch applies the per-epoch learning-rate decay.
func (l *Learner) EndEpoch() {
	l.epochs++
	l.lr *= l.cfg.Hyper.LRDecay
}

// Evaluate classifies the whole split (on the chip in chip and transfer mode).
func (l *Learner) Evaluate(ds data.Dataset) (EvalStats, error) { return l.evaluateWith(ds, &l.net.w) }

// evaluateWith is Evaluate with weights w.
func (l *Learner) evaluateWith(ds data.Dataset, w *Weights) (EvalStats, error) {
	n := l.net
	lt := l.lossTerms()
	var total stepStats
	idx := make([]int, 0, l.evalSize)
	preds := make([]int, l.evalSize)
	O := l.layout.Outputs
	confusion := make([]int, O*O)
	for lo := 0; lo < ds.Len(); lo += l.evalSize {
		hi := min(lo+l.evalSize, ds.Len())
		idx = idx[:0]
		for i := lo; i < hi; i++ {
			idx = append(idx, i)
		}
		tapes := n.batchTapes(len(idx))
		l.loadInputs(ds, idx, tapes)
		simulate := l.cfg.Mode == ModeSoftware
		if !simulate {
			if err := l.runOnChip(w, tapes); err != nil {
				return EvalStats{}, err
			}
		}
		st := n.evaluate(tapes, w, lt, simulate, preds)
		for i := range tapes {
			if y := tapes[i].label; y >= 0 && y < O {
				confusion[y*O+preds[i]]++
			}
		}
		total.loss += st.loss
		total.correct += st.correct
		total.spikes += st.spikes
		total.n += st.n
	}
	l.confusion = confusion
	if total.n == 0 {
		return EvalStats{}, nil
	}
	return EvalStats{
		Accuracy:        float64(total.correct) / float64(total.n),
		Loss:            total.loss / float64(total.n),
		SpikesPerSample: float64(total.spikes) / float64(total.n),
		Samples:         total.n,
	}, nil
}

// Confusion returns the confusion matrix of the last Evaluate (nil before
// one): samples of true class i predicted as j at i·classes+j.
func (l *Learner) Confusion() []int { return l.confusion }

// WeightStats summarise the weights as written to the chip.
func (l *Learner) WeightStats() WeightStats {
	var ws WeightStats
	in := append(append([]float32(nil), l.net.w.In...), l.net.w.Rec...)
	var sum, sq float64
	sat := 0
	for _, v := range in {
		q := quantOne(v, hiddenScale)
		sum += q
		sq += q * q
		if q == maxCode || q == -maxCode {
			sat++
		}
	}
	nIn := float64(len(in))
	ws.HiddenMean = sum / nIn
	ws.HiddenSD = sdOf(sum, sq, nIn)
	ws.HiddenSaturated = float64(sat) / nIn
	s := outputScale(l.net.w.Out)
	sum, sq = 0, 0
	for _, v := range l.net.w.Out {
		q := quantOne(v, s)
		sum += q
		sq += q * q
	}
	nOut := float64(len(l.net.w.Out))
	ws.OutputMean = sum / nOut
	ws.OutputSD = sdOf(sum, sq, nOut)
	ws.OutputScale = s
	return ws
}

// SetLR sets the learning rate in force until the next decay or set,
// leaving the configured one (Config().Hyper.LR); the trainer's warm
// restarts use it.
func (l *Learner) SetLR(lr float64) { l.lr = lr }

// Set changes one hyperparameter from its text form; the error says what is accepted.
func (l *Learner) Set(name, value string) error {
	h := l.cfg.Hyper
	if err := h.Set(name, value); err != nil {
		return err
	}
	if name == "lr" {
		l.lr = h.LR
	}
	if name == "membrane_noise" && l.chip != nil {
		if err := l.chip.chip.SetMembraneNoise(membraneOf(h.MembraneNoise)); err != nil {
			return err
		}
		l.chip.calib.Membrane = h.MembraneNoise
	}
	l.cfg.Hyper = h
	return nil
}

// SetMode switches between chip, software and transfer mode.
func (l *Learner) SetMode(m Mode) error {
	switch m {
	case ModeChip, ModeSoftware, ModeTransfer:
	default:
		return fmt.Errorf("unknown mode %q (accepted: chip, software, transfer)", m)
	}
	l.cfg.Mode = m
	if m != ModeSoftware {
		return l.ensureChip()
	}
	return nil
}

func quantOne(v float32, s float64) float64 {
	q := math.Round(s * float64(v))
	return math.Max(-maxCode, math.Min(maxCode, q))
}

func sdOf(sum, sq, n float64) float64 {
	if n == 0 {
		return 0
	}
	m := sum / n
	return math.Sqrt(math.Max(0, sq/n-m*m))
}
