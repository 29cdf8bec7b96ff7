package tui

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"

	"inloop/engine"
	"inloop/tui/plot"
)

// TestEMA checks the smoothing against its closed form: for a constant
// input the bias-corrected average is the constant from the first point,
// and for a step from 0 to 1 at t0 it is 1 − α^(t−t0+1)·(1−α^t0)/(1−α^(t+1)).
func TestEMA(t *testing.T) {
	const a = 0.9
	src := make([]float64, 50)
	dst := make([]float64, 50)
	for i := range src {
		src[i] = 3
	}
	ema(dst, src, a)
	for i, v := range dst {
		if math.Abs(v-3) > 1e-12 {
			t.Fatalf("constant 3 smoothed to %g at %d", v, i)
		}
	}
	const t0 = 10
	for i := range src {
		src[i] = 0
		if i >= t0 {
			src[i] = 1
		}
	}
	ema(dst, src, a)
	for i := t0; i < len(src); i++ {
		// s_i = Σ_{k=t0..i} (1−α)α^(i−k) = 1 − α^(i−t0+1); w_i = 1 − α^(i+1)
		want := (1 - math.Pow(a, float64(i-t0+1))) / (1 - math.Pow(a, float64(i+1)))
		if math.Abs(dst[i]-want) > 1e-12 {
			t.Fatalf("step response at %d: %g, want %g", i, dst[i], want)
		}
	}
	ema(dst, src, 0)
	for i := range src {
		if dst[i] != src[i] {
			t.Fatalf("α=0 changed the data at %d", i)
		}
	}
}

// TestCurvesFitData: the accuracy axis spans the data, not 0–100.
func TestCurvesFitData(t *testing.T) {
	m, _ := newTestModel(120, 40, colorprofile.ASCII, Options{})
	lo, hi := m.fitRange([]float64{90, 91, 92, 93, 500}, []float64{91, 92}, []float64{92.5})
	if lo < 85 || lo > 90 || hi < 93 || hi > 120 {
		t.Errorf("range %g..%g for data 90..93 with one outlier, want about 89..94", lo, hi)
	}
}

// TestMarkLabelsStack: changes at one step get one label each, stacked,
// and the labels say what changed.
func TestMarkLabelsStack(t *testing.T) {
	m, _ := newTestModel(120, 40, colorprofile.ASCII, Options{})
	m.Update(eventsMsg{events: []engine.Event{
		engine.CommandEvent{Step: 200, Command: engine.Command{Kind: engine.CmdSet, Name: "lr", Value: "1e-3"}, Applied: true},
		engine.CommandEvent{Step: 200, Command: engine.Command{Kind: engine.CmdDecalibrate, Value: "0.3"}, Applied: true},
	}})
	m.setFocus(paneCurves)
	m.zoom = true
	lines := strings.Split(plain(m), "\n")
	rowOf := func(s string) int {
		for i, l := range lines {
			if strings.Contains(l, s) {
				return i
			}
		}
		return -1
	}
	a, b := rowOf("lr 1e-3"), rowOf("σ_d 0.3")
	if a < 0 || b < 0 || a == b {
		t.Fatalf("labels at rows %d and %d, want two distinct rows:\n%s", a, b, strings.Join(lines, "\n"))
	}
}

func TestETA(t *testing.T) {
	p := engine.ProgressEvent{Epoch: 1, Batch: 50, BatchesPerEpoch: 100, Epochs: 4, Elapsed: 30 * time.Second}
	// 150 of 400 batches in 30 s: 250 more take 50 s.
	if got := eta(p); got != "ETA 50s" {
		t.Errorf("eta %q, want ETA 50s", got)
	}
	p.Paused = true
	if got := eta(p); got != "" {
		t.Errorf("paused eta %q", got)
	}
	if got := shortDuration(2*time.Hour + 5*time.Minute + 3*time.Second); got != "2h05m" {
		t.Errorf("%q", got)
	}
}

func TestFitSegments(t *testing.T) {
	title := "loss & accuracy · epoch 14/200 · ETA 3m20s"
	for w, want := range map[int]string{50: title, 35: "loss & accuracy · epoch 14/200", 20: "loss & accuracy", 10: "loss & ac…"} {
		if got := plot.FitSegments(title, w); got != want {
			t.Errorf("width %d: %q, want %q", w, got, want)
		}
	}
}
