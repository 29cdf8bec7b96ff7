package engine

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// runCheckpoint is everything needed to continue a run exactly: the
// learner's own bytes (weights, optimiser state, seeds, chip and
// calibration) and the trainer's position in the data order. The trainer's
// randomness is a pure function of (Seed, epoch) and (Seed, step), so the
// position is its whole RNG state.
type runCheckpoint struct {
	Version     int            `json:"version"`
	Run         string         `json:"run"`    // the run's id (config.json's)
	Config      Config         `json:"config"` // in force at the checkpoint
	Position    runPosition    `json:"position"`
	Calibration string         `json:"calibration"`
	Elapsed     float64        `json:"elapsed_seconds"` // training wall time of all sessions so far
	History     curve          `json:"history"`
	Evals       []EvalEvent    `json:"evals"`
	Commands    []CommandEvent `json:"commands"`
	Learner     []byte         `json:"-"`
}

// runPosition is where the trainer stands in the run.
type runPosition struct {
	Epoch  int `json:"epoch"`  // 0-based epoch in progress (= epochs done)
	Offset int `json:"offset"` // samples of this epoch's order already trained
	Batch  int `json:"batch"`  // batches of this epoch already trained
	Step   int `json:"step"`   // optimiser steps so far
	// sums over this epoch's batches, for its training accuracy
	EpochSamples int     `json:"epoch_samples"`
	EpochCorrect float64 `json:"epoch_correct"`
}

const (
	checkpointMagic   = "INLOOPC1"
	checkpointVersion = 1
	maxCheckpointMeta = 64 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CheckpointError is a checkpoint that is missing or cannot be read.
type CheckpointError struct {
	Path  string
	Fault string
}

func (e *CheckpointError) Error() string { return fmt.Sprintf("checkpoint %s: %s", e.Path, e.Fault) }

// encode lays the checkpoint out as
//
//	magic "INLOOPC1" | uint32 n | n bytes JSON | uint64 m | m learner bytes | CRC-32C
//
// little-endian, the CRC over everything before it.
func (c *runCheckpoint) encode() ([]byte, error) {
	meta, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(checkpointMagic)+4+len(meta)+8+len(c.Learner)+4)
	b = append(b, checkpointMagic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(meta)))
	b = append(b, meta...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(c.Learner)))
	b = append(b, c.Learner...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli)), nil
}

func decodeCheckpoint(path string, b []byte) (*runCheckpoint, error) {
	bad := func(f string) error { return &CheckpointError{path, f} }
	if len(b) < len(checkpointMagic)+4+8+4 || string(b[:len(checkpointMagic)]) != checkpointMagic {
		return nil, bad("not an inloop checkpoint")
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, bad("checksum mismatch (the file is damaged)")
	}
	rest := body[len(checkpointMagic):]
	n := binary.LittleEndian.Uint32(rest)
	rest = rest[4:]
	if uint64(n) > uint64(len(rest)) || n > maxCheckpointMeta {
		return nil, bad("header length out of range")
	}
	var c runCheckpoint
	if err := json.Unmarshal(rest[:n], &c); err != nil {
		return nil, bad("header: " + err.Error())
	}
	if c.Version != checkpointVersion {
		return nil, bad(fmt.Sprintf("version %d (this inloop reads version %d)", c.Version, checkpointVersion))
	}
	rest = rest[n:]
	if len(rest) < 8 {
		return nil, bad("truncated")
	}
	m := binary.LittleEndian.Uint64(rest)
	rest = rest[8:]
	if m != uint64(len(rest)) {
		return nil, bad("learner state length out of range")
	}
	c.Learner = rest
	return &c, nil
}

// writeCheckpoint replaces the run's checkpoint atomically.
func (r *runDir) writeCheckpoint(c *runCheckpoint) error {
	b, err := c.encode()
	if err != nil {
		return err
	}
	return writeFileAtomic(r.path, runCheckpointFile, b)
}

// readCheckpoint reads the last checkpoint of the run in dir. Temp files of
// an interrupted write are never looked at.
func readCheckpoint(dir string) (*runCheckpoint, error) {
	path := filepath.Join(dir, runCheckpointFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(dir); serr != nil {
			return nil, &RunDirError{dir, "does not exist"}
		}
		if _, cerr := os.Stat(filepath.Join(dir, runConfigFile)); cerr == nil {
			return nil, &CheckpointError{path, "missing: the run in " + dir + " was stopped before its first checkpoint; start it again with --run-dir " + dir + " (its files are replaced)"}
		}
		return nil, &CheckpointError{path, "missing: " + dir + " holds no run to resume"}
	}
	if err != nil {
		return nil, &CheckpointError{path, err.Error()}
	}
	return decodeCheckpoint(path, b)
}

