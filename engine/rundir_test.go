package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRunDirLockedByOneWriter: while one trainer writes a run, a second one
// on that directory (resumed or new) is refused with a RunDirError that
// names the holder, and nothing of the first is touched; once the first has
// ended the directory is free again and no lock file is left.
func TestRunDirLockedByOneWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	first, _, err := fakeTrainer(fakeConfig(2, dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, runMetricsFile))
	pid := "process " + strconv.Itoa(os.Getpid())
	for _, cfg := range []Config{{Resume: dir, Epochs: 3}, fakeConfig(2, dir)} {
		_, _, err := fakeTrainer(cfg, nil)
		var re *RunDirError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "is in use by "+pid) {
			t.Fatalf("second writer on %s: %v; want a RunDirError naming %q", dir, err, pid)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(dir, runMetricsFile)); !bytes.Equal(before, after) {
		t.Errorf("a refused writer changed the metrics log")
	}
	if _, err := runToEnd(t, first); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, runLockFile)); !os.IsNotExist(err) {
		t.Errorf("lock file left after the run: %v", err)
	}
	second, _, err := fakeTrainer(Config{Resume: dir, Epochs: 3}, nil)
	if err != nil {
		t.Fatalf("resume after the first ended: %v", err)
	}
	if _, err := runToEnd(t, second); err != nil {
		t.Fatal(err)
	}
	metricsLines(t, dir) // every line parses
}

