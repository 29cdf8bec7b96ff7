package slurm

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRealSlurm submits to the Slurm on PATH (scripts/slurm/start.sh; .ci/run
// starts it and sets INLOOP_SLURM=1): an array whose task 1 fails, a second
// submission while it is pending or running (nothing sent), Slurm's own
// rejection of a bad partition, and a resubmission of the failed task.
func TestRealSlurm(t *testing.T) {
	if os.Getenv("INLOOP_SLURM") != "1" {
		t.Skip("set INLOOP_SLURM=1 with a running Slurm (scripts/slurm/start.sh)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	prog := filepath.Join(dir, "task")
	// Task 1 fails while the marker file is absent; the marker lets the
	// resubmission succeed.
	writeExec(t, prog, `echo "task $2 running"
sleep 2
if [ "$2" = 1 ] && [ ! -f "`+dir+`/fixed" ]; then echo "task 1 gives up"; exit 3; fi
echo "task $2 done"`)
	s, err := Open(filepath.Join(dir, "slurm"))
	if err != nil {
		t.Fatal(err)
	}
	a := Array{Name: "inloop-slurm-test", Command: []string{prog}, TaskFlag: "--task", Dir: dir}

	bad := a
	bad.Partition = "no-such-partition"
	if _, err := s.Submit(ctx, bad, []int{0}); err == nil || !strings.Contains(err.Error(), "Slurm rejected the job array") || !strings.Contains(err.Error(), "partition") {
		t.Fatalf("a bad partition: %v", err)
	}

	first, err := s.Submit(ctx, a, []int{0, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Command("scancel", first.Job).Run()
	again, err := s.Submit(ctx, a, []int{0, 1, 2})
	if err != nil || again.Job != "" || len(again.Active) != 3 {
		t.Fatalf("second submission while the first is queued: %+v, %v", again, err)
	}

	st := waitEnded(t, s, []int{0, 1, 2})
	for i, want := range []Phase{Completed, Failed, Completed} {
		if st[i].State.Phase() != want {
			t.Errorf("task %d: %s, want %v", i, st[i].State.Describe(), want)
		}
	}
	if st[1].State.ExitCode != 3 {
		t.Errorf("task 1 exit code %d, want 3", st[1].State.ExitCode)
	}
	if tail := Tail(st[1].Log, 2); !slices.Equal(tail, []string{"task 1 running", "task 1 gives up"}) {
		t.Errorf("task 1's log tail %q", tail)
	}

	writeFile(t, filepath.Join(dir, "fixed"), "")
	second, err := s.Submit(ctx, a, []int{1})
	if err != nil || second.Job == "" || second.Job == first.Job || !slices.Equal(second.Tasks, []int{1}) {
		t.Fatalf("resubmission of task 1: %+v, %v", second, err)
	}
	defer exec.Command("scancel", second.Job).Run()
	st = waitEnded(t, s, []int{1})
	if st[0].State.Phase() != Completed || st[0].Job != second.Job {
		t.Errorf("resubmitted task 1: job %s %s", st[0].Job, st[0].State.Describe())
	}
}

// waitEnded polls until no task is pending or running (at most 2 minutes).
func waitEnded(t *testing.T, s *Sweep, tasks []int) []Task {
	t.Helper()
	for range 600 {
		st, err := s.Status(context.Background(), tasks)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(st, func(x Task) bool { return x.State.Active() }) {
			return st
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("the tasks did not end within 2 minutes")
	return nil
}
