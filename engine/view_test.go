package engine

import (
	"fmt"
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

// TestChipViewInspector checks what the circuit inspector shows against
// hw's own reports: the failed circuits of the calibration in force, the
// CapMem codes and each circuit's use by the placed network.
func TestChipViewInspector(t *testing.T) {
	cfg, _ := DefaultConfig("yinyang")
	l, err := NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Decalibrate(0.5); err != nil {
		t.Fatal(err)
	}
	ev := l.ChipView()
	chip := l.chip.chip
	rep := chip.Report()
	failed := map[int]bool{}
	for _, f := range ev.Failures {
		failed[f.Circuit] = true
		if _, err := hw.ParseParam(f.Param); err != nil {
			t.Errorf("failure names %q", f.Param)
		}
	}
	if len(failed) != len(rep.FailedCircuits) || len(failed) != ev.Failed {
		t.Errorf("%d failed circuits in the view, %d in hw's report, %d counted", len(failed), len(rep.FailedCircuits), ev.Failed)
	}
	if len(failed) == 0 {
		t.Error("σ_d 0.5 left no failed circuit: the comparison checked nothing")
	}
	for _, k := range rep.FailedCircuits {
		if !failed[k] {
			t.Errorf("circuit %d failed in hw's report, not in the view", k)
		}
	}
	for p, pm := range ev.Params {
		codes := chip.Codes(hw.Param(p))
		if len(codes) != len(pm.Codes) {
			t.Fatalf("%s: %d codes, hw has %d", pm.Name, len(pm.Codes), len(codes))
		}
		for k := range codes {
			if codes[k] != pm.Codes[k] {
				t.Fatalf("%s circuit %d: code %d, hw %d", pm.Name, k, pm.Codes[k], codes[k])
			}
		}
	}
	L := l.Layout()
	used := 0
	for k, r := range ev.Roles {
		u := chip.CircuitUse(k)
		if r.Neuron != u.Neuron || r.Second != u.Second || r.Inputs != u.Inputs || r.Hidden != u.Neurons {
			t.Fatalf("circuit %d: role %+v, hw %+v", k, r, u)
		}
		if r.Neuron >= 0 {
			used++
			if want := r.Neuron >= L.Hidden; (r.Layer == "output") != want {
				t.Errorf("circuit %d: neuron %d in layer %s", k, r.Neuron, r.Layer)
			}
		}
	}
	if used != 2*(L.Hidden+L.Outputs) {
		t.Errorf("%d circuits in use, want 2 per neuron: %d", used, 2*(L.Hidden+L.Outputs))
	}
	if r := ev.Roles[0]; r.Layer != "hidden" || r.Index != 0 || r.Rows != fmt.Sprintf("0–%d", 2*L.Inputs-1) {
		t.Errorf("circuit 0: %+v, want hidden 0 on rows 0–%d", r, 2*L.Inputs-1)
	}
}
