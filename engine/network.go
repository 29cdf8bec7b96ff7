package engine

import (
	"fmt"
	"math"

	"inloop/data"
	"inloop/hw"
)

// Network is a learner's network in model units (leak 0, threshold 1,
// C = 1, one step of Layout.Dt per frame; see model.go), for exchange with
// other simulators. Weights are post-major, as (out, in) matrices:
//
//	In[j*Inputs+i]  input i → hidden j
//	Rec[j*Hidden+k] hidden k → hidden j (nil unless recurrent)
//	Out[k*Hidden+j] hidden j → output k
//
// Network returns the weights the chip runs: each integer code over the
// hidden scale 240, the gain at which the chip applies a code, for the
// output layer too (its codes are the software weights times the dynamic
// output scale OutScale; see quant.go). SetNetwork installs weights given
// that way.
type Network struct {
	Layout       Layout
	In, Rec, Out []float32
	OutScale     float64 // output scale of the codes (Network only)
}

// HiddenWeightLimit is the largest hidden weight magnitude, in model
// units, the chip represents: code 63 at the hidden scale 240.
const HiddenWeightLimit = hiddenLimit

// HiddenScale is the gain, codes per model unit, of every synapse.
const HiddenScale = hiddenScale

// Network returns the network as the chip runs it (quantised).
func (l *Learner) Network() Network {
	ly := l.layout
	H, O, I := ly.Hidden, ly.Outputs, ly.Inputs
	n := Network{Layout: ly, OutScale: outputScale(l.net.w.Out)}
	codes := func(w []float32, pre, post int, s float64) []float32 {
		q := make([]int8, pre*post)
		quantise(q, w, pre, post, s)
		out := make([]float32, len(q))
		for i, c := range q {
			out[i] = float32(c) / hiddenScale
		}
		return out
	}
	n.In = codes(l.net.w.In, I, H, hiddenScale)
	if ly.Recurrent {
		n.Rec = codes(l.net.w.Rec, H, H, hiddenScale)
	}
	n.Out = codes(l.net.w.Out, H, O, n.OutScale)
	return n
}

// NetworkError is a network SetNetwork cannot install.
type NetworkError struct{ Fault string }

func (e *NetworkError) Error() string { return e.Fault }

// SetNetwork replaces the learner's weights with n's (post-major, model
// units) and resets the optimiser. The layout must match the learner's in
// inputs, hidden, outputs and recurrence; hidden weights must lie within
// ±HiddenWeightLimit (half a code of rounding allowed). Output weights all
// on the code grid k/240 keep their codes exactly on the chip; others are
// scaled by the dynamic output scale like trained weights.
func (l *Learner) SetNetwork(n Network) error {
	ly := l.layout
	H, O, I := ly.Hidden, ly.Outputs, ly.Inputs
	if n.Layout.Inputs != I || n.Layout.Hidden != H || n.Layout.Outputs != O || n.Layout.Recurrent != ly.Recurrent {
		return &NetworkError{fmt.Sprintf("network %s does not match the run's %s", n.Layout, ly)}
	}
	if len(n.In) != I*H || len(n.Out) != H*O || (ly.Recurrent && len(n.Rec) != H*H) {
		return &NetworkError{fmt.Sprintf("network %s: weight matrices of the wrong size", n.Layout)}
	}
	lim := float64(hiddenLimit) + 0.5/hiddenScale
	for _, m := range []struct {
		name string
		w    []float32
	}{{"input weights", n.In}, {"recurrent weights", n.Rec}} {
		for _, v := range m.w {
			if !(math.Abs(float64(v)) <= lim) {
				return &NetworkError{fmt.Sprintf("%s: %g exceeds the chip's ±%.4f (code 63 at scale %g)", m.name, v, hiddenLimit, float64(hiddenScale))}
			}
		}
	}
	for _, v := range n.Out {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return &NetworkError{"output weights: not finite"}
		}
	}
	w := l.net.w
	transposeInto(w.In, n.In, H, I)
	if ly.Recurrent {
		transposeInto(w.Rec, n.Rec, H, H)
	}
	transposeInto(w.Out, n.Out, O, H)
	if c, ok := onGrid(n.Out); ok {
		// Reproduce the codes: scale 240 when the largest is 63, else the
		// cap 250 (outputScale then returns exactly that scale).
		s := float32(hiddenScale)
		if c < maxCode {
			s = maxOutputScale
		}
		for i := range w.Out {
			w.Out[i] = float32(math.Round(float64(w.Out[i])*hiddenScale)) / s
		}
	}
	l.net.opt = newAdam(len(w.All))
	return nil
}

