package hw

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// shrinkLimits are calix's regression limits (docs/model.md §2.4): calibrated SD
// over uncalibrated SD, per parameter.
var shrinkLimits = map[Param]float64{ParamLeak: 0.3, ParamReset: 0.2, ParamThreshold: 0.35, ParamTauMem: 0.45, ParamTauSyn: 0.2}

// TestCalibrationShrinks calibrates several dies and checks the shrink
// factors, a residual spread left, the CADC bound, the targets hit on average
// and the report's consistency.
func TestCalibrationShrinks(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		c := New(Options{ChipSeed: seed, NoiseSeed: 11})
		res, err := c.Calibrate(DefaultTargets())
		if err != nil {
			t.Fatal(err)
		}
		if c.State() != Calibrated {
			t.Errorf("state %v after Calibrate", c.State())
		}
		if len(res.Failed) > 5 {
			t.Errorf("seed %d: %d failures at the default targets: %v", seed, len(res.Failed), res.Failed)
		}
		r := c.Report()
		for p, lim := range shrinkLimits {
			pr := r.Params[p]
			if pr.Shrink > lim {
				t.Errorf("seed %d: %v shrinks to %.3f of its uncalibrated SD; calix demands < %g", seed, p, pr.Shrink, lim)
			}
			if pr.Current.SD == 0 {
				t.Errorf("seed %d: %v has no residual spread", seed, p)
			}
		}
		tg := DefaultTargets()
		for p, want := range map[Param]float64{ParamLeak: tg.Leak, ParamReset: tg.Reset, ParamThreshold: tg.Threshold,
			ParamTauMem: tg.TauMem, ParamTauSyn: tg.TauSyn, ParamRefractory: tg.Refractory, ParamSynGain: tg.SynGain} {
			if m := r.Params[p].Current.Mean; math.Abs(m-want) > 0.02*want {
				t.Errorf("seed %d: calibrated %v mean %.3f, target %g", seed, p, m, want)
			}
		}
		if r.CADCOffsetSDBefore < 8 || r.CADCOffsetSDAfter > 3 {
			t.Errorf("seed %d: CADC offset SD %.2f → %.2f; want ≈10 before and ≤ 3 after", seed, r.CADCOffsetSDBefore, r.CADCOffsetSDAfter)
		}
	}
}

// TestCalibrationDeterministic: same seeds and targets, same codes.
func TestCalibrationDeterministic(t *testing.T) {
	a, b := New(Options{ChipSeed: 4, NoiseSeed: 9}), New(Options{ChipSeed: 4, NoiseSeed: 9})
	ra, _ := a.Calibrate(DefaultTargets())
	rb, _ := b.Calibrate(DefaultTargets())
	if a.codes != b.codes || a.cadcCorr != b.cadcCorr || len(ra.Failed) != len(rb.Failed) {
		t.Error("two calibrations with the same seeds differ")
	}
	a.Uncalibrate()
	if a.State() != Uncalibrated || a.codes[cmLeak][0] != defaultCodes[cmLeak] || a.cadcCorr[3] != 0 {
		t.Error("Uncalibrate did not restore the defaults")
	}
}

// TestDecalibration: per-neuron targets drawn with σ_d spread the calibrated
// values by about σ_d (Fig. 4 of the paper), both circuits of a neuron alike;
// unreachable targets are reported.
func TestDecalibration(t *testing.T) {
	c := New(Options{ChipSeed: 1, NoiseSeed: 2})
	res, err := c.Decalibrate(DefaultTargets(), 0.2, 5)
	if err != nil {
		t.Fatal(err)
	}
	if c.State() != Decalibrated || res.Sigma != 0.2 {
		t.Errorf("state %v σ %g", c.State(), res.Sigma)
	}
	tm := c.Values(ParamTauMem)
	m, sd := meanSD(tm)
	if r := sd / m; r < 0.15 || r > 0.25 {
		t.Errorf("decalibrated τ_mem normalised SD %.3f, want ≈0.2", r)
	}
	a, b := circuitsOf(17)
	if math.Abs(tm[a]-tm[b]) > 0.05*tm[a] {
		t.Errorf("circuits of one neuron got different τ_mem targets: %g %g", tm[a], tm[b])
	}
	if _, err := c.Decalibrate(DefaultTargets(), -1, 1); err == nil {
		t.Error("negative σ_d accepted")
	}
	// A target no circuit reaches is reported for every circuit.
	tg := DefaultTargets()
	tg.TauMem = 0.6
	res, err = c.Calibrate(tg)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range res.Failed {
		if f.Param == ParamTauMem {
			n++
		}
	}
	if n < Circuits/2 {
		t.Errorf("τ_mem target 0.6 µs (below the circuits' range): %d circuits reported failed", n)
	}
	if r := c.Report(); r.Params[ParamTauMem].Failed != n || len(r.FailedCircuits) < n {
		t.Errorf("report counts %d τ_mem failures, want %d", r.Params[ParamTauMem].Failed, n)
	}
}

func TestBadTargets(t *testing.T) {
	tg := DefaultTargets()
	tg.TauSyn = -1
	_, err := New(Options{}).Calibrate(tg)
	if err == nil || !strings.Contains(err.Error(), "tau_syn") {
		t.Errorf("bad τ_syn target: %v", err)
	}
}

func TestReportJSON(t *testing.T) {
	c := New(Options{ChipSeed: 1, NoiseSeed: 1})
	c.Calibrate(DefaultTargets())
	b, err := json.Marshal(c.Report())
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, k := range []string{`"param":"tau_mem"`, `"state":"calibrated"`, `"cadc_offset_sd_after"`, `"failed_circuits"`} {
		if !strings.Contains(s, k) {
			t.Errorf("report JSON lacks %s", k)
		}
	}
}

// TestIdealCalibration: the ideal chip hits its targets exactly.
func TestIdealCalibration(t *testing.T) {
	c := New(Options{Ideal: true})
	tg := DefaultTargets()
	tg.TauSyn = 5
	if _, err := c.Calibrate(tg); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[Param]float64{ParamLeak: 80, ParamThreshold: 150, ParamTauMem: 6, ParamTauSyn: 5, ParamCADCOffset: 0} {
		for _, v := range c.Values(p) {
			if v != want {
				t.Fatalf("ideal %v = %g, want %g", p, v, want)
			}
		}
	}
}