// TestMetricsOpenedForAppend: lines written to the log by anyone else
// while the run writes it are never overwritten.
func TestMetricsOpenedForAppend(t *testing.T) {
	dir := t.TempDir()
	r, err := createRunDir(dir, fakeConfig(1, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	r.log(eventRecord{Kind: "start"})
	other, err := os.OpenFile(filepath.Join(dir, runMetricsFile), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	other.WriteString(`{"kind":"other"}` + "\n")
	other.Close()
	r.log(eventRecord{Kind: "resume"})
	lines := metricsLines(t, dir)
	if len(lines) != 3 || lines[1]["kind"] != "other" || lines[2]["kind"] != "resume" {
		t.Fatalf("metrics: %v", lines)
	}
}

// editCheckpoint rewrites dir's checkpoint with edit applied to its header
// and a valid CRC, as an attacker with a text editor would.
func editCheckpoint(t *testing.T, dir string, edit func(map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, runCheckpointFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint32(b[len(checkpointMagic):])
	meta := b[len(checkpointMagic)+4 : len(checkpointMagic)+4+int(n)]
	var m map[string]any
	if err := json.Unmarshal(meta, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	nm, _ := json.Marshal(m)
	out := append([]byte(checkpointMagic), binary.LittleEndian.AppendUint32(nil, uint32(len(nm)))...)
	out = append(out, nm...)
	out = append(out, b[len(checkpointMagic)+4+int(n):len(b)-4]...)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestResumeChecksEveryField edits one field of a checkpoint at a time
// (CRC recomputed): each edit that no run could have written is refused
// with a CheckpointError, and the run directory is left as it was.
func TestResumeChecksEveryField(t *testing.T) {
	src := t.TempDir()
	tr, _, err := fakeTrainer(fakeConfig(2, src), func(f *fakeLearner) {
		f.hook = func(k int) {
			if k == 3 {
				// stop mid-epoch 0: offset 15 of 23
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runToEnd(t, tr); err != nil {
		t.Fatal(err)
	}
	pos := func(k string, v any) func(map[string]any) {
		return func(m map[string]any) { m["position"].(map[string]any)[k] = v }
	}
	for name, edit := range map[string]func(map[string]any){
		"offset 1e9":        pos("offset", 1e9),
		"offset -5":         pos("offset", -5),
		"epoch -1":          pos("epoch", -1),
		"epoch beyond":      pos("epoch", 7),
		"step -100":         pos("step", -100),
		"batch -1":          pos("batch", -1),
		"epoch samples -3":  pos("epoch_samples", -3),
		"elapsed -1":        func(m map[string]any) { m["elapsed_seconds"] = -1 },
		"eval in future":    func(m map[string]any) { m["evals"] = []any{map[string]any{"Step": 1e6}} },
		"another run id":    func(m map[string]any) { m["run"] = "0123456789abcdef" },
		"another seed":      func(m map[string]any) { m["config"].(map[string]any)["Seed"] = 8 },
		"another dataset":   func(m map[string]any) { m["config"].(map[string]any)["Dataset"] = "mnist" },
		"history malformed": func(m map[string]any) { m["history"].(map[string]any)["stride"] = 0 },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{runConfigFile, runMetricsFile, runCheckpointFile} {
				b, _ := os.ReadFile(filepath.Join(src, f))
				os.WriteFile(filepath.Join(dir, f), b, 0o644)
			}
			editCheckpoint(t, dir, edit)
			metrics, _ := os.ReadFile(filepath.Join(dir, runMetricsFile))
			_, _, err := fakeTrainer(Config{Resume: dir, Epochs: 3}, nil)
			var ce *CheckpointError
			if !errors.As(err, &ce) {
				t.Fatalf("resumed an edited checkpoint: %v", err)
			}
			if after, _ := os.ReadFile(filepath.Join(dir, runMetricsFile)); !bytes.Equal(metrics, after) {
				t.Errorf("a refused resume changed the metrics log")
			}
			if _, err := os.Stat(filepath.Join(dir, runLockFile)); !os.IsNotExist(err) {
				t.Errorf("lock file left: %v", err)
			}
		})
	}
}

// TestCheckpointOfAnotherRunRefused copies a checkpoint between two runs
// of the same configuration: the run ids differ, so it is refused.
func TestCheckpointOfAnotherRunRefused(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		tr, _, err := fakeTrainer(fakeConfig(1, dir), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runToEnd(t, tr); err != nil {
			t.Fatal(err)
		}
	}
	cp, _ := os.ReadFile(filepath.Join(a, runCheckpointFile))
	os.WriteFile(filepath.Join(b, runCheckpointFile), cp, 0o644)
	_, _, err := fakeTrainer(Config{Resume: b, Epochs: 2}, nil)
	if err == nil || !strings.Contains(err.Error(), "belongs to another run") {
		t.Fatalf("resumed with another run's checkpoint: %v", err)
	}
}

// TestStartKilledBeforeFirstCheckpoint: a directory with config.json and
// no checkpoint (a start killed at once) is no dead end: --resume says to
// start again, and a new run there replaces its files.
func TestStartKilledBeforeFirstCheckpoint(t *testing.T) {
	dir := t.TempDir()
	tr, _, err := fakeTrainer(fakeConfig(1, dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runToEnd(t, tr); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, runCheckpointFile))
	os.WriteFile(filepath.Join(dir, runMetricsFile), []byte(`{"kind":"start"}`+"\n"), 0o644)
	_, _, err = fakeTrainer(Config{Resume: dir}, nil)
	if err == nil || !strings.Contains(err.Error(), "start it again with --run-dir "+dir) {
		t.Fatalf("resume of a start without checkpoint: %v", err)
	}
	tr, _, err = fakeTrainer(fakeConfig(1, dir), nil)
	if err != nil {
		t.Fatalf("new run over a start without checkpoint: %v", err)
	}
	if _, err := runToEnd(t, tr); err != nil {
		t.Fatal(err)
	}
	if lines := metricsLines(t, dir); lines[0]["kind"] != "start" || len(lines) < 3 {
		t.Errorf("metrics of the new run: %v", lines)
	}
}

// TestFailedStartLeavesNothing: a run whose learner cannot be built leaves
// no directory behind; in an existing directory it leaves no file.
func TestFailedStartLeavesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "run")
	fail := func(Config) (trainee, error) { return nil, errors.New("no data") }
	if _, err := newTrainer(fakeConfig(1, dir), fail); err == nil {
		t.Fatal("no error")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("run directory left by a failed start: %v", err)
	}
	existing := t.TempDir()
	if _, err := newTrainer(fakeConfig(1, existing), fail); err == nil {
		t.Fatal("no error")
	}
	if left, _ := os.ReadDir(existing); len(left) != 0 {
		t.Errorf("files left by a failed start: %v", left)
	}
}

// TestUnwritableRunDirRefusedAtOnce: a run directory the process may not
// write is refused before any training.
func TestUnwritableRunDirRefusedAtOnce(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write anywhere")
	}
	dir := t.TempDir()
	tr, _, err := fakeTrainer(fakeConfig(1, dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runToEnd(t, tr); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	built := false
	_, err = newTrainer(Config{Resume: dir, Epochs: 2}, func(c Config) (trainee, error) { built = true; return newFake(c, 23), nil })
	var re *RunDirError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "cannot be written") || built {
		t.Fatalf("resume into a read-only directory: %v (learner built: %v)", err, built)
	}
}

// TestRestoreChecksLearnerState edits the learner's own state in a
// checkpoint (non-finite numbers, another run's configuration, a chip mode
// without a chip): Restore refuses each.
func TestRestoreChecksLearnerState(t *testing.T) {
	cfg, err := DefaultConfig("yinyang")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Mode = ModeSoftware
	l, err := NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Restore(b); err != nil {
		t.Fatalf("own checkpoint refused: %v", err)
	}
	for name, edit := range map[string]func(*checkpoint){
		"lr NaN":          func(c *checkpoint) { c.LR = nanValue() },
		"lr negative":     func(c *checkpoint) { c.LR = -1 },
		"adam step":       func(c *checkpoint) { c.AdamT = -4 },
		"weight Inf":      func(c *checkpoint) { c.Weights[3] = float32(1 / zero()) },
		"another seed":    func(c *checkpoint) { c.Config.Seed++ },
		"batch 0":         func(c *checkpoint) { c.Config.Hyper.Batch = 0 },
		"chip without it": func(c *checkpoint) { c.Config.Mode = ModeChip },
	} {
		var c checkpoint
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&c); err != nil {
			t.Fatal(err)
		}
		edit(&c)
		var buf bytes.Buffer
		gob.NewEncoder(&buf).Encode(&c)
		if err := l.Restore(buf.Bytes()); err == nil {
			t.Errorf("%s: restored", name)
		}
	}
}
