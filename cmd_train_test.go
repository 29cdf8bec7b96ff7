package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestTrainBadFlagsExit2OneLine(t *testing.T) {
	used := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--epochs", "0"}, "--epochs 0 is out of range (accepted: an integer in [1, 100000])"},
		{[]string{"--epochs", "x"}, "--epochs x is not a number"},
		{[]string{"--batch", "0"}, "--batch 0 is out of range (accepted: an integer in [1, 1000] samples)"},
		{[]string{"--lr", "-1"}, "--lr -1 is out of range"},
		{[]string{"--mode", "gpu"}, "--mode gpu is not a mode (accepted: chip, software or transfer)"},
		{[]string{"--dataset", "cifar"}, "accepted: yinyang, mnist, fashion-mnist, shd"},
		{[]string{"--calibration", "half"}, "accepted: calibrated, uncalibrated"},
		{[]string{"--decalibrate", "2"}, "--decalibrate 2 is out of range (accepted: a number in [0, 1])"},
		{[]string{"--decalibrate", "0.2", "--calibration", "uncalibrated"}, "needs --calibration calibrated"},
		{[]string{"--hidden", "999"}, "1 to 256"},
		{[]string{"--chip-seed", "-1"}, "--chip-seed -1 is not a whole number"},
		{[]string{"--data-dir", filepath.Join(used, "nope")}, "not a directory"},
		{[]string{"--resume", filepath.Join(used, "nope")}, "not a run directory"},
		{[]string{"--resume", used}, "checkpoint"},
		{[]string{"--resume", used, "--seed", "3"}, "--seed cannot change a resumed run"},
		{[]string{"--targets", "leak=90,foo=3"}, `--targets leak=90,foo=3 has "foo", not a calibration target`},
		{[]string{"--spike-reg", "2"}, "--spike-reg 2 is out of range (accepted: a number in [0, 1])"},
		{[]string{"--dropout", "x"}, "--dropout x is not a number"},
		{[]string{"--resume", used, "--lr", "2"}, "--lr 2 is out of range"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"train"}, c.args...), nil, &out, &errOut)
		msg := errOut.String()
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", c.args, code, msg)
		}
		if !strings.Contains(msg, c.want) || strings.Count(strings.TrimSpace(msg), "\n") != 0 || out.Len() != 0 {
			t.Errorf("%v: stderr %q, want one line containing %q and no stdout", c.args, msg, c.want)
		}
	}
}

// tinyRun is a Yin-Yang run small enough for a unit test.
var tinyRun = []string{"train", "--epochs", "1", "--hidden", "16", "--json"}

func TestTrainJSONSummary(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(tinyRun, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("stdout is not one line: %q", out.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"dataset", "mode", "epochs", "train_accuracy", "test_accuracy", "test_loss",
		"hidden_spikes_per_sample", "samples_per_second", "wall_seconds", "chip_seed", "seed"} {
		if _, ok := m[k]; !ok {
			t.Errorf("summary lacks %q: %s", k, out.String())
		}
	}
	if m["dataset"] != "yinyang" || m["mode"] != "chip" || m["epochs"] != 1.0 || m["chip_seed"] != 1.0 {
		t.Errorf("summary %s", out.String())
	}
	if acc := m["test_accuracy"].(float64); !(acc > 0.34 && acc <= 1) {
		t.Errorf("test accuracy %v: the tiny run learned nothing", acc)
	}
	if !strings.Contains(errOut.String(), "epoch 1/1") {
		t.Errorf("stderr shows no epoch line:\n%s", errOut.String())
	}
}

// TestTrainRunDirResume trains one epoch into a run directory, refuses a
// second new run there, and resumes it: a finished run resumes to the same
// summary, and --epochs 2 continues it to the result of a two-epoch run.
func TestTrainRunDirResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	var out, errOut bytes.Buffer
	if code := run(append(tinyRun, "--run-dir", dir), nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, f := range []string{"config.json", "metrics.jsonl", "checkpoint.bin"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run directory lacks %s", f)
		}
	}
	var first map[string]any
	json.Unmarshal(out.Bytes(), &first)

	out.Reset()
	errOut.Reset()
	if code := run(append(tinyRun, "--run-dir", dir), nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "--resume") {
		t.Errorf("a new run in a used directory: exit %d, %s", code, errOut.String())
	}

	out.Reset()
	errOut.Reset()
	if code := run([]string{"train", "--resume", dir, "--epochs", "2", "--json"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errOut.String())
	}
	var resumed map[string]any
	json.Unmarshal(out.Bytes(), &resumed)

	var whole bytes.Buffer
	errOut.Reset()
	if code := run([]string{"train", "--epochs", "2", "--hidden", "16", "--json"}, nil, &whole, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var uninterrupted map[string]any
	json.Unmarshal(whole.Bytes(), &uninterrupted)
	for _, k := range []string{"test_accuracy", "test_loss", "train_accuracy", "hidden_spikes_per_sample", "steps", "epochs"} {
		if resumed[k] != uninterrupted[k] {
			t.Errorf("%s: resumed %v, uninterrupted %v", k, resumed[k], uninterrupted[k])
		}
	}
	if first["test_accuracy"] == resumed["test_accuracy"] && first["test_loss"] == resumed["test_loss"] {
		t.Errorf("the resumed run did not train on: %v", resumed)
	}
}

// TestTrainSIGINTStopsWithCheckpoint runs `inloop train` in a child process
// (this test binary), interrupts it after its first epoch and checks that
// it stopped cleanly with a checkpoint that --resume continues.
func TestTrainSIGINTStopsWithCheckpoint(t *testing.T) {
	if args := os.Getenv("INLOOP_TRAIN_CHILD"); args != "" {
		os.Exit(run(strings.Fields(args), nil, os.Stdout, os.Stderr))
	}
	dir := filepath.Join(t.TempDir(), "run")
	cmd := exec.Command(os.Args[0], "-test.run=^TestTrainSIGINTStopsWithCheckpoint$")
	cmd.Env = append(os.Environ(), "INLOOP_TRAIN_CHILD=train --epochs 1000 --hidden 16 --json --run-dir "+dir)
	var out bytes.Buffer
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	var seen []string
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if strings.HasPrefix(sc.Text(), "epoch 1/1000") {
			break
		}
	}
	cmd.Process.Signal(os.Interrupt)
	for sc.Scan() {
		seen = append(seen, sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("interrupted train: %v\n%s", err, strings.Join(seen, "\n"))
	}
	var sum map[string]any
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("stdout %q: %v", out.String(), err)
	}
	if sum["completed"] != false || sum["run_dir"] != dir {
		t.Fatalf("summary after SIGINT: %v", sum)
	}
	if !strings.Contains(strings.Join(seen, "\n"), "--resume "+dir) {
		t.Errorf("stderr does not say how to resume:\n%s", strings.Join(seen, "\n"))
	}
	var resumed bytes.Buffer
	var errOut bytes.Buffer
	epochs := int(sum["epochs"].(float64)) + 1 // finish the epoch it stopped in
	if code := run([]string{"train", "--resume", dir, "--epochs", strconv.Itoa(epochs), "--json"}, nil, &resumed, &errOut); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errOut.String())
	}
	var rs map[string]any
	json.Unmarshal(resumed.Bytes(), &rs)
	if rs["completed"] != true || rs["epochs"] != float64(epochs) || rs["steps"].(float64) <= sum["steps"].(float64) {
		t.Errorf("resumed to %v", rs)
	}
}
