package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"inloop/data"
)

// trainee is what the Trainer needs of a learner. *Learner is the real one;
// tests use fakes.
type trainee interface {
	Config() Config
	Train() data.Dataset
	Test() data.Dataset
	Step(idx []int, seed uint64) (BatchStats, error)
	EndEpoch()
	Evaluate(ds data.Dataset) (EvalStats, error)
	SampleView(i int) (SampleEvent, error)
	DecisionMap() (MapEvent, bool, error)
	Confusion() []int
	ChipView() ChipEvent
	WeightStats() WeightStats
	Set(name, value string) error
	SetLR(lr float64) // the lr in force, leaving the configured one
	SetMode(m Mode) error
	Recalibrate(targets string) error
	Uncalibrate() error
	Decalibrate(sigma float64) error
	SwapChip(seed uint64) error
	Checkpoint() ([]byte, error)
	Restore(b []byte) error
}

// How often the trainer emits its throttled events. Both are built only
// when due, so they cost little training time.
const (
	progressEvery = 50 * time.Millisecond
	sampleEvery   = 200 * time.Millisecond // SampleView reruns one sample
)

// Trainer runs one training run in its own goroutine: events out, commands
// in. Each epoch trains the training split in shuffled batches (the order a
// function of Seed and the epoch only), then evaluates the test split and,
// with a run directory, writes a checkpoint. Commands are applied between
// batches.
type Trainer struct {
	l    trainee
	hub  *hub
	cmds commandQueue
	run  *runDir // nil: no run files

	startOnce sync.Once
	done      chan struct{}
	summary   Summary // set before done is closed
	err       error

	// Owned by the training goroutine (and by NewTrainer before it).
	cfg         Config // as the run started (resumed: as at the checkpoint)
	trainSet    data.Dataset
	testSet     data.Dataset
	epochs      int
	hyper       Hyper
	baseLR      float64 // lr before the per-epoch decay: configured or last set
	hold        lrHold  // after a warm restart
	build       func(Config) (trainee, error)
	firstDir    string // the session's first run directory (start over)
	mode        Mode
	chipSeed    uint64
	calibration string
	sigma       float64 // σ_d of the current decalibration, 0 if none
	paused      bool
	keepOpen    bool      // at the end of the epochs, wait instead of ending
	pace        float64   // batches per second; 0: as fast as it goes
	nextBatch   time.Time // with a pace: when the next batch may start
	atEnd       bool      // the epochs are over and the run waits (keepOpen)
	pos         runPosition
	order       []int // this epoch's data order
	orderEpoch  int
	last        BatchStats
	lastEval    *EvalEvent
	cpStep      int // step of the last checkpoint, -1 if none
	priorWall   float64
	start       time.Time
	trainTime   time.Duration // time in Step this session
	trainSeen   int           // samples trained this session
	winTime     time.Duration // samples/s over a window of about a second
	winSeen     int
	rate        float64
	lastProg    time.Time
	lastSample  time.Time
	lastMap     time.Time // decision map (decision.go)
	sampleIdx   int       // the training sample last viewed
}

// RunConfigError is a configuration the trainer cannot run.
type RunConfigError struct{ Fault string }

func (e *RunConfigError) Error() string { return e.Fault }

// DivergedError ends a run whose loss or weights became NaN or infinite.
// The last good checkpoint, if any, is left as it was.
type DivergedError struct {
	Step           int
	What           string // "training loss", "test loss", "weights"
	Value          float64
	Checkpoint     string // file of the last good checkpoint; "" if none
	CheckpointStep int
}

func (e *DivergedError) Error() string {
	s := fmt.Sprintf("training diverged at step %d: %s is %v", e.Step, e.What, e.Value)
	if e.Checkpoint == "" {
		return s + "; no checkpoint was written; a smaller learning rate may help"
	}
	return s + fmt.Sprintf("; the last good checkpoint (step %d) is kept in %s; resume from it with a smaller --lr", e.CheckpointStep, e.Checkpoint)
}

// NewTrainer validates cfg and prepares the run (dataset, chip, network).
// With cfg.Resume it continues that run directory from its last
// checkpoint: the saved configuration is used, except that cfg.Epochs (if
// positive) may extend the run, cfg.DataDir (if set) says where the data
// are now, cfg.RunDir (if set and different) forks the run into a new
// directory, and cfg.Changes are applied as commands before the first
// batch.
func NewTrainer(cfg Config) (*Trainer, error) {
	return newTrainer(cfg, func(c Config) (trainee, error) {
		l, err := NewLearner(c)
		if err != nil {
			return nil, err
		}
		return l, nil
	})
}

