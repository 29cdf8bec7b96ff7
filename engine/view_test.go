package engine

import (
	"testing"

	"inloop/hw"
)

func TestSampleViewAndChipView(t *testing.T) {
	t.Parallel()
	cfg, err := DefaultConfig("yinyang")
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLearner(cfg)
	if err != nil {
		t.Skip("chip unavailable: ", err)
	}
	seq := l.chip.chip.Sequence()
	ev, err := l.SampleView(3)
	if err != nil {
		t.Fatal(err)
	}
	if l.chip.chip.Sequence() != seq {
		t.Error("SampleView moved the chip's noise sequence: viewing would change training")
	}
	L := l.Layout()
	if ev.Inputs != L.Inputs || ev.Hidden != L.Hidden || ev.Outputs != L.Outputs || len(ev.OutputTraces) != L.Outputs || len(ev.InputSpikes) != L.Inputs {
		t.Fatalf("sample view sizes: %d inputs %d hidden %d outputs %d traces %d input spikes", ev.Inputs, ev.Hidden, ev.Outputs, len(ev.OutputTraces), len(ev.InputSpikes))
	}
	checkProbes(t, ev, L, true)
	// The software view probes every neuron too.
	if err := l.SetMode(ModeSoftware); err != nil {
		t.Fatal(err)
	}
	sw, err := l.SampleView(3)
	if err != nil {
		t.Fatal(err)
	}
	checkProbes(t, sw, L, false)
	if err := l.SetMode(ModeChip); err != nil {
		t.Fatal(err)
	}
	cv := l.ChipView()
	if len(cv.Params) != int(hw.NumParams) || cv.Calibration != "calibrated" {
		t.Fatalf("chip view: %d params, calibration %q", len(cv.Params), cv.Calibration)
	}
	for _, p := range cv.Params {
		if len(p.Uncalibrated) != hw.Circuits || len(p.Calibrated) != hw.Circuits || len(p.Current) != hw.Circuits {
			t.Errorf("%s: %d/%d/%d values", p.Name, len(p.Uncalibrated), len(p.Calibrated), len(p.Current))
		}
	}
	if err := l.Decalibrate(0.3); err != nil {
		t.Fatal(err)
	}
	if cv := l.ChipView(); cv.Calibration != "decalibrated σ=0.30" {
		t.Errorf("after Decalibrate(0.3): %q", cv.Calibration)
	}
	if err := l.Recalibrate("threshold=140,bogus=1"); err == nil {
		t.Error("unknown calibration target accepted")
	}
	if err := l.Recalibrate("threshold=140"); err != nil {
		t.Error(err)
	}
}

// checkProbes asserts a sample view probes every hidden neuron, then every
// output neuron, in index order, and that each hidden probe's spikes are the
// sample's spikes of that neuron.
func checkProbes(t *testing.T, ev SampleEvent, L Layout, wantTrue bool) {
	t.Helper()
	if len(ev.Probes) != L.Hidden+L.Outputs {
		t.Fatalf("%d probes, want %d hidden + %d outputs", len(ev.Probes), L.Hidden, L.Outputs)
	}
	spikes := map[int]int{}
	for _, s := range ev.HiddenSpikes {
		spikes[s.Index]++
	}
	for i, p := range ev.Probes {
		layer, idx := "hidden", i
		if i >= L.Hidden {
			layer, idx = "output", i-L.Hidden
		}
		if p.Layer != layer || p.Index != idx || p.Neuron != i {
			t.Fatalf("probe %d is %s %d (neuron %d), want %s %d", i, p.Layer, p.Index, p.Neuron, layer, idx)
		}
		if len(p.CADC) != L.Steps || !(p.Leak < p.Threshold) {
			t.Errorf("probe %s %d: %d CADC frames, leak %g threshold %g", p.Layer, p.Index, len(p.CADC), p.Leak, p.Threshold)
		}
		if wantTrue && (p.TrueDt <= 0 || len(p.True) < L.Steps) {
			t.Errorf("probe %s %d: %d true points every %g µs", p.Layer, p.Index, len(p.True), p.TrueDt)
		}
		if layer == "hidden" && len(p.Spikes) != spikes[i] {
			t.Errorf("hidden %d: %d spikes on its probe, %d in the sample", i, len(p.Spikes), spikes[i])
		}
	}
}
