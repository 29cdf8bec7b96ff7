package engine

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// testCheckpoint is checkpoint number k: its learner bytes are a function of
// k, so a reader can tell a whole checkpoint from a mix of two.
func testCheckpoint(k int) *runCheckpoint {
	lb := bytes.Repeat([]byte{byte(k)}, 1000+37*(k%50))
	return &runCheckpoint{Version: checkpointVersion, Position: runPosition{Step: k}, History: newCurve(8), Learner: lb}
}

func checkWhole(t *testing.T, c *runCheckpoint) {
	t.Helper()
	want := testCheckpoint(c.Position.Step).Learner
	if !bytes.Equal(c.Learner, want) {
		t.Fatalf("checkpoint %d holds learner bytes of another write", c.Position.Step)
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	dir := t.TempDir()
	r, err := createRunDir(dir, fakeConfig(1, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	for k := 1; k <= 3; k++ {
		if err := r.writeCheckpoint(testCheckpoint(k)); err != nil {
			t.Fatal(err)
		}
	}
	c, err := readCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Position.Step != 3 {
		t.Fatalf("read checkpoint %d, want the last (3)", c.Position.Step)
	}
	checkWhole(t, c)
	if tmp, _ := filepath.Glob(filepath.Join(dir, runTempPattern)); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}

// TestCheckpointDamageIsAnErrorNeverAPanic cuts a checkpoint at every
// length and flips every byte: each must be refused with a CheckpointError.
func TestCheckpointDamageIsAnErrorNeverAPanic(t *testing.T) {
	b, err := testCheckpoint(4).encode()
	if err != nil {
		t.Fatal(err)
	}
	var ce *CheckpointError
	for n := range len(b) {
		if _, err := decodeCheckpoint("x", b[:n]); !errors.As(err, &ce) {
			t.Fatalf("checkpoint cut at %d of %d bytes: %v", n, len(b), err)
		}
	}
	for i := range b {
		d := bytes.Clone(b)
		d[i] ^= 0x40
		if _, err := decodeCheckpoint("x", d); !errors.As(err, &ce) {
			t.Fatalf("checkpoint with byte %d flipped: %v", i, err)
		}
	}
	if _, err := decodeCheckpoint("x", b); err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointIgnoresTruncatedTemp leaves what a crash mid-write leaves
// (a partial temp file beside the old checkpoint): the old one is read, and
// reopening the run removes the temp file.
func TestCheckpointIgnoresTruncatedTemp(t *testing.T) {
	dir := t.TempDir()
	r, err := createRunDir(dir, fakeConfig(1, dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.writeCheckpoint(testCheckpoint(1)); err != nil {
		t.Fatal(err)
	}
	r.close()
	b, _ := testCheckpoint(2).encode()
	tmp := filepath.Join(dir, ".checkpoint-123.tmp")
	if err := os.WriteFile(tmp, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := readCheckpoint(dir)
	if err != nil || c.Position.Step != 1 {
		t.Fatalf("read %+v, %v; want the old checkpoint 1", c, err)
	}
	r, err = openRunDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r.close()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("truncated temp file not removed: %v", err)
	}
}

// TestCheckpointSurvivesKill kills a process that writes checkpoints as
// fast as it can (SIGKILL, at whatever moment it is in) and then reads the
// run: the checkpoint must be one whole write.
func TestCheckpointSurvivesKill(t *testing.T) {
	if os.Getenv("INLOOP_CHECKPOINT_WRITER") != "" {
		return // the helper runs in TestCheckpointWriterHelper
	}
	for round := range 3 {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCheckpointWriterHelper$")
		cmd.Env = append(os.Environ(), "INLOOP_CHECKPOINT_WRITER="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		for range 5 + 7*round { // let it write a few, then kill it mid-stream
			if !sc.Scan() {
				t.Fatal("writer ended early")
			}
		}
		cmd.Process.Kill()
		cmd.Wait()
		c, err := readCheckpoint(dir)
		if err != nil {
			t.Fatalf("after a kill: %v", err)
		}
		checkWhole(t, c)
		r, err := openRunDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		r.close()
	}
}

// TestCheckpointWriterHelper is the process TestCheckpointSurvivesKill kills.
func TestCheckpointWriterHelper(t *testing.T) {
	dir := os.Getenv("INLOOP_CHECKPOINT_WRITER")
	if dir == "" {
		t.Skip("helper process of TestCheckpointSurvivesKill")
	}
	r, err := createRunDir(dir, fakeConfig(1, dir))
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; ; k++ {
		if err := r.writeCheckpoint(testCheckpoint(k)); err != nil {
			t.Fatal(err)
		}
		r.log(eventRecord{Kind: "checkpoint", Step: k})
		fmt.Println("wrote " + strconv.Itoa(k))
	}
}

func TestMetricsPartialLastLineDropped(t *testing.T) {
	dir := t.TempDir()
	r, err := createRunDir(dir, fakeConfig(1, dir))
	if err != nil {
		t.Fatal(err)
	}
	r.log(eventRecord{Kind: "start"})
	r.metrics.WriteString(`{"kind":"batch","st`) // a crash mid-line
	r.close()
	r, err = openRunDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r.log(eventRecord{Kind: "resume"})
	r.close()
	lines := metricsLines(t, dir) // fails on any invalid line
	if len(lines) != 2 || lines[1]["kind"] != "resume" {
		t.Fatalf("metrics after repair: %v", lines)
	}
}

func TestCreateRunDirRefusesUsedDirectory(t *testing.T) {
	dir := t.TempDir()
	r, err := createRunDir(dir, fakeConfig(1, dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.writeCheckpoint(testCheckpoint(1)); err != nil {
		t.Fatal(err)
	}
	r.close()
	var re *RunDirError
	if _, err := createRunDir(dir, fakeConfig(1, dir)); !errors.As(err, &re) {
		t.Fatalf("second run in %s: %v", dir, err)
	}
}

// createRunDir begins a new run in dir as the trainer does.
func createRunDir(dir string, cfg Config) (*runDir, error) {
	cfg.RunDir, cfg.Resume = dir, ""
	r, _, err := openRun(cfg)
	if err != nil {
		return nil, err
	}
	if err := r.begin(cfg, nil); err != nil {
		r.abort()
		return nil, err
	}
	return r, nil
}

// openRunDir reopens the run in dir to go on writing it, as a resume does
// (without reading its checkpoint).
func openRunDir(dir string) (*runDir, error) {
	r, err := lockRunDir(dir, false)
	if err != nil {
		return nil, err
	}
	if err := r.begin(Config{}, &runCheckpoint{}); err != nil {
		r.abort()
		return nil, err
	}
	return r, nil
}

func TestJSONFloatNonFinite(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{0.25, "0.25"}, {nanValue(), "null"}, {1 / zero(), "null"}} {
		b, err := jsonFloat(c.v).MarshalJSON()
		if err != nil || string(b) != c.want {
			t.Errorf("%v → %s, %v; want %s", c.v, b, err, c.want)
		}
	}
}

func zero() float64     { return 0 }
func nanValue() float64 { return zero() / zero() }