func newTrainer(cfg Config, build func(Config) (trainee, error)) (*Trainer, error) {
	t := &Trainer{hub: newHub(), done: make(chan struct{}), cmds: newCommandQueue(), cpStep: -1, build: build}
	dir, cp, err := openRun(cfg)
	if err != nil {
		return nil, err
	}
	if err := t.prepare(cfg, dir, cp, build); err != nil {
		dir.abort()
		return nil, err
	}
	t.hub.publish(t.hyperEvent())
	t.hub.publish(t.chipEvent())
	t.hub.publish(t.progressEvent())
	return t, nil
}

// prepare builds the run's learner, from cfg or, resumed, from the
// checkpoint cp (checked against the learner and its data), and begins
// writing the run directory dir (nil: no run files).
func (t *Trainer) prepare(cfg Config, dir *runDir, cp *runCheckpoint, build func(Config) (trainee, error)) error {
	run := cfg
	if cp != nil {
		if p := cp.Position.Epoch; p < 0 || (cp.Config.Epochs > 0 && p > cp.Config.Epochs) {
			return &CheckpointError{cfg.Resume, fmt.Sprintf("position: epoch %d outside the run's 0..%d", p, cp.Config.Epochs)}
		}
		run = cp.Config
		if cfg.DataDir != "" {
			run.DataDir = cfg.DataDir
		}
		if cfg.Epochs > 0 {
			run.Epochs = cfg.Epochs
		}
		if run.Epochs > 0 && (run.Epochs < cp.Position.Epoch || (run.Epochs == cp.Position.Epoch && cp.Position.Offset > 0)) {
			return &RunConfigError{fmt.Sprintf("epochs %d is fewer than the run has already trained (%d)", run.Epochs, cp.Position.Epoch)}
		}
	} else if cfg.Epochs < 0 {
		return &RunConfigError{fmt.Sprintf("epochs must be 0 (no end) or more (got %d)", cfg.Epochs)}
	}
	run.Resume, run.RunDir = "", ""
	if dir != nil {
		run.RunDir = dir.path
	}
	l, err := build(run)
	if err != nil {
		return err
	}
	if cp != nil {
		if err := l.Restore(cp.Learner); err != nil {
			return &CheckpointError{cfg.Resume, "restoring the learner: " + err.Error()}
		}
	}
	if err := t.adopt(l, run.Epochs); err != nil {
		return err
	}
	t.cfg.RunDir = run.RunDir
	if cp != nil {
		if err := t.resumeAt(cp); err != nil {
			return &CheckpointError{cfg.Resume, err.Error()}
		}
	} else {
		t.calibration = cfg.Calibration
		if cfg.Targets != "" && cfg.Calibration == "calibrated" {
			t.calibration = "calibrated (" + cfg.Targets + ")" // as a recalibrate command labels it
		}
		if r := recipeOf(cfg); r.State == "decalibrated" {
			t.sigma = cfg.Decalibrate
			t.calibration = r.label()
		}
	}
	if dir != nil {
		if err := dir.begin(t.cfg, cp); err != nil {
			return err
		}
		t.run = dir
		if cp == nil {
			t.logRecord(eventRecord{Kind: "start", Time: time.Now()})
		} else {
			from := cp.Position.Step
			t.logRecord(eventRecord{Kind: "resume", Time: time.Now(), Step: t.pos.Step, Epoch: t.pos.Epoch, From: &from})
		}
		// A new run (fresh or forked) is resumable from its first moment.
		if dir.isNew {
			if err := t.checkpoint(); err != nil {
				return err
			}
		}
	}
	if cp != nil {
		for _, c := range cfg.Changes {
			t.cmds.push(c)
		}
	}
	return nil
}

// resumeAt takes the trainer's position and records from cp, after
// checking them against the run's data and length.
func (t *Trainer) resumeAt(cp *runCheckpoint) error {
	if err := cp.Position.check(t.trainSet.Len(), t.epochLimit()); err != nil {
		return fmt.Errorf("position: %w", err)
	}
	if err := cp.checkRest(); err != nil {
		return err
	}
	t.pos = cp.Position
	t.calibration = cp.Calibration
	t.sigma = cp.Config.Decalibrate
	t.priorWall = cp.Elapsed
	t.cpStep = cp.Position.Step
	t.hub.restore(hubSnapshot{history: cp.History, evals: cp.Evals, commands: cp.Commands})
	if n := len(cp.Evals); n > 0 {
		ev := cp.Evals[n-1]
		t.lastEval = &ev
	}
	return nil
}

