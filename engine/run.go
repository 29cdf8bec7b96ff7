package engine

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"inloop/internal/atomicfile"
)

// A run directory holds one training run:
//
//	config.json     the configuration the run started with, and its run id
//	metrics.jsonl   append-only log, one JSON object per line: "batch",
//	                "eval", "command", "checkpoint", "start", "resume", "done"
//	checkpoint.bin  the last checkpoint, replaced atomically
//	run.lock        held (flock) by the one process writing the run; it
//	                names that process and is removed when it lets go
const (
	runConfigFile     = "config.json"
	runMetricsFile    = "metrics.jsonl"
	runCheckpointFile = "checkpoint.bin"
	runLockFile       = "run.lock"
	runTempPattern    = ".checkpoint-*.tmp"
)

// RunDirError is a run directory that cannot be used as asked.
type RunDirError struct {
	Dir   string
	Fault string
}

func (e *RunDirError) Error() string { return fmt.Sprintf("run directory %s: %s", e.Dir, e.Fault) }

// runDir is one run's directory, locked by this process. Only the trainer
// goroutine uses it once the run has begun.
type runDir struct {
	path    string
	id      string   // the run's id, in config.json and every checkpoint
	lock    *os.File // holds the directory's flock
	metrics *os.File // opened for append; nil until begin
	created bool     // this process made the directory
	isNew   bool     // a new run (fresh or forked) is written here
	wrote   bool     // begin wrote a new run's config.json
}

// runConfig is config.json: the configuration and the run's id, which
// every checkpoint repeats so one copied from another run is refused.
type runConfig struct {
	Run string `json:"run"`
	Config
}

// openRun is the one path into a run directory, for a fresh run
// (cfg.RunDir), a resumed one (cfg.Resume) and a fork (both, different).
// It locks the directory the run will write (creating it for a new run),
// checks that it can be used as asked and reads the checkpoint to continue
// from. It returns a nil runDir for a run without files. The caller builds
// the learner, checks the checkpoint against it and calls begin, or abort
// if the run cannot start.
func openRun(cfg Config) (*runDir, *runCheckpoint, error) {
	target := cfg.RunDir
	if target == "" {
		target = cfg.Resume
	}
	if target == "" {
		return nil, nil, nil
	}
	isNew := cfg.Resume == "" || !samePath(target, cfg.Resume)
	r, err := lockRunDir(target, isNew)
	if err != nil {
		return nil, nil, err
	}
	r.isNew = isNew
	var cp *runCheckpoint
	if cfg.Resume != "" {
		cp, err = readRun(cfg.Resume)
	}
	if err == nil && isNew {
		err = checkRunDirFree(target)
	}
	if err != nil {
		r.abort()
		return nil, nil, err
	}
	return r, cp, nil
}

// lockRunDir takes the directory's lock, making the directory first if
// create is set and it does not exist. Another process holding it is an
// error that names that process.
func lockRunDir(dir string, create bool) (*runDir, error) {
	r := &runDir{path: dir}
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return nil, &RunDirError{dir, "is a file, not a directory"}
	case errors.Is(err, fs.ErrNotExist) && create:
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, &RunDirError{dir, "cannot be created: " + errors.Unwrap(err).Error()}
		}
		r.created = true
	case errors.Is(err, fs.ErrNotExist):
		return nil, &RunDirError{dir, "does not exist"}
	case err != nil:
		return nil, &RunDirError{dir, err.Error()}
	}
	path := filepath.Join(dir, runLockFile)
	// The holder removes the file when it lets go; a lock taken on a file
	// removed meanwhile is no lock, so take it again on the new one.
	for range 5 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			r.removeCreated()
			return nil, &RunDirError{dir, "cannot be written: " + pathErrText(err) + " (a run needs a directory it may write)"}
		}
		if err := lockFile(f); err != nil {
			holder, _ := io.ReadAll(io.LimitReader(f, 512))
			f.Close()
			who := strings.TrimSpace(string(holder))
			if who == "" || !utf8.ValidString(who) {
				who = "another process"
			}
			return nil, &RunDirError{dir, "is in use by " + who + "; one process at a time may write a run (wait for it to end, or use another directory)"}
		}
		if sameFile(f, path) {
			r.lock = f
			_ = f.Truncate(0)
			_, _ = f.WriteAt([]byte(holderText()+"\n"), 0)
			return r, nil
		}
		f.Close()
	}
	r.removeCreated()
	return nil, &RunDirError{dir, "its lock file keeps changing; is another process starting a run there?"}
}

