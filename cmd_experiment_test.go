package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExperimentBadInputExit2OneLine(t *testing.T) {
	held := t.TempDir()
	if code := run([]string{"experiment", "selfcal", "--quick", "--seeds", "1", "--out", held, "status"}, nil, &bytes.Buffer{}, &bytes.Buffer{}); code != 2 {
		t.Fatalf("stray argument accepted: exit %d", code)
	}
	// a directory holding a selfcal plan (written without training: --task with a bad index)
	var e bytes.Buffer
	if code := run([]string{"experiment", "selfcal", "--quick", "--seeds", "1", "--out", held, "--task", "99"}, nil, &bytes.Buffer{}, &e); code != 2 {
		t.Fatalf("--task 99: exit %d %s", code, e.String())
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{}, "no experiment named (accepted: selfcal, sparsity, latency, robustness, table1, status"},
		{[]string{"nope", "--out", t.TempDir()}, `unknown experiment "nope" (accepted: selfcal, sparsity, latency, robustness, table1)`},
		{[]string{"selfcal"}, "--out DIR is required"},
		{[]string{"selfcal", "--out", t.TempDir(), "--seeds", "0"}, "--seeds 0 is not accepted (accepted: 1 to 100)"},
		{[]string{"selfcal", "--out", t.TempDir(), "--epochs", "-2"}, "--epochs -2 is not accepted"},
		{[]string{"selfcal", "--out", t.TempDir(), "--workers", "0"}, "--workers 0 is not accepted (accepted: 1 to 64)"},
		{[]string{"selfcal", "--out", t.TempDir(), "--dataset", "cifar"}, `dataset "cifar" is not accepted by selfcal`},
		{[]string{"sparsity", "--out", t.TempDir(), "--dataset", "shd"}, `dataset "shd" is not accepted by sparsity`},
		{[]string{"selfcal", "--out", t.TempDir(), "--chip-seed", "0"}, "--chip-seed 0 is not accepted"},
		{[]string{"selfcal", "--out", t.TempDir(), "--data-dir", file}, "is not a directory"},
		{[]string{"selfcal", "--out", file}, "is a file"},
		{[]string{"robustness", "--out", held}, "holds another experiment: experiment robustness (it has selfcal)"},
		{[]string{"selfcal", "--out", held, "--seeds", "3"}, "holds another experiment: --seeds 3 (it has 1)"},
		{[]string{"selfcal", "--out", held, "--task", "4"}, "--task 4 is not in the plan"},
		{[]string{"status", "--out", t.TempDir()}, "holds no experiment"},
		{[]string{"selfcal", "--out", held, "--bogus"}, "flag provided but not defined: -bogus"},
	} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"experiment"}, c.args...), nil, &out, &errOut)
		msg := errOut.String()
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", c.args, code, msg)
		}
		if !strings.Contains(msg, c.want) || strings.Count(strings.TrimSpace(msg), "\n") != 0 || out.Len() != 0 {
			t.Errorf("%v: stderr %q, want one line containing %q and no stdout", c.args, msg, c.want)
		}
	}
}

// TestExperimentTaskThenStatus runs one task of a plan from the command
// line, then collects: the table shows it done and the others not started.
func TestExperimentTaskThenStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("trains one Yin-Yang epoch")
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"experiment", "selfcal", "--quick", "--seeds", "1", "--epochs", "1", "--out", out, "--task", "0", "--json"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var res struct {
		Index        int     `json:"index"`
		TestAccuracy float64 `json:"test_accuracy"`
		Series       string  `json:"series"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || res.Series != "in the loop" || !(res.TestAccuracy > 0.3) {
		t.Fatalf("result %q: %v", stdout.String(), err)
	}
	stdout.Reset()
	if code := run([]string{"experiment", "status", "--out", out}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("status: exit %d: %s", code, stderr.String())
	}
	s := stdout.String()
	if !strings.Contains(s, "runs: 1 done, 0 interrupted, 3 not started (of 4)") || !strings.Contains(s, "in the loop") {
		t.Fatalf("status table:\n%s", s)
	}
	for _, f := range []string{"results.csv", "summary.csv", "figure.svg", "figure.png", "experiment.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