// adopt takes l as the run's learner and reads what the trainer tracks.
func (t *Trainer) adopt(l trainee, epochs int) error {
	t.l = l
	t.epochs = epochs
	t.cfg = l.Config()
	t.cfg.Epochs = epochs
	t.trainSet, t.testSet = l.Train(), l.Test()
	if t.trainSet == nil || t.trainSet.Len() == 0 {
		return &RunConfigError{"the training split is empty"}
	}
	if t.testSet == nil || t.testSet.Len() == 0 {
		return &RunConfigError{"the run has no test samples (an empty test split cannot measure accuracy)"}
	}
	t.mode, t.chipSeed = t.cfg.Mode, t.cfg.ChipSeed
	t.hyper = t.cfg.Hyper
	t.baseLR = t.hyper.LR
	if t.hyper.Batch < 1 {
		return &RunConfigError{fmt.Sprintf("batch must be at least 1 (got %d)", t.hyper.Batch)}
	}
	return nil
}

// KeepOpen makes a bounded run wait when its epochs are over, as if paused,
// instead of ending: more epochs (a set command) continue it, a stop ends
// it. The app uses it so a finished run can be extended without leaving.
// It must be called before Start.
func (t *Trainer) KeepOpen() { t.keepOpen = true }

// finished says the run has trained all its epochs (never for a run
// without an end, Epochs 0).
func (t *Trainer) finished() bool { return t.epochs > 0 && t.pos.Epoch >= t.epochs }

// epochLimit is the most epochs the run may reach.
func (t *Trainer) epochLimit() int {
	if t.epochs == 0 {
		return math.MaxInt
	}
	return t.epochs
}

// Start launches the training goroutine; it ends when ctx is done (after a
// checkpoint), on CmdStop, when the epochs are over, or on an error. Only
// the first call has an effect.
func (t *Trainer) Start(ctx context.Context) {
	t.startOnce.Do(func() { go t.runLoop(ctx) })
}

// Subscribe returns a new event stream. It first replays the state so far
// (HistoryEvent, HyperEvent, ChipEvent, EvalEvents, CommandEvents, the latest
// ProgressEvent and SampleEvent), then queues live events as Stream
// describes. A consumer that stops reading never blocks the trainer; it
// calls the stream's Cancel when done.
func (t *Trainer) Subscribe() *Stream { return t.hub.subscribe(true) }

// SubscribeMetrics is Subscribe without SampleEvents, for consumers that
// show only numbers (the headless progress display): while only such
// consumers listen, the trainer re-runs no samples for views.
func (t *Trainer) SubscribeMetrics() *Stream { return t.hub.subscribe(false) }

// Send queues a command for the trainer; it never blocks. Commands sent
// after the run ended are ignored.
func (t *Trainer) Send(c Command) { t.cmds.push(c) }

// Wait blocks until the run has ended and returns its summary. It must
// follow Start.
func (t *Trainer) Wait() (Summary, error) {
	<-t.done
	return t.summary, t.err
}

func (t *Trainer) runLoop(ctx context.Context) {
	t.start = time.Now()
	t.emitSample(t.sampleIdx, true) // something to show before the first batch
	err := t.loop(ctx)
	if t.run != nil {
		rec := eventRecord{Kind: "done", Time: time.Now(), Step: t.pos.Step, Epoch: t.pos.Epoch}
		if err != nil {
			rec.Err = err.Error()
		}
		t.logRecord(rec)
		t.run.close()
	}
	t.summary, t.err = t.makeSummary(err == nil && t.finished()), err
	t.hub.publish(t.progressEvent())
	t.hub.publish(DoneEvent{Summary: t.summary, Err: err})
	close(t.done)
}

