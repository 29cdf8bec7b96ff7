package slurm

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIndexSpec(t *testing.T) {
	for _, c := range []struct {
		in   []int
		want string
	}{
		{[]int{0}, "0"},
		{[]int{3, 1, 2, 0}, "0-3"},
		{[]int{0, 1, 2, 3, 5, 7, 8, 9}, "0-3,5,7-9"},
		{[]int{9, 7, 7, 1}, "1,7,9"},
	} {
		got, err := IndexSpec(c.in)
		if err != nil || got != c.want {
			t.Errorf("IndexSpec(%v) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range [][]int{nil, {-1}, {0, MaxTasks}} {
		if _, err := IndexSpec(bad); err == nil {
			t.Errorf("IndexSpec(%v) accepted", bad)
		}
	}
}

func TestValidateRejectsWithOneLine(t *testing.T) {
	for _, o := range []Options{
		{Partition: "a b"},
		{Partition: "x\n#SBATCH --array=0-999"},
		{Time: "1h"},
		{Time: "1:2:3:4"},
		{Time: "-5"},
		{CPUsPerTask: -1},
		{Extra: []string{"mem=2G"}},
		{Extra: []string{"--mem=2G\n--array=1"}},
		{Extra: []string{"--array=0-3"}},
		{Extra: []string{"-o/tmp/x"}},
		{Extra: []string{"--output", "x"}},
	} {
		err := o.Validate()
		if err == nil {
			t.Errorf("%+v accepted", o)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "accepted") {
			t.Errorf("%+v: error %q is not one line saying what is accepted", o, msg)
		}
	}
	for _, o := range []Options{
		{},
		{Partition: "debug", Time: "00:30:00", CPUsPerTask: 2, Extra: []string{"--mem=2G", "--account=proj-1", "-N1"}},
		{Time: "90"}, {Time: "1-12"}, {Time: "2-00:30:00"}, {Time: "10:00"},
	} {
		if err := o.Validate(); err != nil {
			t.Errorf("%+v rejected: %v", o, err)
		}
	}
}

// TestScriptRunsTheTaskCommand runs the generated script the way slurmd
// would (SLURM_ARRAY_TASK_ID set) and checks the task's arguments arrive
// intact, quotes and spaces included.
func TestScriptRunsTheTaskCommand(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "prog")
	writeExec(t, prog, `printf '%s\n' "$@" > "`+dir+`/args"; echo "GOMAXPROCS=$GOMAXPROCS" >> "`+dir+`/args"`)
	a := Array{
		Name: "inloop-selfcal", Tasks: []int{4, 0, 1, 2},
		Command:  []string{prog, "experiment", "selfcal", "--out", dir + "/it's here", "$HOME"},
		TaskFlag: "--task", Dir: dir, LogDir: dir + "/logs",
		Options: Options{Partition: "debug", Time: "01:00:00", CPUsPerTask: 2, Extra: []string{"--mem=1G"}},
	}
	text, err := a.Script()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"#SBATCH --job-name=inloop-selfcal", "#SBATCH --array=0-2,4", "#SBATCH --chdir=" + dir,
		"#SBATCH --output=" + dir + "/logs/%A_%a.log", "#SBATCH --partition=debug",
		"#SBATCH --time=01:00:00", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=1G",
	} {
		if !slices.Contains(strings.Split(text, "\n"), line) {
			t.Errorf("script lacks %q:\n%s", line, text)
		}
	}
	// sbatch stops reading #SBATCH lines at the first command.
	lines := strings.Split(text, "\n")
	lastDirective := slices.IndexFunc(lines, func(l string) bool { return !strings.HasPrefix(l, "#") })
	if n := strings.Count(strings.Join(lines[lastDirective:], "\n"), "#SBATCH"); n != 0 {
		t.Errorf("%d #SBATCH lines after the first command", n)
	}
	script := filepath.Join(dir, "job.sbatch")
	writeFile(t, script, text)
	cmd := exec.Command("bash", script)
	cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID=4", "SLURM_CPUS_PER_TASK=2")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("script: %v: %s", err, out)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "args"))
	want := strings.Join([]string{"experiment", "selfcal", "--out", dir + "/it's here", "$HOME", "--task", "4", "GOMAXPROCS=2"}, "\n") + "\n"
	if string(got) != want {
		t.Errorf("task got arguments\n%s\nwant\n%s", got, want)
	}
}

