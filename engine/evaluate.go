package engine

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"inloop/hw"
)

// ChipChoice says which chip an evaluation runs on; zero fields keep the
// trained run's own (its die, calibration state and decalibration draw).
type ChipChoice struct {
	ChipSeed        uint64      // another die; 0 = the run's
	Calibration     string      // "calibrated" | "uncalibrated"; "" = the run's
	Decalibrate     float64     // joint σ_d; with Detune, replaces the run's decalibration
	Detune          hw.Detuning // per-parameter σ_d
	DecalibrateSeed uint64      // 0 = the run's seed
	Set             bool        // true: Calibration/Decalibrate/Detune replace the run's state
}

// Evaluator evaluates a trained run's weights on the test split.
type Evaluator struct {
	l    *Learner
	info RunInfo
}

// OpenEvaluator loads the last checkpoint of the run in dir, onto its own
// chip or the one ch asks for, in mode (chip or software; "" = chip unless
// the run trained in software). dataDir, if set, says where the dataset's
// files are now. Errors about the directory are *RunDirError or
// *CheckpointError.
func OpenEvaluator(dir, dataDir string, mode Mode, ch ChipChoice) (*Evaluator, error) {
	cp, err := readCheckpoint(dir)
	if err != nil {
		return nil, err
	}
	var lc checkpoint
	if err := gob.NewDecoder(bytes.NewReader(cp.Learner)).Decode(&lc); err != nil {
		return nil, &CheckpointError{dir, "learner state: " + err.Error()}
	}
	cfg := cp.Config
	cfg.Resume, cfg.RunDir = "", ""
	if dataDir != "" {
		cfg.DataDir = dataDir
	}
	switch mode {
	case "":
		if cfg.Mode != ModeSoftware {
			cfg.Mode = ModeChip
		}
	case ModeChip, ModeSoftware:
		cfg.Mode = mode
	default:
		return nil, fmt.Errorf("unknown evaluation mode %q (accepted: chip, software)", mode)
	}
	recipe := lc.Chip
	if !lc.HasChip {
		recipe = recipeOf(cfg)
	}
	if ch.ChipSeed != 0 {
		recipe.ChipSeed, cfg.ChipSeed = ch.ChipSeed, ch.ChipSeed
	}
	if ch.Set {
		cfg.Calibration, cfg.Decalibrate, cfg.Detune = ch.Calibration, ch.Decalibrate, ch.Detune
		if cfg.Calibration == "" {
			cfg.Calibration = "calibrated"
		}
		if ch.DecalibrateSeed != 0 {
			cfg.DecalibrateSeed = ch.DecalibrateSeed
		}
		r := recipeOf(cfg)
		r.ChipSeed, r.NoiseSeed = recipe.ChipSeed, recipe.NoiseSeed
		recipe = r
	}
	build := cfg
	build.Mode = ModeSoftware // the chip is built below from recipe
	l, err := NewLearner(build)
	if err != nil {
		return nil, err
	}
	if lc.Layout != l.layout || len(lc.Weights) != len(l.net.w.All) {
		return nil, &CheckpointError{dir, fmt.Sprintf("network %s differs from the dataset's %s", lc.Layout, l.layout)}
	}
	copy(l.net.w.All, lc.Weights)
	l.cfg.Mode = cfg.Mode
	if cfg.Mode != ModeSoftware {
		cs, err := buildChip(recipe, l.layout)
		if err != nil {
			return nil, err
		}
		l.chip = cs
		l.cfg.ChipSeed = recipe.ChipSeed
	}
	info := RunInfo{Config: cp.Config, Epoch: cp.Position.Epoch, Step: cp.Position.Step, Evals: cp.Evals}
	return &Evaluator{l: l, info: info}, nil
}

// Info describes the run the weights come from.
func (e *Evaluator) Info() RunInfo { return e.info }

// Config is the evaluation's configuration (mode and chip in force).
func (e *Evaluator) Config() Config { return e.l.cfg }

// Layout is the network's shape.
func (e *Evaluator) Layout() Layout { return e.l.layout }

