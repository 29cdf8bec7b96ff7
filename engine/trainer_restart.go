package engine

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// startOver ends the current run and begins a new one in the same session:
// fresh weights from the same seed ("same") or the next ("next"), on the
// chip and in the mode in force, with the base hyperparameters and the
// session's length. The old run is checkpointed and closed (its directory
// stays resumable); with a run directory the new run gets its own beside
// the first (DIR-2, DIR-3, ...), never overwriting one. If the new run
// cannot be prepared the old one goes on and the error says why.
func (t *Trainer) startOver(value string) error {
	cfg := t.cfg
	switch v := strings.TrimSpace(value); v {
	case "", "same":
	case "next":
		cfg.Seed++
	default:
		return fmt.Errorf("start over %q is not accepted (accepted: same, next)", value)
	}
	cfg.Resume, cfg.Changes = "", nil
	cfg.Mode, cfg.ChipSeed, cfg.Epochs = t.mode, t.chipSeed, t.epochs
	cfg.Hyper = t.hyper
	cfg.Hyper.LR = t.baseLR
	cfg.Calibration, cfg.Decalibrate = "calibrated", t.sigma
	if strings.HasPrefix(t.calibration, "uncalibrated") {
		cfg.Calibration, cfg.Decalibrate, cfg.Targets = "uncalibrated", 0, ""
	}
	cfg.RunDir = ""
	if t.run != nil {
		cfg.RunDir = t.nextRunDir()
	}
	return t.begin(cfg, "start over ("+strings.TrimSpace(value)+" seed)")
}

// nextRunDir is the first free sibling of the session's first run
// directory: DIR-2, DIR-3, ...
func (t *Trainer) nextRunDir() string {
	if t.firstDir == "" {
		t.firstDir = t.run.path
	}
	for k := 2; ; k++ {
		p := fmt.Sprintf("%s-%d", strings.TrimRight(t.firstDir, "/"), k)
		if _, err := os.Stat(p); os.IsNotExist(err) {
			return p
		}
	}
}

// begin prepares a new run from cfg beside the current one and, when it is
// ready, ends the current run and takes the new one's place.
func (t *Trainer) begin(cfg Config, why string) error {
	dir, _, err := openRun(cfg)
	if err != nil {
		return err
	}
	n := &Trainer{hub: newHub(), cmds: newCommandQueue(), cpStep: -1}
	if err := n.prepare(cfg, dir, nil, t.build); err != nil {
		dir.abort()
		return err
	}
	// The new run is ready: end the old one as a stop would.
	if t.run != nil {
		if err := t.checkpoint(); err != nil {
			n.run.close()
			return err
		}
		t.logRecord(eventRecord{Kind: "done", Time: time.Now(), Step: t.pos.Step, Epoch: t.pos.Epoch})
		t.run.close()
	}
	t.l, t.cfg, t.trainSet, t.testSet = n.l, n.cfg, n.trainSet, n.testSet
	t.epochs, t.hyper, t.baseLR, t.mode, t.chipSeed = n.epochs, n.hyper, n.baseLR, n.mode, n.chipSeed
	t.calibration, t.sigma, t.pos, t.run, t.cpStep = n.calibration, n.sigma, n.pos, n.run, n.cpStep
	t.order, t.last, t.lastEval, t.hold, t.atEnd = nil, BatchStats{}, nil, lrHold{}, false
	t.priorWall, t.start, t.trainTime, t.trainSeen = 0, time.Now(), 0, 0
	t.winTime, t.winSeen, t.rate = 0, 0, 0
	ev := RunEvent{Why: why, Dataset: t.cfg.Dataset, Seed: t.cfg.Seed, Mode: t.mode, ChipSeed: t.chipSeed, Calibration: t.calibration, Epochs: t.epochs, DataDir: t.cfg.DataDir, Hidden: t.cfg.Hidden}
	if t.run != nil {
		ev.RunDir = t.run.path
	}
	t.hub.publish(ev)
	t.hub.publish(t.hyperEvent())
	t.hub.publish(t.chipEvent())
	if err := t.emitProgress(true); err != nil {
		return err
	}
	t.emitSample(0, true)
	return nil
}