func TestScriptRejectsRelativePaths(t *testing.T) {
	a := Array{Name: "x", Tasks: []int{0}, Command: []string{"inloop"}, Dir: "/d", LogDir: "/d/logs"}
	if _, err := a.Script(); err == nil {
		t.Error("a command without an absolute path was accepted")
	}
	a.Command, a.Dir = []string{"/bin/inloop"}, "d"
	if _, err := a.Script(); err == nil {
		t.Error("a relative working directory was accepted")
	}
}

func TestParseExit(t *testing.T) {
	for _, c := range []struct {
		in        string
		code, sig int
	}{{"0", 0, 0}, {"768", 3, 0}, {"15", 0, 15}, {"3:0", 3, 0}, {"0:15", 0, 15}, {"junk", 0, 0}} {
		if code, sig := parseExit(c.in); code != c.code || sig != c.sig {
			t.Errorf("parseExit(%q) = %d, %d; want %d, %d", c.in, code, sig, c.code, c.sig)
		}
	}
}

func TestPhase(t *testing.T) {
	for state, want := range map[string]Phase{
		"": Gone, "PENDING": Pending, "REQUEUED": Pending, "RUNNING": Running, "COMPLETING": Running,
		"SUSPENDED": Running, "CONFIGURING": Running, "SOME_NEW_STATE": Running, "COMPLETED": Completed,
		"FAILED": Failed, "CANCELLED": Failed, "TIMEOUT": Failed, "NODE_FAIL": Failed, "PREEMPTED": Failed,
		"OUT_OF_MEMORY": Failed,
	} {
		s := TaskState{State: state}
		if got := s.Phase(); got != want {
			t.Errorf("%q: phase %v, want %v", state, got, want)
		}
		if s.Active() != (want == Pending || want == Running) {
			t.Errorf("%q: Active %v", state, s.Active())
		}
	}
}

func TestTail(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "log")
	var b strings.Builder
	for i := range 5000 {
		b.WriteString("line " + string(rune('a'+i%26)) + "\n")
	}
	b.WriteString("epoch 1 10%\repoch 1 50%\repoch 1 100%\n\nstopped: SIGTERM\n")
	writeFile(t, path, b.String())
	got := Tail(path, 3)
	want := []string{"line " + string(rune('a'+4999%26)), "epoch 1 100%", "stopped: SIGTERM"}
	if !slices.Equal(got, want) {
		t.Errorf("Tail = %q, want %q", got, want)
	}
	if got := Tail(filepath.Join(dir, "missing"), 3); got != nil {
		t.Errorf("Tail of a missing file = %q", got)
	}
}

// fakeSlurm puts fake sbatch, squeue and sacct on PATH (and nothing else).
// Each logs its arguments to calls.log; sbatch prints sbatch.out and exits
// with sbatch.rc, squeue and sacct likewise.
type fakeSlurm struct{ dir string }

func newFakeSlurm(t *testing.T, commands ...string) fakeSlurm {
	dir := t.TempDir()
	for _, name := range commands {
		writeExec(t, filepath.Join(dir, name), `
d=`+dir+`
echo "`+name+` $*" >> "$d/calls.log"
[ -f "$d/`+name+`.out" ] && /bin/cat "$d/`+name+`.out"
[ -f "$d/`+name+`.err" ] && /bin/cat "$d/`+name+`.err" >&2
exit $(/bin/cat "$d/`+name+`.rc" 2>/dev/null || echo 0)`)
	}
	t.Setenv("PATH", dir)
	return fakeSlurm{dir}
}

func (f fakeSlurm) set(t *testing.T, name, out, errOut string, rc int) {
	writeFile(t, filepath.Join(f.dir, name+".out"), out)
	writeFile(t, filepath.Join(f.dir, name+".err"), errOut)
	writeFile(t, filepath.Join(f.dir, name+".rc"), string(rune('0'+rc)))
}

func (f fakeSlurm) calls(name string) []string {
	b, _ := os.ReadFile(filepath.Join(f.dir, "calls.log"))
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, name+" ") {
			out = append(out, l)
		}
	}
	return out
}

func testArray(dir string) Array {
	return Array{Name: "inloop-test", Command: []string{"/bin/true"}, TaskFlag: "--task", Dir: dir}
}

func TestSubmitWithoutSbatch(t *testing.T) {
	newFakeSlurm(t) // PATH holds no Slurm command at all
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Submit(context.Background(), testArray(s.Dir()), []int{0, 1})
	var me *MissingCommandError
	if !errors.As(err, &me) || me.Name != "sbatch" || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v, want one line saying sbatch is not on PATH", err)
	}
	assertNothingSubmitted(t, s)
}

