package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"inloop/engine/experiment"
	"inloop/internal/slurm"
)

// slurmFlags are experiment's flags for running a plan as a Slurm job array
// (see the README's "On a cluster").
type slurmFlags struct {
	submit bool
	script string
	opts   slurm.Options
}

// sbatchArgs collects repeated --sbatch-arg values.
type sbatchArgs struct{ o *slurm.Options }

func (a sbatchArgs) String() string {
	if a.o == nil {
		return ""
	}
	return strings.Join(a.o.Extra, " ")
}

func (a sbatchArgs) Set(s string) error {
	if len(a.o.Extra) >= 64 {
		return errors.New("at most 64 --sbatch-arg")
	}
	a.o.Extra = append(a.o.Extra, s)
	return nil
}

func addSlurmFlags(fs *flag.FlagSet) *slurmFlags {
	f := &slurmFlags{}
	fs.BoolVar(&f.submit, "slurm", false, "submit the runs not done as one Slurm job array (each task: this binary with --task K) and return")
	fs.StringVar(&f.script, "slurm-script", "", "write the job array's sbatch script to `FILE` without submitting it")
	fs.StringVar(&f.opts.Partition, "partition", "", "Slurm partition `P` (with --slurm; default: the cluster's)")
	fs.StringVar(&f.opts.Time, "time", "", "Slurm time limit per run, `HH:MM:SS` (with --slurm; default: the partition's)")
	fs.IntVar(&f.opts.CPUsPerTask, "cpus-per-task", 0, "cores per run, `N` (with --slurm; default 1)")
	fs.Var(sbatchArgs{&f.opts}, "sbatch-arg", "a further sbatch option `ARG` such as --mem=2G (with --slurm; repeatable)")
	return f
}

// requested reports whether the command submits or writes a job array.
func (f *slurmFlags) requested() bool { return f.submit || f.script != "" }

// check rejects Slurm flags that cannot apply; set holds the flags given.
func (f *slurmFlags) check(name string, set map[string]bool) error {
	if !f.requested() {
		for _, n := range []string{"partition", "time", "cpus-per-task", "sbatch-arg"} {
			if set[n] {
				return usagef("experiment: --%s applies only with --slurm or --slurm-script", n)
			}
		}
		return nil
	}
	switch {
	case f.submit && f.script != "":
		return usagef("experiment: give --slurm (submit) or --slurm-script FILE (write the script only), not both")
	case set["task"]:
		return usagef("experiment: --task runs one run here; --slurm submits all runs not done as array tasks; give one of them")
	case set["workers"]:
		return usagef("experiment: --workers sets parallel runs on this machine; with --slurm, Slurm runs the runs (cores per run: --cpus-per-task)")
	case name == "status":
		return usagef("experiment: status lists the runs; submit with: inloop experiment NAME --out DIR --slurm")
	case set["cpus-per-task"] && f.opts.CPUsPerTask < 1:
		return usagef("experiment: --cpus-per-task %d is not accepted (accepted: 1 to 4096)", f.opts.CPUsPerTask)
	}
	if err := f.opts.Validate(); err != nil {
		return usagef("experiment: %v", err)
	}
	return nil
}

// slurmDir is where an experiment directory keeps its Slurm record, scripts
// and task logs.
func slurmDir(out string) string { return filepath.Join(out, "slurm") }

// onSlurm reports whether the experiment in out was submitted to Slurm:
// then its runs are Slurm's to run, and the plain command only collects.
func onSlurm(out string) bool {
	_, err := os.Stat(filepath.Join(slurmDir(out), "jobs.json"))
	return err == nil
}

// executable is this program's path, which the array tasks run (tests
// replace it: a test binary is not inloop).
var executable = os.Executable