// loop trains until the epochs are over, a stop command, ctx's end or an error.
func (t *Trainer) loop(ctx context.Context) error {
	for {
		stop, err := t.applyCommands()
		if err != nil {
			return err
		}
		if stop {
			return t.stop()
		}
		if ctx.Err() != nil {
			if err := t.checkpoint(); err != nil {
				return err
			}
			return ctx.Err()
		}
		if t.finished() && !t.keepOpen {
			return nil
		}
		if t.finished() != t.atEnd { // reached the end, or given more epochs
			t.atEnd = t.finished()
			if t.atEnd {
				t.logRecord(eventRecord{Kind: "end", Time: time.Now(), Step: t.pos.Step, Epoch: t.pos.Epoch})
			}
			if err := t.emitProgress(true); err != nil {
				return err
			}
		}
		if t.paused || t.atEnd {
			select {
			case <-t.cmds.wake:
			case <-ctx.Done():
			}
			continue
		}
		if wait := time.Until(t.nextBatch); t.pace > 0 && wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-timer.C:
			case <-t.cmds.wake: // commands (a new pace) apply at once
			case <-ctx.Done():
			}
			timer.Stop()
			continue
		}
		if t.pace > 0 {
			t.nextBatch = time.Now().Add(time.Duration(float64(time.Second) / t.pace))
		}
		if err := t.trainBatch(t.pace > 0 && t.pace <= 1/sampleEvery.Seconds()); err != nil {
			return err
		}
	}
}

// stop ends the run on request: a checkpoint of the state as it is (so a
// resumed run continues exactly), then an evaluation if the test accuracy
// is not current.
func (t *Trainer) stop() error {
	if err := t.checkpoint(); err != nil {
		return err
	}
	if t.lastEval == nil || t.lastEval.Step != t.pos.Step {
		return t.evaluate()
	}
	return nil
}

// trainBatch runs one optimiser step on the next batch of this epoch's order
// and ends the epoch after its last batch. forced events are emitted at once
// (a step while paused).
func (t *Trainer) trainBatch(forced bool) error {
	n := t.trainSet.Len()
	if t.order == nil || t.orderEpoch != t.pos.Epoch {
		t.order, t.orderEpoch = data.Permutation(n, t.cfg.Seed, t.pos.Epoch), t.pos.Epoch
	}
	b := min(t.hyper.Batch, n-t.pos.Offset)
	idx := slices.Clone(t.order[t.pos.Offset : t.pos.Offset+b])
	t0 := time.Now()
	st, err := t.l.Step(idx, stepSeed(t.cfg.Seed, t.pos.Step))
	d := time.Since(t0)
	if err != nil {
		if nf := (*NonFiniteError)(nil); errors.As(err, &nf) {
			t.pos.Step++
			return t.diverged("the weights", math.NaN())
		}
		return fmt.Errorf("step %d (epoch %d, batch %d): %w", t.pos.Step+1, t.pos.Epoch+1, t.pos.Batch+1, err)
	}
	if st.Samples <= 0 {
		st.Samples = b
	}
	t.pos.Step++
	t.pos.Batch++
	t.pos.Offset += b
	t.pos.EpochSamples += st.Samples
	t.pos.EpochCorrect += st.Accuracy * float64(st.Samples)
	t.last = st
	t.trainTime += d
	t.trainSeen += st.Samples
	t.winTime += d
	t.winSeen += st.Samples
	if t.winTime >= time.Second || t.rate == 0 {
		t.rate = float64(t.winSeen) / max(t.winTime.Seconds(), 1e-9)
		if t.winTime >= time.Second {
			t.winTime, t.winSeen = 0, 0
		}
	}
	t.hub.addBatch(t.pos.Step, st.Loss, st.Accuracy)
	t.logRecord(batchRecord{
		Kind: "batch", Time: time.Now(), Step: t.pos.Step, Epoch: t.pos.Epoch, Batch: t.pos.Batch,
		Samples: st.Samples, Loss: jsonFloat(st.Loss), Accuracy: jsonFloat(st.Accuracy),
		SpikesPerSample: jsonFloat(st.SpikesPerSample), LR: jsonFloat(t.lr()), Mode: t.mode, Seconds: d.Seconds(),
	})
	if !finiteValues(st.Loss) {
		return t.diverged("the training loss", st.Loss)
	}
	if err := t.emitProgress(forced); err != nil {
		return err
	}
	t.emitSample(idx[0], forced)
	if t.pos.Offset >= n {
		return t.endEpoch()
	}
	return nil
}

// endEpoch decays the learning rate, evaluates, moves to the next epoch and
// writes a checkpoint there.
func (t *Trainer) endEpoch() error {
	t.l.EndEpoch()
	t.hyper = t.l.Config().Hyper
	if err := t.evaluate(); err != nil {
		return err
	}
	t.holdLR()
	t.hub.publish(t.hyperEvent()) // the learning rate decayed (or is held)
	t.pos.Epoch++
	t.pos.Offset, t.pos.Batch, t.pos.EpochSamples, t.pos.EpochCorrect = 0, 0, 0, 0
	if err := t.checkpoint(); err != nil {
		return err
	}
	return t.emitProgress(true)
}

