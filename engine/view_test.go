package engine

import (
	"testing"

	"inloop/hw"
)

func TestSampleViewAndChipView(t *testing.T) {
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
	if len(ev.Probes) != probeHidden+1 {
		t.Fatalf("%d probes, want %d hidden + the winner", len(ev.Probes), probeHidden)
	}
	for _, p := range ev.Probes {
		if len(p.CADC) != L.Steps || len(p.True) == 0 || !(p.Leak < p.Threshold) || p.TrueDt <= 0 {
			t.Errorf("probe %s %d: %d CADC frames, %d true points, leak %g threshold %g", p.Layer, p.Index, len(p.CADC), len(p.True), p.Leak, p.Threshold)
		}
	}
	if w := ev.Probes[len(ev.Probes)-1]; w.Layer != "output" || w.Index != ev.Prediction {
		t.Errorf("last probe %s %d, want the winning output %d", w.Layer, w.Index, ev.Prediction)
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