// slurmArray is the job array of plan p: task K runs this binary as
// `inloop experiment NAME --out DIR --task K`.
func slurmArray(p experiment.Plan, dataDir string, f *slurmFlags) (slurm.Array, error) {
	exe, err := executable()
	if err != nil {
		return slurm.Array{}, fmt.Errorf("cannot find this program's path for the array tasks: %v", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return slurm.Array{}, err
	}
	if strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return slurm.Array{}, usagef("experiment: --slurm needs an installed binary (go build or go install): the tasks would run %s, which go run deletes when it exits", exe)
	}
	out, err := filepath.Abs(p.Out)
	if err != nil {
		return slurm.Array{}, err
	}
	cmd := []string{exe, "experiment", p.Spec.Name, "--out", out}
	if dataDir != "" {
		abs, err := filepath.Abs(dataDir)
		if err != nil {
			return slurm.Array{}, err
		}
		cmd = append(cmd, "--data-dir", abs)
	}
	return slurm.Array{
		Name: "inloop-" + p.Spec.Name, Command: cmd, TaskFlag: "--task", Dir: out, Options: f.opts,
	}, nil
}

// notDone lists the runs of p without a result.
func notDone(p experiment.Plan) []int {
	var ks []int
	for k := range p.Runs {
		if p.Status(k) != experiment.Done {
			ks = append(ks, k)
		}
	}
	return ks
}

// slurmSubmitCmd submits the runs of p that are not done and not pending or
// running under an earlier submission as one job array (--slurm), or writes
// the array's script (--slurm-script).
func slurmSubmitCmd(ctx context.Context, p experiment.Plan, dataDir string, f *slurmFlags, stdout io.Writer) error {
	arr, err := slurmArray(p, dataDir, f)
	if err != nil {
		return err
	}
	todo := notDone(p)
	if len(todo) == 0 {
		_, err := fmt.Fprintf(stdout, "all %d runs of %s are done; nothing to submit. Collect them with: inloop experiment status --out %s\n", len(p.Runs), p.Out, p.Out)
		return err
	}
	sweep, err := slurm.Open(slurmDir(p.Out))
	if err != nil {
		return err
	}
	if f.script != "" {
		return writeSlurmScript(ctx, sweep, arr, todo, f.script, stdout)
	}
	res, err := sweep.Submit(ctx, arr, todo)
	var missing *slurm.MissingCommandError
	switch {
	case errors.As(err, &missing):
		return usagef("experiment: %v; nothing was submitted", missing)
	case err != nil && strings.HasPrefix(err.Error(), "Slurm rejected"):
		return usagef("experiment: %s", oneLine(err.Error()))
	case err != nil:
		return fmt.Errorf("experiment: %s", oneLine(err.Error()))
	}
	if len(res.Active) > 0 {
		fmt.Fprintf(stdout, "%d run(s) are pending or running already (%s) and were not submitted again\n", len(res.Active), jobsOf(res.Active))
	}
	if res.Job == "" {
		_, err := fmt.Fprintf(stdout, "nothing to submit: every run not done is pending or running. Follow with: inloop experiment status --out %s\n", p.Out)
		return err
	}
	spec, _ := slurm.IndexSpec(res.Tasks)
	fmt.Fprintf(stdout, "submitted job %s: runs %s of %s (%d of %d), each as: %s --task K\n", res.Job, spec, p.Out, len(res.Tasks), len(p.Runs), strings.Join(arr.Command, " "))
	fmt.Fprintf(stdout, "logs: %s; script: %s\n", sweep.LogDir(), res.Script)
	_, err = fmt.Fprintf(stdout, "follow with: squeue -j %s, or: inloop experiment status --out %s (collects what finished)\n", res.Job, p.Out)
	return err
}

// writeSlurmScript writes the script of the runs not done, less those a
// recorded submission has pending or running (when Slurm can be asked).
func writeSlurmScript(ctx context.Context, sweep *slurm.Sweep, arr slurm.Array, todo []int, file string, stdout io.Writer) error {
	if subs, err := sweep.Submissions(); err == nil && len(subs) > 0 {
		if st, err := sweep.Status(ctx, todo); err == nil {
			todo = todo[:0]
			for _, t := range st {
				if !t.State.Active() {
					todo = append(todo, t.Index)
				}
			}
		}
	}
	if len(todo) == 0 {
		_, err := fmt.Fprintln(stdout, "no script written: every run not done is pending or running")
		return err
	}
	arr.Tasks, arr.LogDir = todo, sweep.LogDir()
	text, err := arr.Script()
	if err != nil {
		return usagef("experiment: %v", err)
	}
	if err := os.WriteFile(file, []byte(text), 0o755); err != nil {
		return fmt.Errorf("experiment: writing the script: %v", err)
	}
	spec, _ := slurm.IndexSpec(todo)
	_, err = fmt.Fprintf(stdout, "wrote %s: runs %s as one job array; submit it with: sbatch %s (then collect with: inloop experiment status --out %s)\n", file, spec, file, arr.Dir)
	return err
}