func TestSubmitRejectedBySlurm(t *testing.T) {
	f := newFakeSlurm(t, "sbatch", "squeue", "sacct")
	f.set(t, "sbatch", "", "sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified\n", 1)
	s, _ := Open(t.TempDir())
	_, err := s.Submit(context.Background(), testArray(s.Dir()), []int{0, 1})
	if err == nil {
		t.Fatal("a rejected submission gave no error")
	}
	want := "Slurm rejected the job array, nothing was submitted: invalid partition specified: nope; Batch job submission failed: Invalid partition name specified"
	if err.Error() != want {
		t.Errorf("error\n%q\nwant\n%q", err, want)
	}
	assertNothingSubmitted(t, s)
}

func TestSubmitRefusesWhenSlurmCannotBeAsked(t *testing.T) {
	f := newFakeSlurm(t, "sbatch", "squeue", "sacct")
	f.set(t, "sbatch", "41\n", "", 0)
	s, _ := Open(t.TempDir())
	if _, err := s.Submit(context.Background(), testArray(s.Dir()), []int{0, 1}); err != nil {
		t.Fatal(err)
	}
	f.set(t, "squeue", "", "squeue: error: slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n", 1)
	_, err := s.Submit(context.Background(), testArray(s.Dir()), []int{0, 1})
	if err == nil || !strings.Contains(err.Error(), "Unable to contact slurm controller") || !strings.Contains(err.Error(), "nothing was submitted") {
		t.Fatalf("error %v, want Slurm's message and that nothing was submitted", err)
	}
	if n := len(f.calls("sbatch")); n != 1 {
		t.Errorf("sbatch ran %d times, want 1 (only the first submission)", n)
	}
}

func TestSubmitGarbledJobID(t *testing.T) {
	f := newFakeSlurm(t, "sbatch", "squeue", "sacct")
	f.set(t, "sbatch", "Submitted batch job 12\n", "", 0)
	s, _ := Open(t.TempDir())
	_, err := s.Submit(context.Background(), testArray(s.Dir()), []int{0})
	if err == nil || !strings.Contains(err.Error(), "check squeue") {
		t.Fatalf("error %v, want a warning to check squeue", err)
	}
}