// holderText names this process for a second one that finds the lock taken.
func holderText() string {
	return fmt.Sprintf("process %d (%s) since %s", os.Getpid(), strings.Join(os.Args, " "), time.Now().UTC().Format("2006-01-02 15:04:05 UTC"))
}

// pathErrText is err without the path, which the RunDirError already names.
func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// sameFile reports whether f is still the file at path.
func sameFile(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// checkRunDirFree refuses a directory that holds a run: one with a
// checkpoint, or a metrics log that records one. config.json and a
// metrics log without any checkpoint are what a start killed before its
// first checkpoint leaves; they are replaced.
func checkRunDirFree(dir string) error {
	used := "already holds a run (" + runCheckpointFile + "); continue it with --resume " + dir + " or choose another --run-dir"
	if _, err := os.Stat(filepath.Join(dir, runCheckpointFile)); err == nil {
		return &RunDirError{dir, used}
	}
	if b, err := os.ReadFile(filepath.Join(dir, runMetricsFile)); err == nil && bytes.Contains(b, []byte(`"kind":"checkpoint"`)) {
		return &RunDirError{dir, "holds a run whose " + runCheckpointFile + " is missing (its metrics log records checkpoints); choose another --run-dir"}
	}
	return nil
}

// begin starts writing the run: a new run gets a new id, config.json
// (cfg) and an empty metrics log; a resumed one keeps its id and appends
// to its log, after dropping a last line cut off by a crash. Checkpoint
// temp files a crash left are removed: they were never renamed, so never
// valid.
func (r *runDir) begin(cfg Config, cp *runCheckpoint) error {
	if stale, _ := filepath.Glob(filepath.Join(r.path, runTempPattern)); len(stale) > 0 {
		for _, f := range stale {
			os.Remove(f)
		}
	}
	flags := os.O_RDWR | os.O_CREATE | os.O_APPEND
	if r.isNew {
		r.id = newRunID()
		b, err := json.MarshalIndent(runConfig{Run: r.id, Config: cfg}, "", "  ")
		if err != nil {
			return err
		}
		if err := writeFileAtomic(r.path, runConfigFile, append(b, '\n')); err != nil {
			return err
		}
		r.wrote = true
		flags |= os.O_TRUNC
	} else {
		r.id = cp.Run
	}
	f, err := os.OpenFile(filepath.Join(r.path, runMetricsFile), flags, 0o644)
	if err != nil {
		return &RunDirError{r.path, "metrics log: " + pathErrText(err)}
	}
	if err := dropPartialLine(f); err != nil {
		f.Close()
		return &RunDirError{r.path, "metrics log: " + err.Error()}
	}
	r.metrics = f
	return nil
}

// newRunID is a random id that tells runs apart (not part of any result).
func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// close ends writing: the metrics log is closed and the lock let go.
func (r *runDir) close() error {
	var err error
	if r.metrics != nil {
		err = r.metrics.Close()
	}
	r.unlock()
	return err
}

// abort lets go of a run that could not start, removing what its start
// created: the files of a new run and the directory if it made it. A nil
// r is a run without files.
func (r *runDir) abort() {
	if r == nil {
		return
	}
	if r.metrics != nil {
		r.metrics.Close()
	}
	if r.wrote {
		for _, f := range []string{runConfigFile, runMetricsFile, runCheckpointFile} {
			os.Remove(filepath.Join(r.path, f))
		}
	}
	r.unlock()
	r.removeCreated()
}

// unlock removes the lock file while holding the lock, then lets go.
func (r *runDir) unlock() {
	if r.lock != nil {
		os.Remove(r.lock.Name())
		r.lock.Close()
		r.lock = nil
	}
}

// removeCreated removes the directory if this process made it and it is
// empty.
func (r *runDir) removeCreated() {
	if r.created {
		os.Remove(r.path)
	}
}

// dropPartialLine truncates f after its last newline.
func dropPartialLine(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if size == 0 {
		return nil
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
			return f.Truncate(keep)
		}
		end = start
	}
	return f.Truncate(0)
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
		Auto    string    `json:"auto,omitempty"` // why the trainer made it itself
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
