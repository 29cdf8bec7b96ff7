package engine

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
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
		return nil, &CheckpointError{path, "missing: " + dir + " holds no run to resume"}
	}
	if err != nil {
		return nil, &CheckpointError{path, err.Error()}
	}
	return decodeCheckpoint(path, b)
}
