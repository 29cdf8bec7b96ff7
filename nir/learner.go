package nir

import (
	"fmt"

	"inloop/data"
	"inloop/engine"
	"inloop/hw"
	"inloop/internal/h5"
)

// FromLearner is the NIR graph of a learner's network as the chip runs it,
// with the run's metadata (dataset, input encoding, readout, seeds, chip
// state, units, inloop's version). With perNeuron the neuron parameters are
// the die's (the learner needs a chip).
func FromLearner(l *engine.Learner, perNeuron bool) (*Graph, error) {
	cfg := l.Config()
	n := l.Network()
	var per *PerNeuron
	params := "nominal: the calibration targets, the same for every neuron"
	if perNeuron {
		if err := l.EnsureChip(); err != nil {
			return nil, err
		}
		h, o, ok := l.Neurons()
		if !ok {
			return nil, &DeployError{"", "no chip to read per-neuron parameters from"}
		}
		per = &PerNeuron{Hidden: h, Outputs: o}
		params = "per-neuron: the die's effective values after its calibration (mismatch included); w_in carries the mean synaptic gain of the neuron's two circuits"
	}
	cv := l.ChipView()
	meta := map[string]h5.Value{
		"inloop_version":      h5.Str(Version()),
		"dataset":             h5.Str(cfg.Dataset),
		"input_encoding":      h5.Str(engine.Encoding(cfg)),
		"readout":             h5.Str(engine.ReadoutRule(cfg.Dataset)),
		"mode":                h5.Str(string(cfg.Mode)),
		"chip_seed":           h5.I64(int64(cfg.ChipSeed)),
		"noise_seed":          h5.I64(int64(cfg.NoiseSeed)),
		"seed":                h5.I64(int64(cfg.Seed)),
		"calibration":         h5.Str(cv.Calibration),
		"calibration_targets": h5.Str(targetsText(cfg.Targets)),
		"steps":               h5.I64(int64(n.Layout.Steps)),
		"dt":                  h5.F64(n.Layout.Dt / usPerS),
		"time_unit":           h5.Str("s of chip time (the emulated BrainScaleS-2 runs 1000x faster than biology); dt is one CADC frame, one step of the discrete model"),
		"potential_unit":      h5.Str("model units: leak 0, threshold 1 (0.33 V above the 0.38 V leak)"),
		"weight_unit":         h5.Str("model units as the chip applies them: signed 6-bit code / 240"),
		"output_scale":        h5.F64(n.OutScale),
		"neuron_parameters":   h5.Str(params),
	}
	return FromNetwork(n, per, meta), nil
}

func targetsText(t string) string {
	if t == "" {
		return fmt.Sprintf("default %+v (potentials in CADC LSB, times in µs)", hw.DefaultTargets())
	}
	return t
}

// InputsFile renders a learner's dataset as the network sees it, for
// training elsewhere on exactly inloop's encoding: /train and /test groups
// with inputs (samples × steps × inputs spike counts per model step,
// float32) and labels (int64); root attributes dataset, input_encoding and
// dt (seconds of chip time per step).
func InputsFile(l *engine.Learner) ([]byte, error) {
	cfg, ly := l.Config(), l.Layout()
	root := &h5.Group{}
	root.SetAttr("dataset", h5.Str(cfg.Dataset))
	root.SetAttr("input_encoding", h5.Str(engine.Encoding(cfg)))
	root.SetAttr("dt", h5.F64(ly.Dt/usPerS))
	for _, s := range []struct {
		name string
		ds   data.Dataset
	}{{"train", l.Train()}, {"test", l.Test()}} {
		r, labels := l.InputRasters(s.ds)
		lab := make([]int64, len(labels))
		for i, v := range labels {
			lab[i] = int64(v)
		}
		g := root.NewGroup(s.name)
		g.Put("inputs", h5.F32s([]int{len(labels), ly.Steps, ly.Inputs}, r))
		g.Put("labels", h5.I64s([]int{len(labels)}, lab))
	}
	return h5.Encode(root)
}

// WriteInputs writes InputsFile(l) to path atomically.
func WriteInputs(path string, l *engine.Learner) error {
	b, err := InputsFile(l)
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}
