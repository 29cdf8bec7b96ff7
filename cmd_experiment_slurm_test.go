package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSlurmPath puts fake sbatch, squeue and sacct (and nothing else) on
// PATH. Each logs its call to calls.log and prints NAME.out with exit code
// NAME.rc; sbatch prints 77 by default. The array tasks would run a fake
// inloop binary: a test binary is not inloop.
func fakeSlurmPath(t *testing.T, commands ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range commands {
		body := "#!/bin/sh\nd=" + dir + "\necho \"" + name + " $*\" >> \"$d/calls.log\"\n" +
			"[ -f \"$d/" + name + ".out\" ] && /bin/cat \"$d/" + name + ".out\"\n" +
			"[ -f \"$d/" + name + ".err\" ] && /bin/cat \"$d/" + name + ".err\" >&2\n" +
			"exit $(/bin/cat \"$d/" + name + ".rc\" 2>/dev/null || echo 0)\n"
		writeTestFile(t, filepath.Join(dir, name), body, 0o755)
	}
	writeTestFile(t, filepath.Join(dir, "sbatch.out"), "77\n", 0o644)
	t.Setenv("PATH", dir)
	exe := filepath.Join(dir, "inloop")
	writeTestFile(t, exe, "", 0o755)
	old := executable
	executable = func() (string, error) { return exe, nil }
	t.Cleanup(func() { executable = old })
	return dir
}

func writeTestFile(t *testing.T, path, body string, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), perm); err != nil {
		t.Fatal(err)
	}
}

func slurmCalls(dir, name string) int {
	b, _ := os.ReadFile(filepath.Join(dir, "calls.log"))
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, name+" ") {
			n++
		}
	}
	return n
}

func runExperiment(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(append([]string{"experiment"}, args...), nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

// oneLineError checks the command failed with exit 2 and one line on stderr
// containing want.
func oneLineError(t *testing.T, code int, stderr, want string) {
	t.Helper()
	if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want exit 2 and one line containing %q", code, stderr, want)
	}
}

func TestExperimentSlurmBadInput(t *testing.T) {
	fake := fakeSlurmPath(t, "sbatch", "squeue", "sacct")
	out := filepath.Join(t.TempDir(), "exp")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--partition", "debug"}, "--partition applies only with --slurm or --slurm-script"},
		{[]string{"--slurm", "--task", "0"}, "give one of them"},
		{[]string{"--slurm", "--workers", "2"}, "--cpus-per-task"},
		{[]string{"--slurm", "--slurm-script", "x.sh"}, "not both"},
		{[]string{"--slurm", "--time", "2h"}, "accepted are Slurm's forms"},
		{[]string{"--slurm", "--cpus-per-task", "0"}, "accepted: 1 to 4096"},
		{[]string{"--slurm", "--partition", "a;b"}, "accepted is a partition name"},
		{[]string{"--slurm", "--sbatch-arg", "--array=0-99"}, "inloop sets --array itself"},
		{[]string{"--slurm", "--sbatch-arg", "mem=2G"}, "accepted is one sbatch option"},
	} {
		code, _, stderr := runExperiment(append([]string{"selfcal", "--quick", "--out", out}, c.args...)...)
		oneLineError(t, code, stderr, c.want)
	}
	code, _, stderr := runExperiment("status", "--out", out, "--slurm")
	oneLineError(t, code, stderr, "status lists the runs")
	if n := slurmCalls(fake, "sbatch"); n != 0 {
		t.Errorf("sbatch ran %d times on bad input", n)
	}
}

func TestExperimentSlurmWithoutSbatch(t *testing.T) {
	fakeSlurmPath(t) // no Slurm command on PATH
	out := filepath.Join(t.TempDir(), "exp")
	code, _, stderr := runExperiment("selfcal", "--quick", "--out", out, "--slurm")
	oneLineError(t, code, stderr, "sbatch not found on PATH")
	if !strings.Contains(stderr, "nothing was submitted") {
		t.Errorf("stderr %q does not say nothing was submitted", stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "slurm", "jobs.json")); err == nil {
		t.Error("a record of a submission that never happened")
	}
}

func TestExperimentSlurmRejected(t *testing.T) {
	fake := fakeSlurmPath(t, "sbatch", "squeue", "sacct")
	writeTestFile(t, filepath.Join(fake, "sbatch.out"), "", 0o644)
	writeTestFile(t, filepath.Join(fake, "sbatch.err"), "sbatch: error: invalid partition specified: gpu\nsbatch: error: Batch job submission failed: Invalid partition name specified\n", 0o644)
	writeTestFile(t, filepath.Join(fake, "sbatch.rc"), "1", 0o644)
	out := filepath.Join(t.TempDir(), "exp")
	code, _, stderr := runExperiment("selfcal", "--quick", "--out", out, "--slurm", "--partition", "gpu")
	oneLineError(t, code, stderr, "Slurm rejected the job array, nothing was submitted: invalid partition specified: gpu; Batch job submission failed: Invalid partition name specified")
	if m, _ := filepath.Glob(filepath.Join(out, "slurm", "*.*")); len(m) != 0 {
		t.Errorf("a record or script left by a rejected submission: %v", m)
	}
}

