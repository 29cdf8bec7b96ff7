package slurm

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Options are the sbatch settings a user chooses for a job array.
type Options struct {
	Partition   string   // --partition; "" for the cluster's default
	Time        string   // --time, a time limit per task in one of Slurm's forms; "" for the partition's default
	CPUsPerTask int      // --cpus-per-task; 0 for Slurm's default (1)
	Extra       []string // further sbatch options, one per #SBATCH line, e.g. "--mem=2G"
}

// timeLimit matches Slurm's time forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.
var timeLimit = regexp.MustCompile(`^([0-9]+-[0-9]+(:[0-9]+){0,2}|[0-9]+(:[0-9]+){0,2})$`)

// partitionName is what a partition (or a comma-separated list) may be called.
var partitionName = regexp.MustCompile(`^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$`)

// ownOptions are the sbatch options the script sets itself; an Extra option
// naming one of them would break the array or its logs.
var ownOptions = []string{"--array", "-a", "--output", "-o", "--error", "-e", "--wrap", "--parsable", "--chdir", "-D"}

// MaxTasks bounds the array's highest index; Slurm's own default limit
// (MaxArraySize) is 1001 tasks, 0 to 1000.
const MaxTasks = 1001

// Validate checks the options; the error is one line saying what is accepted.
func (o Options) Validate() error {
	if o.Partition != "" && !partitionName.MatchString(o.Partition) {
		return fmt.Errorf("--partition %q: accepted is a partition name (letters, digits, '_', '.', '-'), or a comma-separated list of them", o.Partition)
	}
	if o.Time != "" && !timeLimit.MatchString(o.Time) {
		return fmt.Errorf("--time %q: accepted are Slurm's forms MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS", o.Time)
	}
	if o.CPUsPerTask < 0 || o.CPUsPerTask > 4096 {
		return fmt.Errorf("--cpus-per-task %d: accepted is 1 to 4096", o.CPUsPerTask)
	}
	for _, a := range o.Extra {
		if !strings.HasPrefix(a, "-") || strings.ContainsAny(a, "\n\r\x00") {
			return fmt.Errorf("--sbatch-arg %q: accepted is one sbatch option such as --mem=2G or --account=NAME", a)
		}
		name, _, _ := strings.Cut(a, "=")
		name, _, _ = strings.Cut(name, " ")
		if slices.Contains(ownOptions, name) || (len(name) > 2 && name[1] != '-' && slices.Contains(ownOptions, name[:2])) {
			return fmt.Errorf("--sbatch-arg %q: inloop sets %s itself (the array, its log files and directory); any other sbatch option is accepted", a, name)
		}
	}
	return nil
}

// Array is one job array: task K runs Command with TaskFlag K appended.
type Array struct {
	Name     string   // the job's name, as squeue shows it
	Tasks    []int    // array indices, 0 <= K < MaxTasks
	Command  []string // the program (an absolute path) and its arguments
	TaskFlag string   // the flag that takes the task index, e.g. "--task"
	Dir      string   // the job's working directory (absolute)
	LogDir   string   // where the per-task logs go (absolute)
	Options
}

// Script is the sbatch script of the array. Every setting is an #SBATCH line,
// so the script submits the same by hand as through Submit.
func (a Array) Script() (string, error) {
	if err := a.Validate(); err != nil {
		return "", err
	}
	if len(a.Tasks) == 0 {
		return "", fmt.Errorf("no tasks to put in the array")
	}
	if len(a.Command) == 0 || !strings.HasPrefix(a.Command[0], "/") {
		return "", fmt.Errorf("the task command must start with an absolute path, got %q", a.Command)
	}
	if !strings.HasPrefix(a.Dir, "/") || !strings.HasPrefix(a.LogDir, "/") {
		return "", fmt.Errorf("the job's directories must be absolute paths, got %q and %q", a.Dir, a.LogDir)
	}
	for _, s := range []string{a.Name, a.Dir, a.LogDir} {
		if strings.ContainsAny(s, "\n\r\x00%") {
			return "", fmt.Errorf("%q cannot go into an sbatch script (no line breaks or '%%')", s)
		}
	}
	spec, err := IndexSpec(a.Tasks)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "# %s: %d task(s) as one Slurm job array, written by inloop.\n", a.Name, len(a.Tasks))
	b.WriteString("# Array task K runs the command below with " + a.TaskFlag + " K; its output goes to\n")
	b.WriteString("# logs/<job id>_K.log.\n")
	fmt.Fprintf(&b, "#SBATCH --job-name=%s\n", a.Name)
	fmt.Fprintf(&b, "#SBATCH --array=%s\n", spec)
	fmt.Fprintf(&b, "#SBATCH --chdir=%s\n", a.Dir)
	fmt.Fprintf(&b, "#SBATCH --output=%s/%%A_%%a.log\n", a.LogDir)
	if a.Partition != "" {
		fmt.Fprintf(&b, "#SBATCH --partition=%s\n", a.Partition)
	}
	if a.Time != "" {
		fmt.Fprintf(&b, "#SBATCH --time=%s\n", a.Time)
	}
	if a.CPUsPerTask > 0 {
		fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", a.CPUsPerTask)
	}
	for _, x := range a.Extra {
		fmt.Fprintf(&b, "#SBATCH %s\n", x)
	}
	b.WriteString("set -eu\n")
	// Nodes without CPU containment show the task every core: use only the
	// ones Slurm allocated.
	b.WriteString("export GOMAXPROCS=\"${SLURM_CPUS_PER_TASK:-1}\"\n")
	// exec, so Slurm's SIGTERM (scancel, time limit, preemption) reaches the
	// program, which can then save its state.
	b.WriteString("exec")
	for _, arg := range a.Command {
		b.WriteString(" " + shellQuote(arg))
	}
	if a.TaskFlag != "" {
		b.WriteString(" " + shellQuote(a.TaskFlag))
	}
	b.WriteString(" \"$SLURM_ARRAY_TASK_ID\"\n")
	return b.String(), nil
}

// IndexSpec writes sorted, distinct task indices in sbatch's --array form,
// runs of consecutive indices as ranges: 0-3,5,7-9.
func IndexSpec(tasks []int) (string, error) {
	ts := slices.Clone(tasks)
	slices.Sort(ts)
	ts = slices.Compact(ts)
	if len(ts) == 0 {
		return "", fmt.Errorf("no tasks to put in the array")
	}
	if ts[0] < 0 || ts[len(ts)-1] >= MaxTasks {
		return "", fmt.Errorf("array indices must lie in 0..%d (Slurm's default MaxArraySize), got %d..%d", MaxTasks-1, ts[0], ts[len(ts)-1])
	}
	var parts []string
	for i := 0; i < len(ts); {
		j := i
		for j+1 < len(ts) && ts[j+1] == ts[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(ts[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", ts[i], ts[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ","), nil
}

// shellQuote quotes s for bash unless it is made only of safe characters.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
