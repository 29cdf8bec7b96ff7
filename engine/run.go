package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"inloop/internal/atomicfile"
)

// A run directory holds one training run:
//
//	config.json     the configuration the run started with
//	metrics.jsonl   append-only log, one JSON object per line: "batch",
//	                "eval", "command", "checkpoint", "start", "resume", "done"
//	checkpoint.bin  the last checkpoint, replaced atomically
const (
	runConfigFile     = "config.json"
	runMetricsFile    = "metrics.jsonl"
	runCheckpointFile = "checkpoint.bin"
	runTempPattern    = ".checkpoint-*.tmp"
)

// RunDirError is a run directory that cannot be used as asked.
type RunDirError struct {
	Dir   string
	Fault string
}

func (e *RunDirError) Error() string { return fmt.Sprintf("run directory %s: %s", e.Dir, e.Fault) }

// runDir writes one run's files. Only the trainer goroutine uses it.
type runDir struct {
	path    string
	metrics *os.File
}

// createRunDir makes dir (parents included) for a new run and writes
// cfg as config.json. A directory that already holds a run is refused, so
// nothing is overwritten by accident.
func createRunDir(dir string, cfg Config) (*runDir, error) {
	if err := checkRunDirFree(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, &RunDirError{dir, err.Error()}
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(dir, runConfigFile, append(b, '\n')); err != nil {
		return nil, err
	}
	return openRunDir(dir)
}

// checkRunDirFree refuses a directory that already holds a run, or a path
// that is a file.
func checkRunDirFree(dir string) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return &RunDirError{dir, "is a file, not a directory"}
	}
	for _, f := range []string{runCheckpointFile, runConfigFile, runMetricsFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return &RunDirError{dir, "already holds a run (" + f + "); continue it with --resume " + dir + " or choose another --run-dir"}
		}
	}
	return nil
}

// openRunDir opens an existing run directory to go on writing it. A last
// metrics line cut off by a crash is dropped, and checkpoint temp files
// left by one are removed: they were never renamed, so never valid.
func openRunDir(dir string) (*runDir, error) {
	if stale, _ := filepath.Glob(filepath.Join(dir, runTempPattern)); len(stale) > 0 {
		for _, f := range stale {
			os.Remove(f)
		}
	}
	path := filepath.Join(dir, runMetricsFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, &RunDirError{dir, err.Error()}
	}
	if err := dropPartialLine(f); err != nil {
		f.Close()
		return nil, &RunDirError{dir, "metrics log: " + err.Error()}
	}
	return &runDir{path: dir, metrics: f}, nil
}

// dropPartialLine truncates f after its last newline and leaves the offset
// at the end.
func dropPartialLine(f *os.File) error {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil || size == 0 {
		return err
	}
	const chunk = 4096
	buf := make([]byte, chunk)
	end := size
	for end > 0 {
		start := max(end-chunk, 0)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			keep := start + int64(i) + 1
			if keep == size {
				return nil
			}
			if err := f.Truncate(keep); err != nil {
				return err
			}
			_, err = f.Seek(keep, io.SeekStart)
			return err
		}
		end = start
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err = f.Seek(0, io.SeekStart)
	return err
}

// log appends rec as one JSON line, written with a single write so a crash
// leaves at most one partial line at the end.
func (r *runDir) log(rec any) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	_, err = r.metrics.Write(append(b, '\n'))
	return err
}

func (r *runDir) close() error { return r.metrics.Close() }

// writeFileAtomic replaces dir/name with b so that a crash at any moment
// leaves either the old file or the new one, never a mix.
func writeFileAtomic(dir, name string, b []byte) error {
	if err := atomicfile.WriteFile(filepath.Join(dir, name), b, 0o644, runTempPattern); err != nil {
		return &RunDirError{dir, err.Error()}
	}
	return nil
}

// jsonFloat writes NaN and ±Inf as null, which encoding/json refuses to
// write, so a diverged batch still makes a valid log line.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// Lines of metrics.jsonl. Time is wall-clock RFC 3339.
type (
	batchRecord struct {
		Kind            string    `json:"kind"` // "batch"
		Time            time.Time `json:"time"`
		Step            int       `json:"step"`
		Epoch           int       `json:"epoch"`
		Batch           int       `json:"batch"`
		Samples         int       `json:"samples"`
		Loss            jsonFloat `json:"loss"`
		Accuracy        jsonFloat `json:"accuracy"`
		SpikesPerSample jsonFloat `json:"hidden_spikes_per_sample"`
		LR              jsonFloat `json:"lr"`
		Mode            Mode      `json:"mode"`
		Seconds         float64   `json:"seconds"` // duration of the step
	}
	evalRecord struct {
		Kind            string    `json:"kind"` // "eval"
		Time            time.Time `json:"time"`
		Step            int       `json:"step"`
		Epoch           int       `json:"epoch"`
		TrainAccuracy   jsonFloat `json:"train_accuracy"`
		TestAccuracy    jsonFloat `json:"test_accuracy"`
		TestLoss        jsonFloat `json:"test_loss"`
		SpikesPerSample jsonFloat `json:"hidden_spikes_per_sample"`
	}
	commandRecord struct {
		Kind    string    `json:"kind"` // "command"
		Time    time.Time `json:"time"`
		Step    int       `json:"step"`
		Command string    `json:"command"`
		Name    string    `json:"name,omitempty"`
		Value   string    `json:"value,omitempty"`
		Applied bool      `json:"applied"`
		Err     string    `json:"error,omitempty"`
	}
	// eventRecord marks the run's life: "start", "resume" (From is the
	// checkpoint's step: lines of a previous session after it were not
	// kept), "checkpoint", "done".
	eventRecord struct {
		Kind  string    `json:"kind"`
		Time  time.Time `json:"time"`
		Step  int       `json:"step"`
		Epoch int       `json:"epoch"`
		From  *int      `json:"from_step,omitempty"`
		Err   string    `json:"error,omitempty"`
	}
)

// samePath reports whether a and b name the same directory.
func samePath(a, b string) bool {
	if a == b {
		return true
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}