// Calibration describes the chip evaluated on ("none" in software mode).
func (e *Evaluator) Calibration() string {
	if e.l.chip == nil {
		return "none (software model)"
	}
	return e.l.chip.calib.label()
}

// Evaluate classifies the test split in the training readout (max or sum
// over the CADC frames of the whole window).
func (e *Evaluator) Evaluate() (EvalStats, error) { return e.l.Evaluate(e.l.test) }

// Silence evaluates the test split draws times, each with a different
// random set of round(fraction·H) hidden neurons silenced (their incoming
// and outgoing weights zeroed, as a dead neuron would be), drawn from
// seed. It returns the draws' statistics in order.
func (e *Evaluator) Silence(fraction float64, draws int, seed uint64) ([]EvalStats, error) {
	if !(fraction >= 0 && fraction <= 1) || draws < 1 {
		return nil, fmt.Errorf("silence: fraction %g and %d draws (accepted: a fraction 0..1, at least one draw)", fraction, draws)
	}
	l := e.l
	H := l.layout.Hidden
	k := int(math.Round(fraction * float64(H)))
	w := newWeights(l.layout)
	out := make([]EvalStats, 0, draws)
	for d := range draws {
		rng := rand.New(rand.NewPCG(seed, 0x5113<<16|uint64(d)))
		keep := make([]bool, H)
		for i := range keep {
			keep[i] = true
		}
		for _, j := range rng.Perm(H)[:k] {
			keep[j] = false
		}
		silenced(w, l.net.w, l.layout, keep)
		st, err := l.evaluateWith(l.test, &w)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// silenced writes src into dst with every weight into or out of a hidden
// neuron j with keep[j] false zeroed.
func silenced(dst, src Weights, l Layout, keep []bool) {
	copy(dst.All, src.All)
	H, O := l.Hidden, l.Outputs
	for _, m := range [][]float32{dst.In, dst.Rec} {
		for r := 0; r+H <= len(m); r += H {
			for j, k := range keep {
				if !k {
					m[r+j] = 0
				}
			}
		}
	}
	for j, k := range keep {
		if !k {
			clear(dst.Out[j*O : (j+1)*O])
			if dst.Rec != nil {
				clear(dst.Rec[j*H : (j+1)*H])
			}
		}
	}
}

// TimePoint is the test accuracy when the decision is taken a given time
// after the first input.
type TimePoint struct {
	Time     float64 `json:"time_us"`
	Accuracy float64 `json:"accuracy"`
}

// PeakTime is the first time at which a curve comes within tol (a fraction,
// e.g. 0.001 for 0.1 points) of its highest accuracy, and that accuracy.
func PeakTime(c []TimePoint, tol float64) (t, peak float64) {
	for _, p := range c {
		peak = max(peak, p.Accuracy)
	}
	for _, p := range c {
		if p.Accuracy >= peak-tol {
			return p.Time, peak
		}
	}
	return math.NaN(), peak
}

// ReadoutLatency classifies the test split in the training readout with
// the decision taken t µs after each sample's first input spike, for t on
// the CADC grid (0, Δt, 2Δt, … up to the window): the score of a class is
// its maximum (or sum) over the frames recorded by then.
func (e *Evaluator) ReadoutLatency() ([]TimePoint, error) {
	l := e.l
	n := l.net
	lay := l.layout
	T, O := lay.Steps, lay.Outputs
	correct := make([]int, T)
	total := 0
	idx := make([]int, 0, l.evalSize)
	ds := l.test
	for lo := 0; lo < ds.Len(); lo += l.evalSize {
		hi := min(lo+l.evalSize, ds.Len())
		idx = idx[:0]
		for i := lo; i < hi; i++ {
			idx = append(idx, i)
		}
		tapes := n.batchTapes(len(idx))
		l.loadInputs(ds, idx, tapes)
		if l.cfg.Mode == ModeSoftware {
			forShards(len(tapes), func(_, a, b int) {
				for i := a; i < b; i++ {
					n.m.forward(&n.w, &tapes[i])
				}
			})
		} else if err := l.runOnChip(&n.w, tapes); err != nil {
			return nil, err
		}
		for i := range tapes {
			tp := &tapes[i]
			first := -1
			for t := range T {
				if in, _ := tp.in.bin(t); len(in) > 0 {
					first = t
					break
				}
			}
			if first < 0 {
				first = 0
			}
			onset := float64(first)*lay.Dt + spikeDelay // chip time of the first input
			score := make([]float32, O)
			seen := false
			f := 1 // frame 0 is the baseline
			for g := range T {
				for ; f < T && float64(f)*lay.Dt <= onset+float64(g)*lay.Dt+1e-9; f++ {
					for k := range O {
						v := tp.vo[f*O+k]
						switch {
						case l.rec.readout == ReadoutSum:
							score[k] += v
						case !seen || v > score[k]:
							score[k] = v
						}
					}
					seen = true
				}
				pred := 0
				if seen {
					for k := 1; k < O; k++ {
						if score[k] > score[pred] {
							pred = k
						}
					}
					if pred == tp.label {
						correct[g]++
					}
				}
			}
		}
		total += len(tapes)
	}
	out := make([]TimePoint, T)
	for g := range T {
		out[g] = TimePoint{Time: float64(g) * lay.Dt, Accuracy: float64(correct[g]) / float64(max(total, 1))}
	}
	return out, nil
}

// InferenceStats are the fast inference mode's figures over the test split.
type InferenceStats struct {
	Accuracy        float64
	ImagesPerSecond float64 // wall clock on this machine, encoding excluded
	Samples         int
}

// Infer classifies the test split in the chip's fast inference mode
// (docs/model.md §2.6: each image from reset at its first input, the membranes reset
// window µs later; 0 = 10 µs), with CADC frames every period µs (0 = the
// readout grid).
func (e *Evaluator) Infer(window, period float64) (InferenceStats, error) {
	l := e.l
	if l.chip == nil {
		return InferenceStats{}, errNoChip
	}
	c := l.chip.chip
	if err := l.chip.placed.write(&l.net.w, l.layout); err != nil {
		return InferenceStats{}, err
	}
	ds := l.test
	stim := make([]hw.Stimulus, 0, ds.Len())
	labels := make([]int, 0, ds.Len())
	var tp tape
	tp.size(l.layout)
	for i := range ds.Len() {
		binInputs(&tp, ds.Sample(i), l.layout.Dt, l.layout.Inputs)
		stim = append(stim, stimulus(&tp, l.layout.Dt, nil))
		labels = append(labels, tp.label)
	}
	opt := hw.InferOptions{Window: window, Period: period}
	start := time.Now()
	inf, err := c.Infer(stim, opt)
	secs := time.Since(start).Seconds()
	if err != nil {
		return InferenceStats{}, err
	}
	right := 0
	for i, r := range inf {
		if r.Class == labels[i] {
			right++
		}
	}
	return InferenceStats{Accuracy: float64(right) / float64(max(len(inf), 1)), ImagesPerSecond: float64(len(inf)) / max(secs, 1e-9), Samples: len(inf)}, nil
}

// InferenceLatency is the fast mode's accuracy with the decision taken t
// µs after the first input, for t = step, 2·step, … up to until: each
// point is a run with window t and frames spaced evenly, at most Δt apart,
// the last one at t.
func (e *Evaluator) InferenceLatency(step, until float64) ([]TimePoint, error) {
	if !(step > 0) || !(until >= step) || until/step > 1000 {
		return nil, fmt.Errorf("inference latency: step %g µs to %g µs (accepted: step > 0, at most 1000 points)", step, until)
	}
	var out []TimePoint
	for i := 1; float64(i)*step <= until+1e-9; i++ {
		t := float64(i) * step
		period := t / math.Ceil(t/e.l.layout.Dt-1e-9)
		st, err := e.Infer(t, period)
		if err != nil {
			return nil, err
		}
		out = append(out, TimePoint{Time: t, Accuracy: st.Accuracy})
	}
	return out, nil
}

// PaperEnergyPerImage is the silicon's energy per classified image in the
// paper (≈ 200 mW at 85,000 images/s), µJ: the paper's figure, not a
// measurement of this emulator.
const PaperEnergyPerImage = 2.4