// TestResubmitSkipsPendingAndRunning: after a first array, Slurm reports its
// tasks pending, running, failed and completed; a second submission sends
// only the ended ones, and the record holds both arrays.
func TestResubmitSkipsPendingAndRunning(t *testing.T) {
	f := newFakeSlurm(t, "sbatch", "squeue", "sacct")
	f.set(t, "sbatch", "42;cluster\n", "", 0)
	s, _ := Open(t.TempDir())
	ctx := context.Background()
	res, err := s.Submit(ctx, testArray(s.Dir()), []int{0, 1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Job != "42" || !slices.Equal(res.Tasks, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("first submission %+v", res)
	}
	// Task 4 is in neither squeue nor sacct: Slurm forgot it. A task of
	// another job whose own id is 42 must not be taken for ours.
	f.set(t, "squeue", "42|0|PENDING|Resources|0|\n42|1|RUNNING|None|0|\n42|2|FAILED|NonZeroExitCode|768|\n7|3|RUNNING|None|0|\n", "", 0)
	f.set(t, "sacct", "42_3|CANCELLED by 0|0:15\n42_[0-1]|PENDING|0:0\n", "", 0)
	st, err := s.Status(ctx, []int{0, 1, 2, 3, 4, 5})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		phase Phase
		desc  string
	}{
		{Pending, "PENDING (Resources)"}, {Running, "RUNNING"}, {Failed, "FAILED, exit code 3"},
		{Failed, "CANCELLED, signal 15"}, {Gone, "no longer known to Slurm"}, {Gone, "no longer known to Slurm"},
	}
	for i, w := range want {
		if st[i].State.Phase() != w.phase || st[i].State.Describe() != w.desc {
			t.Errorf("task %d: %v %q, want %v %q", i, st[i].State.Phase(), st[i].State.Describe(), w.phase, w.desc)
		}
	}
	if st[2].Log != filepath.Join(s.Dir(), "logs", "42_2.log") || st[5].Job != "" || st[5].Log != "" {
		t.Errorf("logs %q, %q; job of a task never submitted %q", st[2].Log, st[5].Log, st[5].Job)
	}

	f.set(t, "sbatch", "43\n", "", 0)
	res, err = s.Submit(ctx, testArray(s.Dir()), []int{0, 1, 2, 3, 4, 5})
	if err != nil {
		t.Fatal(err)
	}
	if res.Job != "43" || !slices.Equal(res.Tasks, []int{2, 3, 4, 5}) || len(res.Active) != 2 {
		t.Fatalf("second submission %+v, want job 43 with tasks 2-5 and 0, 1 left active", res)
	}
	script, _ := os.ReadFile(res.Script)
	if !strings.Contains(string(script), "#SBATCH --array=2-5\n") {
		t.Errorf("second script:\n%s", script)
	}
	subs, err := s.Submissions()
	if err != nil || len(subs) != 2 || subs[1].Job != "43" || subs[1].Script != "array-2.sbatch" {
		t.Fatalf("record %+v, %v", subs, err)
	}

	// Everything still pending: nothing is submitted, sbatch is not run.
	f.set(t, "squeue", "42|0|PENDING|Resources|0|\n42|1|PENDING|Resources|0|\n43|2|PENDING|Priority|0|\n43|3|PENDING|Priority|0|\n43|4|RUNNING|None|0|\n43|5|PENDING|Priority|0|\n", "", 0)
	res, err = s.Submit(ctx, testArray(s.Dir()), []int{0, 1, 2, 3, 4, 5})
	if err != nil || res.Job != "" || len(res.Tasks) != 0 || len(res.Active) != 6 {
		t.Fatalf("third submission %+v, %v; want nothing submitted", res, err)
	}
	if n := len(f.calls("sbatch")); n != 2 {
		t.Errorf("sbatch ran %d times, want 2", n)
	}
	// squeue was asked about both arrays, with pending tasks one per line.
	q := f.calls("squeue")
	if last := q[len(q)-1]; !strings.Contains(last, "--jobs=42,43") || !strings.Contains(last, "--array") {
		t.Errorf("squeue call %q", last)
	}
}

// TestStatusOfForgottenJobs: squeue rejects a job list Slurm has forgotten
// entirely; that is no error, and sacct's answer is used.
func TestStatusOfForgottenJobs(t *testing.T) {
	f := newFakeSlurm(t, "sbatch", "squeue", "sacct")
	f.set(t, "sbatch", "42\n", "", 0)
	s, _ := Open(t.TempDir())
	ctx := context.Background()
	if _, err := s.Submit(ctx, testArray(s.Dir()), []int{0, 1}); err != nil {
		t.Fatal(err)
	}
	f.set(t, "squeue", "", "slurm_load_jobs error: Invalid job id specified\n", 1)
	f.set(t, "sacct", "42_0|TIMEOUT|0:15\n42_1|COMPLETED|0:0\n", "", 0)
	st, err := s.Status(ctx, []int{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	if st[0].State.Describe() != "TIMEOUT, signal 15" || st[1].State.Phase() != Completed {
		t.Errorf("states %+v", st)
	}
	// No accounting on this cluster: sacct fails, the tasks are Gone.
	f.set(t, "sacct", "", "Slurm accounting storage is disabled\n", 1)
	st, err = s.Status(ctx, []int{0, 1})
	if err != nil || st[0].State.Phase() != Gone || st[1].State.Phase() != Gone {
		t.Errorf("without accounting: %+v, %v", st, err)
	}
}

func TestDamagedRecord(t *testing.T) {
	s, _ := Open(t.TempDir())
	writeFile(t, filepath.Join(s.Dir(), recordFile), `{"submissions":[{"job":"1; rm -rf /","tasks":[0]}]}`)
	if _, err := s.Submissions(); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("a record with a bad job id: %v", err)
	}
	writeFile(t, filepath.Join(s.Dir(), recordFile), `{"submissions":[`)
	if _, err := s.Submissions(); err == nil || !strings.Contains(err.Error(), "move it away") {
		t.Errorf("a truncated record: %v", err)
	}
}

func assertNothingSubmitted(t *testing.T, s *Sweep) {
	t.Helper()
	if subs, err := s.Submissions(); err != nil || len(subs) != 0 {
		t.Errorf("record after a failed submission: %+v, %v", subs, err)
	}
	if m, _ := filepath.Glob(filepath.Join(s.Dir(), "*.sbatch")); len(m) != 0 {
		t.Errorf("scripts left after a failed submission: %v", m)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeExec(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}