// readRun reads the checkpoint of the run in dir and checks that it is
// that run's: its id and the fields no command changes must be those of
// the directory's config.json, so a checkpoint copied in from another run
// is refused.
func readRun(dir string) (*runCheckpoint, error) {
	cp, err := readCheckpoint(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, runCheckpointFile)
	b, err := os.ReadFile(filepath.Join(dir, runConfigFile))
	if err != nil {
		return nil, &RunDirError{dir, runConfigFile + ": " + pathErrText(err) + " (a run directory holds config.json beside checkpoint.bin)"}
	}
	var rc runConfig
	if err := json.Unmarshal(b, &rc); err != nil {
		return nil, &RunDirError{dir, runConfigFile + ": " + err.Error()}
	}
	if rc.Run != cp.Run {
		return nil, &CheckpointError{path, fmt.Sprintf("belongs to another run (run %q; %s here is run %q): it was copied in from another directory", cp.Run, runConfigFile, rc.Run)}
	}
	if what := runIdentityDiff(rc.Config, cp.Config); what != "" {
		return nil, &CheckpointError{path, "belongs to another run: its " + what + " differs from " + runConfigFile + "'s"}
	}
	return cp, nil
}

// runIdentityDiff names the first field that makes a and b different runs
// (those no command changes), or "".
func runIdentityDiff(a, b Config) string {
	switch {
	case a.Dataset != b.Dataset:
		return "dataset"
	case a.Seed != b.Seed:
		return "seed"
	case a.NoiseSeed != b.NoiseSeed:
		return "noise seed"
	case a.Hidden != b.Hidden:
		return "hidden size"
	}
	return ""
}

// check refuses a position that this run cannot be at: train is the size
// of its training split, epochs its length.
func (p runPosition) check(train, epochs int) error {
	switch {
	case p.Epoch < 0 || p.Epoch > epochs:
		return fmt.Errorf("epoch %d outside the run's 0..%d", p.Epoch, epochs)
	case p.Offset < 0 || p.Offset >= train || (p.Epoch == epochs && p.Offset != 0):
		return fmt.Errorf("offset %d outside the training split's 0..%d", p.Offset, train-1)
	case p.Batch < 0 || p.Batch > p.Offset || (p.Offset > 0) != (p.Batch > 0):
		return fmt.Errorf("batch %d does not fit offset %d", p.Batch, p.Offset)
	case p.Step < p.Batch || p.Step < p.Epoch:
		return fmt.Errorf("step %d is fewer than the batches trained (epoch %d, batch %d)", p.Step, p.Epoch, p.Batch)
	case p.EpochSamples < 0 || p.EpochSamples > p.Offset:
		return fmt.Errorf("epoch samples %d outside 0..%d", p.EpochSamples, p.Offset)
	case !(p.EpochCorrect >= 0 && p.EpochCorrect <= float64(p.EpochSamples)):
		return fmt.Errorf("epoch correct %v outside 0..%d", p.EpochCorrect, p.EpochSamples)
	}
	return nil
}

// checkRest refuses the trainer's other fields where they cannot be a
// run's: a negative or non-finite elapsed time, a history or evaluations
// out of order.
func (c *runCheckpoint) checkRest() error {
	if !(c.Elapsed >= 0) || math.IsInf(c.Elapsed, 0) {
		return fmt.Errorf("elapsed time %v", c.Elapsed)
	}
	h := c.History
	if h.Max != 0 || h.Stride != 0 {
		if h.Max < 2 || h.Max%2 != 0 || h.Stride < 1 || len(h.Steps) >= h.Max ||
			len(h.Loss) != len(h.Steps) || len(h.Accuracy) != len(h.Steps) || h.PendN < 0 || h.PendN >= h.Stride {
			return errors.New("history curve malformed")
		}
	}
	for _, e := range c.Evals {
		if e.Step < 0 || e.Step > c.Position.Step {
			return fmt.Errorf("evaluation at step %d after the checkpoint's step %d", e.Step, c.Position.Step)
		}
	}
	if len(c.Calibration) > 200 {
		return errors.New("calibration label too long")
	}
	return nil
}
