package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"

	"inloop/engine"
)

// Env is what a run needs from where it executes, apart from the plan.
type Env struct {
	DataDir string // where the dataset's files are ("" = the default)
	// Progress, if set, is told how far run k's training got: done of
	// total optimiser steps. It may be called from several goroutines.
	Progress func(k, done, total int)
}

// RunError is a run that failed; the others go on.
type RunError struct {
	Index int
	Name  string
	Err   error
}

func (e *RunError) Error() string { return fmt.Sprintf("run %d (%s): %v", e.Index, e.Name, e.Err) }
func (e *RunError) Unwrap() error { return e.Err }

// Execute brings run k to Done: it trains the run (resuming from its
// checkpoint if it has one), measures it and writes its result. A done
// run is only read. When ctx ends, training stops at the next batch with a
// checkpoint and ctx's error is returned.
func (p Plan) Execute(ctx context.Context, k int, env Env) (Result, error) {
	if k < 0 || k >= len(p.Runs) {
		return Result{}, &SpecError{fmt.Sprintf("task %d is not in the plan (accepted: 0 to %d)", k, len(p.Runs)-1)}
	}
	r, ok, err := p.ReadResult(k)
	if err != nil || ok {
		return r, err
	}
	run := p.Runs[k]
	if err := p.train(ctx, k, env); err != nil {
		return Result{}, &RunError{k, run.Name, err}
	}
	res, err := p.measure(k, env)
	if err != nil {
		return Result{}, &RunError{k, run.Name, err}
	}
	if err := p.writeResult(k, res); err != nil {
		return Result{}, &RunError{k, run.Name, err}
	}
	return res, nil
}

// train runs run k's training to its last epoch.
func (p Plan) train(ctx context.Context, k int, env Env) error {
	dir := p.RunDir(k)
	cfg := p.Runs[k].Config
	cfg.DataDir = env.DataDir
	if engine.HasCheckpoint(dir) {
		info, err := engine.ReadRunInfo(dir)
		if err != nil {
			return err
		}
		if info.Config.Dataset != cfg.Dataset || info.Config.Mode != cfg.Mode || info.Config.Seed != cfg.Seed || info.Config.ChipSeed != cfg.ChipSeed {
			return fmt.Errorf("%s holds another run (%s %s, chip seed %d, seed %d); move it away to run the plan's", dir,
				info.Config.Dataset, info.Config.Mode, info.Config.ChipSeed, info.Config.Seed)
		}
		if info.Finished() {
			return nil
		}
		cfg = engine.Config{Resume: dir, DataDir: env.DataDir}
	} else {
		if err := engine.ClearUnstartedRun(dir); err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		cfg.RunDir = dir
	}
	t, err := engine.NewTrainer(cfg)
	if err != nil {
		return err
	}
	events := t.SubscribeMetrics()
	defer events.Cancel()
	t.Start(ctx)
	for ended := false; !ended; {
		var evs []engine.Event
		evs, ended = events.Wait()
		for _, e := range evs {
			if pe, ok := e.(engine.ProgressEvent); ok && env.Progress != nil {
				total := pe.Epochs * pe.BatchesPerEpoch
				env.Progress(k, min(pe.Epoch*pe.BatchesPerEpoch+pe.Batch, total), total)
			}
		}
	}
	sum, err := t.Wait()
	if err != nil {
		return err
	}
	if !sum.Completed {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errors.New("training stopped before its last epoch")
	}
	return nil
}

// measure reads run k's last evaluation and takes its measurements.
func (p Plan) measure(k int, env Env) (Result, error) {
	run := p.Runs[k]
	dir := p.RunDir(k)
	info, err := engine.ReadRunInfo(dir)
	if err != nil {
		return Result{}, err
	}
	ev, ok := info.LastEval()
	if !ok {
		return Result{}, fmt.Errorf("%s: the run has no evaluation", dir)
	}
	res := Result{
		Index: k, Name: run.Name, Series: run.Series, X: run.X, SeedIndex: run.SeedIndex,
		ChipSeed: run.Config.ChipSeed, Seed: run.Config.Seed, Epochs: info.Epoch,
		TrainAccuracy: ev.TrainAccuracy, TestAccuracy: ev.TestAccuracy, TestLoss: ev.TestLoss, SpikesPerSample: ev.SpikesPerSample,
	}
	m := run.Measure
	if len(m.Silence) == 0 && !m.Latency {
		return res, nil
	}
	e, err := engine.OpenEvaluator(dir, env.DataDir, "", engine.ChipChoice{})
	if err != nil {
		return Result{}, err
	}
	for _, f := range m.Silence {
		st, err := e.Silence(f, m.Draws, run.Config.Seed)
		if err != nil {
			return Result{}, err
		}
		acc := make([]float64, len(st))
		for i, s := range st {
			acc[i] = s.Accuracy
		}
		mean, sd := MeanSD(acc)
		res.Silence = append(res.Silence, SilencePoint{Fraction: f, Mean: mean, SD: sd})
	}
	if m.Latency {
		ro, err := e.ReadoutLatency()
		if err != nil {
			return Result{}, err
		}
		inf, err := e.InferenceLatency(0.5, 12)
		if err != nil {
			return Result{}, err
		}
		res.Latency = &Latency{Readout: ro, Inference: inf}
	}
	return res, nil
}

// MeanSD returns the mean and the sample standard deviation (n − 1; 0 for
// fewer than two values).
func MeanSD(x []float64) (mean, sd float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1))
}

// RunAll executes every run of the plan that is not done, in index order,
// with up to workers at a time. Runs that fail are reported together at
// the end; the others go on. When ctx ends, the runs in progress stop with
// a checkpoint.
func (p Plan) RunAll(ctx context.Context, workers int, env Env) error {
	if workers < 1 {
		workers = 1
	}
	todo := make(chan int)
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range todo {
				if _, err := p.Execute(ctx, k, env); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for k := range p.Runs {
		if ctx.Err() != nil {
			break
		}
		if p.Status(k) == Done {
			continue
		}
		select {
		case todo <- k:
		case <-ctx.Done():
		}
	}
	close(todo)
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// report in index order, whatever order the workers finished in
	sortRunErrors(errs)
	return errors.Join(errs...)
}

func sortRunErrors(errs []error) {
	idx := func(e error) int {
		var re *RunError
		if errors.As(e, &re) {
			return re.Index
		}
		return math.MaxInt
	}
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && idx(errs[j]) < idx(errs[j-1]); j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}
