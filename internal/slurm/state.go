package slurm

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Phase is where a task stands as far as Slurm is concerned.
type Phase int

const (
	Gone      Phase = iota // Slurm no longer knows the task (it ended long ago, or never ran)
	Pending                // waiting for resources, held or requeued
	Running                // allocated: running, starting, completing or suspended
	Completed              // ended with exit code 0
	Failed                 // ended otherwise: failed, cancelled, timed out, node failure, preempted, out of memory
)

func (p Phase) String() string {
	switch p {
	case Pending:
		return "pending"
	case Running:
		return "running"
	case Completed:
		return "completed"
	case Failed:
		return "failed"
	}
	return "gone"
}

// TaskState is one array task as squeue or sacct reports it.
type TaskState struct {
	Job      string // the array's job id
	Task     int    // the array index
	State    string // Slurm's state name: PENDING, RUNNING, TIMEOUT, CANCELLED, ...
	Reason   string // why it waits or ended, as Slurm says ("" for None)
	ExitCode int    // the program's exit status
	Signal   int    // the signal that ended it; 0 if none
}

// Phase classifies the state. A state this package does not know is taken
// as running: never resubmit what might still run.
func (s TaskState) Phase() Phase {
	switch s.State {
	case "":
		return Gone
	case "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "SPECIAL_EXIT":
		return Pending
	case "COMPLETED":
		return Completed
	case "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY",
		"BOOT_FAIL", "DEADLINE", "REVOKED":
		return Failed
	}
	return Running
}

// Active reports whether the task is pending or running: submitting it again
// would run it twice.
func (s TaskState) Active() bool { p := s.Phase(); return p == Pending || p == Running }

// Describe is the state for people: "TIMEOUT", "FAILED, exit code 3",
// "CANCELLED by signal 15", "PENDING (Resources)".
func (s TaskState) Describe() string {
	d := s.State
	if d == "" {
		return "no longer known to Slurm"
	}
	switch {
	case s.Signal != 0:
		d += fmt.Sprintf(", signal %d", s.Signal)
	case s.ExitCode != 0:
		d += fmt.Sprintf(", exit code %d", s.ExitCode)
	}
	if s.Reason != "" && s.Reason != "None" && s.Reason != "NonZeroExitCode" {
		d += " (" + s.Reason + ")"
	}
	return d
}

// taskKey names an array task.
type taskKey struct {
	job  string
	task int
}

// query asks Slurm for every task of the given array jobs. squeue knows
// every pending and running task (and ended ones for MinJobAge); sacct, where
// the cluster keeps accounting, tells how older ones ended. A task in
// neither is Gone. An error means Slurm could not be asked: nothing may be
// taken as not running then.
func query(ctx context.Context, jobs []string) (map[taskKey]TaskState, error) {
	states := make(map[taskKey]TaskState)
	if len(jobs) == 0 {
		return states, nil
	}
	for _, j := range jobs {
		if !isJobID(j) {
			return nil, fmt.Errorf("job id %q in the record is not a number", j)
		}
	}
	list := strings.Join(jobs, ",")
	out, err := runCommand(ctx, "squeue", "--array", "--noheader", "--states=all", "--jobs="+list,
		"--Format=ArrayJobID:|,ArrayTaskID:|,State:|,Reason:|,exit_code:|")
	var ce *CommandError
	if errors.As(err, &ce) && strings.Contains(ce.Msg, "Invalid job id") {
		// Asked for only jobs Slurm has forgotten.
		out, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		want[j] = true
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(strings.TrimSpace(line), "|")
		if len(f) < 5 || !want[f[0]] {
			continue // a task of another job whose own id matches one of ours
		}
		k, err := strconv.Atoi(f[1])
		if err != nil {
			continue // not an array task
		}
		st := TaskState{Job: f[0], Task: k, State: firstWord(f[2]), Reason: f[3]}
		st.ExitCode, st.Signal = parseExit(f[4])
		states[taskKey{f[0], k}] = st
	}
	addAccounting(ctx, list, want, states)
	return states, nil
}

// addAccounting fills in ended tasks squeue no longer shows from sacct. A
// cluster without accounting has no sacct answer; squeue has said all that
// matters then (what is pending or running), so sacct's errors are ignored.
func addAccounting(ctx context.Context, list string, want map[string]bool, states map[taskKey]TaskState) {
	out, err := runCommand(ctx, "sacct", "--noheader", "--parsable2", "--allocations",
		"--jobs="+list, "--format=JobID,State,ExitCode")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(strings.TrimSpace(line), "|")
		if len(f) < 3 {
			continue
		}
		job, idx, ok := strings.Cut(f[0], "_")
		if !ok || !want[job] {
			continue
		}
		k, err := strconv.Atoi(idx)
		if err != nil {
			continue // a pending range such as 12_[3-5]: squeue lists those
		}
		key := taskKey{job, k}
		if _, seen := states[key]; seen {
			continue
		}
		st := TaskState{Job: job, Task: k, State: firstWord(f[1])}
		st.ExitCode, st.Signal = parseExit(f[2])
		states[key] = st
	}
}

// parseExit reads an exit code as squeue prints it (the wait status, e.g.
// 768 for exit 3) or as sacct does ("3:0", exit code and signal).
func parseExit(s string) (code, sig int) {
	s = strings.TrimSpace(s)
	if a, b, ok := strings.Cut(s, ":"); ok {
		code, _ = strconv.Atoi(a)
		sig, _ = strconv.Atoi(b)
		return code, sig
	}
	w, err := strconv.Atoi(s)
	if err != nil || w < 0 {
		return 0, 0
	}
	return (w >> 8) & 0xff, w & 0x7f
}

// firstWord drops what follows a state, as in sacct's "CANCELLED by 0".
func firstWord(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), " ")
	return s
}

func isJobID(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