func TestExperimentSlurmOutHoldsAnotherExperiment(t *testing.T) {
	fake := fakeSlurmPath(t, "sbatch", "squeue", "sacct")
	out := filepath.Join(t.TempDir(), "exp")
	if code, _, stderr := runExperiment("sparsity", "--quick", "--dataset", "yinyang", "--out", out, "--slurm"); code != 0 {
		t.Fatalf("first submission: exit %d, %s", code, stderr)
	}
	code, _, stderr := runExperiment("selfcal", "--quick", "--out", out, "--slurm")
	oneLineError(t, code, stderr, "holds another experiment")
	if n := slurmCalls(fake, "sbatch"); n != 1 {
		t.Errorf("sbatch ran %d times, want 1 (the first experiment only)", n)
	}
}

func TestExperimentSlurmScriptOnly(t *testing.T) {
	fake := fakeSlurmPath(t, "sbatch", "squeue", "sacct")
	dir := t.TempDir()
	out, script := filepath.Join(dir, "exp"), filepath.Join(dir, "selfcal.sbatch")
	code, stdout, stderr := runExperiment("selfcal", "--quick", "--out", out, "--slurm-script", script,
		"--time", "00:20:00", "--cpus-per-task", "2", "--sbatch-arg", "--mem=1G")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "submit it with: sbatch "+script) {
		t.Errorf("stdout %q", stdout)
	}
	b, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"#SBATCH --array=0-7\n", "#SBATCH --time=00:20:00\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --mem=1G\n",
		"#SBATCH --output=" + out + "/slurm/logs/%A_%a.log\n",
		"exec " + filepath.Join(fake, "inloop") + " experiment selfcal --out " + out + " --task \"$SLURM_ARRAY_TASK_ID\"\n",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("script lacks %q:\n%s", want, b)
		}
	}
	if n := slurmCalls(fake, "sbatch"); n != 0 {
		t.Errorf("--slurm-script ran sbatch %d times", n)
	}
}

// TestExperimentSlurmStatus: after a submission the plain command trains
// nothing here; it lists each run with Slurm's state, and a failed task with
// the tail of its log.
func TestExperimentSlurmStatus(t *testing.T) {
	fake := fakeSlurmPath(t, "sbatch", "squeue", "sacct")
	out := filepath.Join(t.TempDir(), "exp")
	code, stdout, stderr := runExperiment("selfcal", "--quick", "--out", out, "--slurm")
	if code != 0 || !strings.HasPrefix(stdout, "submitted job 77: runs 0-7 of "+out+" (8 of 8)") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	writeTestFile(t, filepath.Join(fake, "squeue.out"),
		"77|0|RUNNING|None|0|\n77|1|FAILED|NonZeroExitCode|256|\n77|2|PENDING|Resources|0|\n77|3|TIMEOUT|TimeLimit|15|\n", 0o644)
	writeTestFile(t, filepath.Join(fake, "sacct.err"), "Slurm accounting storage is disabled\n", 0o644)
	writeTestFile(t, filepath.Join(fake, "sacct.rc"), "1", 0o644)
	writeTestFile(t, filepath.Join(out, "slurm", "logs", "77_1.log"), "run 1 of 8\ninloop: run 1 (chip-sd0-s1): no space left on device\n", 0o644)

	code, stdout, stderr = runExperiment("selfcal", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"    0  chip-sd0-s0              running (job 77_0)\n",
		"    1  chip-sd0-s1              failed: FAILED, exit code 1 (job 77_1); log " + out + "/slurm/logs/77_1.log\n" +
			"         | run 1 of 8\n         | inloop: run 1 (chip-sd0-s1): no space left on device\n",
		"    2  transfer-sd0-s0          pending (job 77_2: PENDING (Resources))\n",
		"    3  transfer-sd0-s1          failed: TIMEOUT, signal 15 (TimeLimit) (job 77_3)",
		"    4  chip-sd0.3-s0            not started (job 77_4 is no longer known to Slurm)\n",
		"8 runs: 1 running, 2 failed, 1 pending, 4 not started\n",
		"inloop experiment selfcal --out " + out + " --slurm\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("listing lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "runs")); err == nil {
		t.Error("the plain command trained runs here that Slurm was given")
	}

	// Slurm cannot be asked: the listing still shows the jobs, from the record.
	writeTestFile(t, filepath.Join(fake, "squeue.out"), "", 0o644)
	writeTestFile(t, filepath.Join(fake, "squeue.err"), "squeue: error: Unable to contact slurm controller (connect failure)\n", 0o644)
	writeTestFile(t, filepath.Join(fake, "squeue.rc"), "1", 0o644)
	code, stdout, _ = runExperiment("status", "--out", out)
	if code != 0 || !strings.Contains(stdout, "Slurm could not be asked how the runs stand (squeue: Unable to contact slurm controller (connect failure))") ||
		!strings.Contains(stdout, "    0  chip-sd0-s0              not started (job 77_0 state unknown)\n") {
		t.Errorf("exit %d, listing without Slurm:\n%s", code, stdout)
	}
	// ... and nothing is submitted while Slurm cannot say what runs.
	code, _, stderr = runExperiment("selfcal", "--out", out, "--slurm")
	if code != 1 || !strings.Contains(stderr, "nothing was submitted") || slurmCalls(fake, "sbatch") != 1 {
		t.Errorf("submission without squeue: exit %d, %q, sbatch calls %d", code, stderr, slurmCalls(fake, "sbatch"))
	}
}
