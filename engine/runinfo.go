package engine

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// RunInfo is what a run directory's last checkpoint says about its run:
// the configuration in force, how far training got and its evaluations.
type RunInfo struct {
	Config Config
	Epoch  int // epochs trained
	Step   int // optimiser steps so far
	Evals  []EvalEvent
}

// Finished reports whether every configured epoch was trained.
func (r RunInfo) Finished() bool { return r.Epoch >= r.Config.Epochs }

// LastEval is the run's latest evaluation, ok false if there is none.
func (r RunInfo) LastEval() (EvalEvent, bool) {
	if len(r.Evals) == 0 {
		return EvalEvent{}, false
	}
	return r.Evals[len(r.Evals)-1], true
}

// ReadRunInfo reads the last checkpoint of the run in dir. The error is a
// *RunDirError if dir does not exist, a *CheckpointError if it holds no
// readable checkpoint.
func ReadRunInfo(dir string) (RunInfo, error) {
	cp, err := readCheckpoint(dir)
	if err != nil {
		return RunInfo{}, err
	}
	return RunInfo{Config: cp.Config, Epoch: cp.Position.Epoch, Step: cp.Position.Step, Evals: slices.Clone(cp.Evals)}, nil
}

// HasCheckpoint reports whether dir holds a checkpoint file (readable or not).
func HasCheckpoint(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, runCheckpointFile))
	return err == nil
}

// ClearUnstartedRun removes the files of a run that was created but never
// reached its first checkpoint (a process killed while setting up), so the
// directory can take a fresh run. A directory with a checkpoint is left
// alone and reported as a *RunDirError.
func ClearUnstartedRun(dir string) error {
	if HasCheckpoint(dir) {
		return &RunDirError{dir, "holds a checkpoint; resume it instead"}
	}
	for _, f := range []string{runConfigFile, runMetricsFile} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &RunDirError{dir, err.Error()}
		}
	}
	return nil
}