// onGrid reports whether every weight is a code k/240 with |k| ≤ 63, and
// the largest |k|.
func onGrid(w []float32) (int, bool) {
	mx := 0
	for _, v := range w {
		k := math.Round(float64(v) * hiddenScale)
		if float32(k/hiddenScale) != v || math.Abs(k) > maxCode {
			return 0, false
		}
		mx = max(mx, int(math.Abs(k)))
	}
	return mx, true
}

// transposeInto writes the post-major (post, pre) matrix src into the
// pre-major dst.
func transposeInto(dst, src []float32, post, pre int) {
	for j := range post {
		for i := range pre {
			dst[i*post+j] = src[j*pre+i]
		}
	}
}

// Neurons returns the effective parameters of the hidden neurons and the
// outputs on the learner's chip (false in software mode, which has none).
func (l *Learner) Neurons() (hidden, outputs []hw.NeuronParams, ok bool) {
	if l.chip == nil {
		return nil, nil, false
	}
	c := l.chip.chip
	for j := range l.layout.Hidden + l.layout.Outputs {
		p, err := c.Neuron(j)
		if err != nil {
			return nil, nil, false
		}
		if j < l.layout.Hidden {
			hidden = append(hidden, p)
		} else {
			outputs = append(outputs, p)
		}
	}
	return hidden, outputs, true
}

// ModelPotential converts a potential in CADC LSB to model units (leak
// 0.38 V is 0, threshold 0.33 V above it is 1; see encode.go).
func ModelPotential(lsb float64) float64 {
	return (lsb*cadcVolts - leakVolts) / thresholdDV
}

// Recording is what the chip measured for some samples (model time step
// Layout.Dt, chip time in µs).
type Recording struct {
	Layout  Layout
	Labels  []int
	Inputs  [][]SpikeEvent // per sample: channel and injection time
	Spikes  [][]SpikeEvent // per sample: hidden neuron and spike time
	Hidden  []float32      // samples × Steps × Hidden membranes (CADC, model units, first frame 0)
	Outputs []float32      // samples × Steps × Outputs
}

// SpikeEvent is one spike: Index is the input channel or the neuron.
type SpikeEvent struct {
	Index int
	Time  float64 // µs from the sample's start
}

// Record runs the first n samples of ds on the learner's chip with the
// current weights and returns the measurements.
func (l *Learner) Record(ds data.Dataset, n int) (*Recording, error) {
	if l.chip == nil {
		return nil, errNoChip
	}
	n = min(n, ds.Len())
	if n < 1 {
		return nil, fmt.Errorf("record: the split has no samples")
	}
	ly := l.layout
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	tapes := l.net.batchTapes(n)
	l.loadInputs(ds, idx, tapes)
	p := l.chip.placed
	if err := p.write(&l.net.w, ly); err != nil {
		return nil, err
	}
	rec := &Recording{Layout: ly}
	var stim []hw.Stimulus
	for i := range tapes {
		s := stimulus(&tapes[i], ly.Dt, nil)
		stim = append(stim, s)
		var in []SpikeEvent
		for _, e := range s.Events {
			in = append(in, SpikeEvent{Index: int(e.Source), Time: e.Time})
		}
		rec.Inputs = append(rec.Inputs, in)
		rec.Labels = append(rec.Labels, tapes[i].label)
	}
	obs, err := p.dev.Run(stim, hw.RunOptions{Frames: ly.Steps, Period: ly.Dt})
	if err != nil {
		return nil, fmt.Errorf("chip run: %w", err)
	}
	if len(obs) != n {
		return nil, fmt.Errorf("chip run: %d observations for %d samples", len(obs), n)
	}
	for i := range obs {
		measure(&tapes[i], &obs[i], ly, p.net.Neurons)
		var sp []SpikeEvent
		for _, s := range obs[i].Spikes {
			if int(s.Neuron) < ly.Hidden {
				sp = append(sp, SpikeEvent{Index: int(s.Neuron), Time: float64(s.Tick) * hw.EventTick})
			}
		}
		rec.Spikes = append(rec.Spikes, sp)
		rec.Hidden = append(rec.Hidden, tapes[i].vh[:ly.Steps*ly.Hidden]...)
		rec.Outputs = append(rec.Outputs, tapes[i].vo[:ly.Steps*ly.Outputs]...)
	}
	return rec, nil
}