// jobsOf names the array tasks of ts, e.g. "jobs 12_0, 12_3".
func jobsOf(ts []slurm.Task) string {
	var b strings.Builder
	for i, t := range ts {
		if i == 8 {
			fmt.Fprintf(&b, ", … %d more", len(ts)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s_%d", t.Job, t.Index)
	}
	return "job " + b.String()
}

// logTailLines is how much of a failed task's log the listing shows.
const logTailLines = 5

// writeSlurmRuns lists every run of p with where it stands: done, pending,
// running, failed (Slurm's state and the tail of the task's log),
// interrupted or never submitted.
func writeSlurmRuns(ctx context.Context, p experiment.Plan, w io.Writer) error {
	sweep, err := slurm.Open(slurmDir(p.Out))
	if err != nil {
		return err
	}
	all := make([]int, len(p.Runs))
	for k := range all {
		all[k] = k
	}
	st, qerr := sweep.Status(ctx, all)
	if qerr != nil {
		fmt.Fprintf(w, "Slurm could not be asked how the runs stand (%s); from the run directories:\n", oneLine(qerr.Error()))
		if st, err = sweep.Recorded(all); err != nil {
			return err
		}
	}
	count := map[string]int{}
	var order []string
	fmt.Fprintf(w, "runs on Slurm (%s):\n", slurmDir(p.Out))
	for k, t := range st {
		status := p.Status(k)
		word, detail := slurmRunState(status, t, qerr == nil)
		if count[word] == 0 {
			order = append(order, word)
		}
		count[word]++
		fmt.Fprintf(w, "  %3d  %-24s %s\n", k, p.Runs[k].Name, detail)
		if word == "failed" {
			for _, l := range slurm.Tail(t.Log, logTailLines) {
				fmt.Fprintf(w, "         | %s\n", l)
			}
		}
	}
	var parts []string
	for _, word := range order {
		parts = append(parts, fmt.Sprintf("%d %s", count[word], word))
	}
	fmt.Fprintf(w, "%d runs: %s\n", len(p.Runs), strings.Join(parts, ", "))
	if count["failed"]+count["interrupted"]+count["not started"]+count["not submitted"] > 0 {
		fmt.Fprintf(w, "submit the runs not done again (interrupted ones resume from their checkpoints): inloop experiment %s --out %s --slurm\n", p.Spec.Name, p.Out)
	}
	return nil
}

// slurmRunState is a run's state word (done, pending, running, failed,
// interrupted, not submitted) and its line in the listing.
func slurmRunState(status experiment.Status, t slurm.Task, asked bool) (word, detail string) {
	job := ""
	if t.Job != "" {
		job = fmt.Sprintf("job %s_%d", t.Job, t.Index)
	}
	if status == experiment.Done {
		return "done", "done"
	}
	resume := ""
	if status == experiment.Interrupted {
		resume = "; checkpointed, resumes when submitted again"
	}
	switch t.State.Phase() {
	case slurm.Pending:
		return "pending", fmt.Sprintf("pending (%s: %s)", job, t.State.Describe())
	case slurm.Running:
		if t.State.State == "RUNNING" {
			return "running", fmt.Sprintf("running (%s)", job)
		}
		return "running", fmt.Sprintf("running (%s: %s)", job, t.State.Describe())
	case slurm.Completed:
		return "failed", fmt.Sprintf("failed: the task ended (%s, %s) without the run's result%s; log %s", t.State.Describe(), job, resume, t.Log)
	case slurm.Failed:
		return "failed", fmt.Sprintf("failed: %s (%s)%s; log %s", t.State.Describe(), job, resume, t.Log)
	}
	if t.Job != "" {
		word = "interrupted"
		if status == experiment.NotStarted {
			word = "not started"
		}
		why := "is no longer known to Slurm"
		if !asked {
			why = "state unknown"
		}
		return word, fmt.Sprintf("%s (%s %s)%s", status, job, why, resume)
	}
	if status == experiment.Interrupted {
		return "interrupted", "interrupted, never submitted to Slurm" + resume
	}
	return "not submitted", "not submitted"
}
