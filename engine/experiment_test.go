package engine

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestExperiment trains one configuration and logs accuracy per epoch; it
// runs only with INLOOP_EXP set, e.g.
//
//	INLOOP_EXP='dataset=yinyang mode=chip epochs=20 lr=5e-3' go test ./engine -run Experiment -v
//
// Keys: dataset, mode, epochs, chip_seed, seed, calibration, decalibrate,
// hidden, data_dir (default ../shared/data/<dataset>), every (evaluate every
// n epochs; 0 = only at the end), any hyperparameter of the settings table (hyper.go), and the
// Config's experiment options repeat and late (YinYangRepeat, YinYangLate),
// ideal=1 (IdealChip) and outgain=0 (UnitOutputGain: the paper's output
// gain 1 in the backward model).
func TestExperiment(t *testing.T) {
	t.Parallel()
	spec := os.Getenv("INLOOP_EXP")
	if spec == "" {
		t.Skip("set INLOOP_EXP to run a training experiment")
	}
	kv := map[string]string{}
	for _, f := range strings.Fields(spec) {
		k, v, _ := strings.Cut(f, "=")
		kv[k] = v
	}
	ds := kv["dataset"]
	if ds == "" {
		ds = "yinyang"
	}
	cfg, err := DefaultConfig(ds)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = sharedDataDir(t, ds)
	every := 1
	for k, v := range kv {
		var err error
		switch k {
		case "dataset":
		case "data_dir":
			cfg.DataDir = v
		case "mode":
			cfg.Mode = Mode(v)
		case "epochs":
			cfg.Epochs, err = strconv.Atoi(v)
		case "chip_seed":
			cfg.ChipSeed, err = strconv.ParseUint(v, 10, 64)
		case "seed":
			cfg.Seed, err = strconv.ParseUint(v, 10, 64)
		case "calibration":
			cfg.Calibration = v
		case "decalibrate":
			cfg.Decalibrate, err = strconv.ParseFloat(v, 64)
		case "hidden":
			cfg.Hidden, err = strconv.Atoi(v)
		case "repeat":
			cfg.YinYangRepeat, err = strconv.Atoi(v)
		case "late":
			cfg.YinYangLate, err = strconv.ParseFloat(v, 64)
		case "ideal":
			cfg.IdealChip = v == "1"
		case "outgain":
			cfg.UnitOutputGain = v == "0"
		case "every":
			every, err = strconv.Atoi(v)
		default:
			err = cfg.Hyper.Set(k, v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	l, err := NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("config %+v layout %s steps %d (setup %.1fs)", cfg, l.Layout(), l.Layout().Steps, time.Since(start).Seconds())
	train := trainingTime(t, l, cfg.Epochs, every)
	final := EvalStats{}
	if cfg.Mode == ModeTransfer {
		_ = l.SetMode(ModeSoftware)
		sw, _ := l.Evaluate(l.Test())
		_ = l.SetMode(ModeTransfer)
		t.Logf("software-model test accuracy %.4f (before transfer to the chip)", sw.Accuracy)
	}
	final, err = l.Evaluate(l.Test())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("RESULT dataset=%s mode=%s chip_seed=%d decal=%g membrane_noise=%g epochs=%d test_acc=%.4f test_loss=%.4f spikes=%.1f train_s=%.1f wall_s=%.1f",
		cfg.Dataset, cfg.Mode, cfg.ChipSeed, cfg.Decalibrate, cfg.Hyper.MembraneNoise, cfg.Epochs, final.Accuracy, final.Loss, final.SpikesPerSample, train, time.Since(start).Seconds())
}

// trainingTime trains epochs, logging an evaluation every few epochs, and
// returns the seconds spent in training steps.
func trainingTime(t *testing.T, l *Learner, epochs, every int) float64 {
	cfg := l.Config()
	var spent time.Duration
	for e := range epochs {
		t0 := time.Now()
		trainEpochs1(t, l, e)
		spent += time.Since(t0)
		if every > 0 && ((e+1)%every == 0 || e == epochs-1) {
			ev, err := l.Evaluate(l.Test())
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("epoch %d: test %.4f loss %.4f spikes %.1f lr %.2g (train %.1fs)", e+1, ev.Accuracy, ev.Loss, ev.SpikesPerSample, l.LR(), spent.Seconds())
		}
		_ = cfg
	}
	return spent.Seconds()
}
