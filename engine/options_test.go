package engine

import (
	"slices"
	"strings"
	"testing"

	"inloop/hw"
)

// TestIdealChipOption: Config.IdealChip gives a die without mismatch, and the
// checkpoint's chip recipe carries it, so a resumed run rebuilds that die.
func TestIdealChipOption(t *testing.T) {
	t.Parallel()
	cfg, _ := DefaultConfig("yinyang")
	cfg.Calibration = "uncalibrated" // no calibration needed to see the die
	flat := func(l *Learner) bool {
		for _, p := range []hw.Param{hw.ParamLeak, hw.ParamThreshold, hw.ParamTauMem, hw.ParamSynGain} {
			v := l.chip.chip.Values(p)
			if slices.Min(v) != slices.Max(v) {
				return false
			}
		}
		return true
	}
	real, err := NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if flat(real) {
		t.Fatal("the default chip has no mismatch")
	}
	cfg.IdealChip = true
	ideal, err := NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !flat(ideal) || !ideal.chip.chip.Options().Ideal {
		t.Error("IdealChip: the chip has mismatch")
	}
	b, err := ideal.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if err := real.Restore(b); err != nil {
		t.Fatal(err)
	}
	if !flat(real) || !real.Config().IdealChip {
		t.Error("restored from an ideal run: the chip has mismatch")
	}
}

// TestYinYangEncodingOptions: YinYangRepeat sets the input channels per
// value, YinYangLate the spike time of the value 1; bad values are refused
// with the accepted range.
func TestYinYangEncodingOptions(t *testing.T) {
	t.Parallel()
	cfg, _ := DefaultConfig("yinyang")
	cfg.Mode = ModeSoftware
	cfg.YinYangRepeat, cfg.YinYangLate = 3, 10.2
	l, err := NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Layout().Inputs; got != 15 {
		t.Errorf("YinYangRepeat 3: %d inputs, want 15", got)
	}
	var latest float64
	for i := range l.Train().Len() {
		for _, s := range l.Train().Sample(i).Spikes {
			latest = max(latest, s.Time)
		}
	}
	// Copies are spread by Δt/repeat after the value's time.
	if hi := 10.2 + 2*1.7/3; latest <= 9 || latest > hi+1e-9 {
		t.Errorf("YinYangLate 10.2: latest spike at %g µs, want in (9, %g]", latest, hi)
	}
	for _, bad := range []Config{{YinYangRepeat: 52}, {YinYangRepeat: -1}, {YinYangLate: 1}} {
		c, _ := DefaultConfig("yinyang")
		c.Mode = ModeSoftware
		c.YinYangRepeat, c.YinYangLate = bad.YinYangRepeat, bad.YinYangLate
		_, err := NewLearner(c)
		if err == nil || !strings.Contains(err.Error(), "accepted") && !strings.Contains(err.Error(), "need") {
			t.Errorf("repeat %d late %g: error %v, want a refusal saying what is accepted", c.YinYangRepeat, c.YinYangLate, err)
		}
	}
}

// TestUnitOutputGainOption: by default the in-the-loop backward pass sees
// the output weights at the chip's gain s_o/240; UnitOutputGain uses gain 1
// (the paper's), which changes the steps.
func TestUnitOutputGainOption(t *testing.T) {
	t.Parallel()
	step := func(unit bool) []float32 {
		cfg, _ := DefaultConfig("yinyang")
		cfg.IdealChip = true // a fast calibration; the gain is the chip's all the same
		cfg.UnitOutputGain = unit
		l, err := NewLearner(cfg)
		if err != nil {
			t.Fatal(err)
		}
		b := cfg.Hyper.Batch
		idx := make([]int, b)
		for s := range 3 {
			for i := range idx {
				idx[i] = s*b + i
			}
			if _, err := l.Step(idx, uint64(s)); err != nil {
				t.Fatal(err)
			}
		}
		return slices.Clone(l.net.w.All)
	}
	chipGain, unit := step(false), step(true)
	if slices.Equal(chipGain, unit) {
		t.Error("UnitOutputGain changed nothing in three in-the-loop steps")
	}
	if again := step(false); !slices.Equal(again, chipGain) {
		t.Error("the same steps twice gave different weights")
	}
}