// OpenLearner rebuilds the learner of the run in dir at its last
// checkpoint (weights, chip and calibration state), for evaluation and
// export; dataDir, if set, says where the data are now.
func OpenLearner(dir, dataDir string) (*Learner, error) {
	cp, err := readCheckpoint(dir)
	if err != nil {
		return nil, err
	}
	cfg := cp.Config
	cfg.RunDir, cfg.Resume = "", ""
	if dataDir != "" {
		cfg.DataDir = dataDir
	}
	l, err := NewLearner(cfg)
	if err != nil {
		return nil, err
	}
	if err := l.Restore(cp.Learner); err != nil {
		return nil, &CheckpointError{dir, err.Error()}
	}
	return l, nil
}

// EnsureChip builds the chip of the learner's configuration if it has none
// (a software-mode run).
func (l *Learner) EnsureChip() error { return l.ensureChip() }

// Encoding describes how the samples of cfg's dataset become input spikes,
// for export metadata.
func Encoding(cfg Config) string {
	switch cfg.Dataset {
	case "yinyang":
		repeat, late := yinyangEncoding(cfg)
		return fmt.Sprintf("time-to-first-spike: channels x, y, 1-x, 1-y (value v at %.4g + v·(%.4g − %.4g) µs) and a bias at %.4g µs, each on %d inputs, copy k delayed by k·Δt/%d", 1.7, late, 1.7, 1.7, repeat, repeat)
	case "mnist", "fashion-mnist":
		return "time-to-first-spike of 16×16 cropped and scaled pixel intensities (package data)"
	case "shd":
		return "spike times of 70 channels, time-compressed (package data)"
	}
	return ""
}

// ReadoutRule describes how a dataset's output traces become class scores.
func ReadoutRule(dataset string) string {
	r, err := recipeFor(dataset)
	if err != nil {
		return ""
	}
	if r.readout == ReadoutSum {
		return "class = argmax over outputs of the sum over time of the readout membrane"
	}
	return "class = argmax over outputs of the maximum over time of the readout membrane"
}

// Predictions classifies the first n samples of ds in the learner's mode
// (the software model, or the chip) and returns each predicted class and
// the binned input raster the network saw: samples × Steps × Inputs spike
// counts, frame t holding the inputs of model step t.
func (l *Learner) Predictions(ds data.Dataset, n int) (pred []int, raster []float32, err error) {
	ly := l.layout
	n = min(n, ds.Len())
	lt := l.lossTerms()
	raster = make([]float32, n*ly.Steps*ly.Inputs)
	for lo := 0; lo < n; lo += l.evalSize {
		hi := min(lo+l.evalSize, n)
		idx := make([]int, 0, hi-lo)
		for i := lo; i < hi; i++ {
			idx = append(idx, i)
		}
		tapes := l.net.batchTapes(len(idx))
		l.loadInputs(ds, idx, tapes)
		if l.cfg.Mode != ModeSoftware {
			if err := l.runOnChip(&l.net.w, tapes); err != nil {
				return nil, nil, err
			}
		}
		for k := range tapes {
			tp := &tapes[k]
			if l.cfg.Mode == ModeSoftware {
				l.net.m.forward(&l.net.w, tp)
			}
			_, p := lt.eval(tp, ly.Outputs, false, 0)
			pred = append(pred, p)
			tp.inputRaster(raster[(lo+k)*ly.Steps*ly.Inputs:], ly.Inputs)
		}
	}
	return pred, raster, nil
}

// inputRaster adds the tape's binned inputs to dst (Steps × inputs).
func (tp *tape) inputRaster(dst []float32, inputs int) {
	for t := range tp.steps {
		ix, val := tp.in.bin(t)
		for j, i := range ix {
			dst[t*inputs+int(i)] += val[j]
		}
	}
}

// InputRasters returns the binned input spikes of every sample of ds as
// the network sees them (samples × Steps × Inputs spike counts, frame t
// holding the inputs of model step t) and the labels, for training
// elsewhere on exactly inloop's encoding.
func (l *Learner) InputRasters(ds data.Dataset) (raster []float32, labels []int) {
	ly := l.layout
	raster = make([]float32, ds.Len()*ly.Steps*ly.Inputs)
	var tp tape
	tp.size(ly)
	for i := range ds.Len() {
		binInputs(&tp, ds.Sample(i), ly.Dt, ly.Inputs)
		tp.inputRaster(raster[i*ly.Steps*ly.Inputs:], ly.Inputs)
		labels = append(labels, tp.label)
	}
	return raster, labels
}