// evaluate classifies the test split and reports it with the training
// accuracy of the epoch so far.
func (t *Trainer) evaluate() error {
	es, err := t.l.Evaluate(t.testSet)
	if err != nil {
		return fmt.Errorf("evaluating at step %d: %w", t.pos.Step, err)
	}
	if !finiteValues(es.Loss) {
		return t.diverged("the test loss", es.Loss)
	}
	ev := EvalEvent{Step: t.pos.Step, Epoch: t.pos.Epoch, TestAccuracy: es.Accuracy, TestLoss: es.Loss, SpikesPerSample: es.SpikesPerSample, Confusion: slices.Clone(t.l.Confusion())}
	if t.pos.Offset >= t.trainSet.Len() {
		ev.Epoch++ // evaluated at the end of the epoch
	}
	switch {
	case t.pos.EpochSamples > 0:
		ev.TrainAccuracy = t.pos.EpochCorrect / float64(t.pos.EpochSamples)
	case t.lastEval != nil:
		ev.TrainAccuracy = t.lastEval.TrainAccuracy
	}
	t.lastEval = &ev
	t.hub.publish(ev)
	t.logRecord(evalRecord{
		Kind: "eval", Time: time.Now(), Step: ev.Step, Epoch: ev.Epoch, TrainAccuracy: jsonFloat(ev.TrainAccuracy),
		TestAccuracy: jsonFloat(ev.TestAccuracy), TestLoss: jsonFloat(ev.TestLoss), SpikesPerSample: jsonFloat(ev.SpikesPerSample),
	})
	return nil
}

// checkpoint writes the run's state, if it has a run directory. Weights that
// are no longer finite are never written: the last good checkpoint stays.
func (t *Trainer) checkpoint() error {
	if t.run == nil {
		return nil
	}
	ws := t.l.WeightStats()
	if !finiteValues(ws.HiddenMean, ws.HiddenSD, ws.OutputMean, ws.OutputSD) {
		return t.diverged("the weights' mean or spread", math.NaN())
	}
	lb, err := t.l.Checkpoint()
	if err != nil {
		return fmt.Errorf("checkpoint at step %d: %w", t.pos.Step, err)
	}
	cfg := t.l.Config()
	cfg.Epochs, cfg.RunDir, cfg.Resume = t.epochs, t.run.path, ""
	cfg.Decalibrate = t.sigma
	replay := t.hub.snapshot()
	cp := &runCheckpoint{
		Version: checkpointVersion, Run: t.run.id, Config: cfg, Position: t.pos, Calibration: t.calibration,
		Elapsed: t.elapsed().Seconds(), History: replay.history,
		Evals: replay.evals, Commands: replay.commands, Learner: lb,
	}
	if err := t.run.writeCheckpoint(cp); err != nil {
		return fmt.Errorf("checkpoint at step %d: %w", t.pos.Step, err)
	}
	t.cpStep = t.pos.Step
	t.logRecord(eventRecord{Kind: "checkpoint", Time: time.Now(), Step: t.pos.Step, Epoch: t.pos.Epoch})
	return nil
}

func (t *Trainer) diverged(what string, v float64) error {
	e := &DivergedError{Step: t.pos.Step, What: what, Value: v}
	if t.run != nil && t.cpStep >= 0 {
		e.Checkpoint = t.run.path + "/" + runCheckpointFile
		e.CheckpointStep = t.cpStep
	}
	return e
}

// emitProgress publishes a ProgressEvent when one is due (or forced). Its
// weight statistics double as the check that the weights are finite.
func (t *Trainer) emitProgress(forced bool) error {
	now := time.Now()
	if !forced && now.Sub(t.lastProg) < progressEvery {
		return nil
	}
	t.lastProg = now
	p := t.progressEvent()
	w := p.Weights
	if !finiteValues(w.HiddenMean, w.HiddenSD, w.OutputMean, w.OutputSD) {
		return t.diverged("the weights' mean or spread", math.NaN())
	}
	t.hub.publish(p)
	return nil
}

// emitSample publishes training sample i as the chip saw it, when someone
// listens and one is due. A sample that cannot be viewed is skipped: views
// never stop training.
func (t *Trainer) emitSample(i int, forced bool) {
	now := time.Now()
	if (!forced && now.Sub(t.lastSample) < sampleEvery) || t.hub.sampleSubscribers() == 0 {
		return
	}
	t.lastSample, t.sampleIdx = now, i
	t.emitMap(forced)
	s, err := t.l.SampleView(i)
	if err != nil {
		return
	}
	s.Step = t.pos.Step
	t.hub.publish(cloneSample(s))
}

func (t *Trainer) progressEvent() ProgressEvent {
	n := t.trainSet.Len()
	perEpoch := t.pos.Batch + (n-t.pos.Offset+t.hyper.Batch-1)/t.hyper.Batch
	p := ProgressEvent{
		Step: t.pos.Step, Epoch: t.pos.Epoch, Batch: t.pos.Batch, BatchesPerEpoch: perEpoch, Epochs: t.epochs,
		Loss: t.last.Loss, Accuracy: t.last.Accuracy, SamplesPerSec: t.rate, SpikesPerSample: t.last.SpikesPerSample,
		LR: t.lr(), Mode: t.mode, ChipSeed: t.chipSeed, Calibration: t.calibration, Paused: t.paused, AtEnd: t.finished(), Pace: t.pace,
		Weights: t.l.WeightStats(),
	}
	p.Elapsed = t.elapsed()
	if t.finished() { // show the last epoch complete
		p.Epoch = max(t.epochs-1, 0)
		p.BatchesPerEpoch = (n + t.hyper.Batch - 1) / t.hyper.Batch
		p.Batch = p.BatchesPerEpoch
	}
	return p
}

// elapsed is the run's training wall time over all its sessions.
func (t *Trainer) elapsed() time.Duration {
	d := time.Duration(t.priorWall * float64(time.Second))
	if !t.start.IsZero() {
		d += time.Since(t.start)
	}
	return d
}

func (t *Trainer) hyperEvent() HyperEvent {
	h := t.hyper
	h.LR = t.lr()
	return HyperEvent{Step: t.pos.Step, Hyper: h, Mode: t.mode}
}

// lr is the learning rate in force: a learner that decays it apart from
// its configured value reports it through LR.
func (t *Trainer) lr() float64 {
	if d, ok := t.l.(interface{ LR() float64 }); ok {
		return d.LR()
	}
	return t.hyper.LR
}

func (t *Trainer) chipEvent() ChipEvent {
	c := cloneChip(t.l.ChipView())
	c.ChipSeed = t.chipSeed
	c.Calibration = t.calibration
	return c
}

func (t *Trainer) makeSummary(completed bool) Summary {
	s := Summary{
		Dataset: t.cfg.Dataset, Mode: t.mode, Epochs: t.pos.Epoch, ChipSeed: t.chipSeed, Seed: t.cfg.Seed,
		Calibration: t.calibration, Decalibrate: t.sigma, Steps: t.pos.Step, Completed: completed,
	}
	if t.run != nil {
		s.RunDir = t.run.path
	}
	if e := t.lastEval; e != nil {
		s.TrainAccuracy, s.TestAccuracy, s.TestLoss, s.HiddenSpikesPerSample = e.TrainAccuracy, e.TestAccuracy, e.TestLoss, e.SpikesPerSample
	}
	if t.trainTime > 0 {
		s.SamplesPerSecond = float64(t.trainSeen) / t.trainTime.Seconds()
	}
	if !t.start.IsZero() {
		s.WallSeconds = time.Since(t.start).Seconds()
	}
	return s
}

// logRecord appends to the metrics log. A failing log does not stop
// training; checkpoints report their own errors.
func (t *Trainer) logRecord(rec any) {
	if t.run != nil {
		t.run.log(rec)
	}
}

// stepSeed derives the seed of optimiser step k (dropout, augmentation)
// from the run's seed alone, so a resumed run draws what an uninterrupted
// one would (two rounds of SplitMix64).
func stepSeed(seed uint64, k int) uint64 {
	z := seed ^ 0x6a09e667f3bcc909
	z = mixSeed(z + uint64(k)*0x9e3779b97f4a7c15)
	return mixSeed(z)
}

func mixSeed(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func finiteValues(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func decalibratedLabel(sigma float64) string { return fmt.Sprintf("decalibrated σ=%.2f", sigma) }

var errStopped = errors.New("the run stopped before this command")
