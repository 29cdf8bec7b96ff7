package slurm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"inloop/internal/atomicfile"
)

// Sweep is the Slurm side of a set of tasks: the record of what was
// submitted, the scripts and the task logs, in one directory.
type Sweep struct {
	dir string // absolute
}

// Submission is one job array that was submitted.
type Submission struct {
	Job       string    `json:"job"`       // Slurm's job id of the array
	Tasks     []int     `json:"tasks"`     // its array indices
	Script    string    `json:"script"`    // the script's file name in the sweep directory
	Submitted time.Time `json:"submitted"` // when sbatch accepted it
}

type record struct {
	Submissions []Submission `json:"submissions"`
}

const (
	recordFile = "jobs.json"
	lockFile   = "lock"
	logDir     = "logs"
	// maxRecord bounds the record file read back: a few thousand submissions.
	maxRecord = 16 << 20
)

// Open opens (and creates) the sweep directory dir.
func Open(dir string) (*Sweep, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(abs, logDir), 0o755); err != nil {
		return nil, err
	}
	return &Sweep{dir: abs}, nil
}

// Dir is the sweep directory.
func (s *Sweep) Dir() string { return s.dir }

// LogDir is where the tasks' logs go.
func (s *Sweep) LogDir() string { return filepath.Join(s.dir, logDir) }

// LogPath is the log of task k of job.
func (s *Sweep) LogPath(job string, k int) string {
	return filepath.Join(s.dir, logDir, fmt.Sprintf("%s_%d.log", job, k))
}

// Submissions are the job arrays submitted so far, oldest first.
func (s *Sweep) Submissions() ([]Submission, error) {
	path := filepath.Join(s.dir, recordFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxRecord+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxRecord {
		return nil, fmt.Errorf("%s: larger than %d bytes; not a record of this program", path, maxRecord)
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %v (move it away to start the Slurm record afresh)", path, err)
	}
	for _, sub := range r.Submissions {
		if !isJobID(sub.Job) {
			return nil, fmt.Errorf("%s: job id %q is not a number", path, sub.Job)
		}
	}
	return r.Submissions, nil
}

// Task is one task's standing in the sweep.
type Task struct {
	Index int
	Job   string    // the last job array that held it; "" if never submitted
	State TaskState // Slurm's word on it (Phase Gone if Slurm forgot it or it was never submitted)
	Log   string    // its log file in that job; "" if never submitted
}

// Recorded gives each task's last job and log from the record alone,
// without asking Slurm (every State is Gone).
func (s *Sweep) Recorded(tasks []int) ([]Task, error) {
	subs, err := s.Submissions()
	if err != nil {
		return nil, err
	}
	last := make(map[int]string) // task -> its latest job
	for _, sub := range subs {
		for _, k := range sub.Tasks {
			last[k] = sub.Job
		}
	}
	out := make([]Task, len(tasks))
	for i, k := range tasks {
		out[i] = Task{Index: k}
		if j, ok := last[k]; ok {
			out[i].Job, out[i].Log = j, s.LogPath(j, k)
			out[i].State.Job, out[i].State.Task = j, k
		}
	}
	return out, nil
}

// Status tells how each of the tasks stands with Slurm, from the record and
// squeue/sacct. It fails when Slurm cannot be asked about submitted tasks.
func (s *Sweep) Status(ctx context.Context, tasks []int) ([]Task, error) {
	out, err := s.Recorded(tasks)
	if err != nil {
		return nil, err
	}
	var jobs []string
	for _, t := range out {
		if t.Job != "" && !slices.Contains(jobs, t.Job) {
			jobs = append(jobs, t.Job)
		}
	}
	states, err := query(ctx, jobs)
	if err != nil {
		return nil, err
	}
	for i, t := range out {
		if st, ok := states[taskKey{t.Job, t.Index}]; ok && t.Job != "" {
			out[i].State = st
		}
	}
	return out, nil
}

// Submitted is what Submit did.
type Submitted struct {
	Job    string // the new array's job id; "" if nothing needed submitting
	Tasks  []int  // the tasks it holds
	Active []Task // tasks left out because they are pending or running
	Script string // the script's path
}

// Submit submits the tasks of a among those asked for that are not pending
// or running under an earlier submission, as one job array, and records it.
// The sweep is locked meanwhile, so two submissions at once cannot both send
// the same task. a.Tasks is replaced; a.LogDir is the sweep's.
func (s *Sweep) Submit(ctx context.Context, a Array, tasks []int) (Submitted, error) {
	unlock, err := lock(filepath.Join(s.dir, lockFile))
	if err != nil {
		return Submitted{}, err
	}
	defer unlock()

	st, err := s.Status(ctx, tasks)
	if err != nil {
		return Submitted{}, fmt.Errorf("cannot tell which tasks are still pending or running, so nothing was submitted: %w", err)
	}
	var res Submitted
	for _, t := range st {
		if t.State.Active() {
			res.Active = append(res.Active, t)
		} else {
			res.Tasks = append(res.Tasks, t.Index)
		}
	}
	if len(res.Tasks) == 0 {
		return res, nil
	}
	a.Tasks, a.LogDir = res.Tasks, s.LogDir()
	text, err := a.Script()
	if err != nil {
		return Submitted{}, err
	}
	subs, err := s.Submissions()
	if err != nil {
		return Submitted{}, err
	}
	name := fmt.Sprintf("array-%d.sbatch", len(subs)+1)
	res.Script = filepath.Join(s.dir, name)
	if err := atomicfile.WriteFile(res.Script, []byte(text), 0o755, ".array-*.tmp"); err != nil {
		return Submitted{}, err
	}
	out, err := runCommand(ctx, "sbatch", "--parsable", res.Script)
	if err != nil {
		os.Remove(res.Script)
		var ce *CommandError
		if errors.As(err, &ce) {
			return Submitted{}, fmt.Errorf("Slurm rejected the job array, nothing was submitted: %s", ce.Msg)
		}
		return Submitted{}, fmt.Errorf("nothing was submitted: %w", err)
	}
	// --parsable prints "jobid" or "jobid;cluster".
	job, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";")
	if !isJobID(job) {
		return Submitted{}, fmt.Errorf("sbatch accepted the script but printed %q instead of a job id; check squeue before submitting again", oneLine("sbatch", string(out)))
	}
	res.Job = job
	subs = append(subs, Submission{Job: job, Tasks: res.Tasks, Script: name, Submitted: time.Now().UTC().Truncate(time.Second)})
	b, err := json.MarshalIndent(record{subs}, "", "  ")
	if err == nil {
		err = atomicfile.WriteFile(filepath.Join(s.dir, recordFile), append(b, '\n'), 0o644, ".jobs-*.tmp")
	}
	if err != nil {
		return res, fmt.Errorf("submitted as job %s but could not record it (%v): do not submit again before it ends, or cancel it with scancel %s", job, err, job)
	}
	return res, nil
}

// Tail is the last lines (at most n, from the last 8 KiB) of a log file;
// nil if it cannot be read.
func Tail(path string, n int) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	const window = 8 << 10
	fi, err := f.Stat()
	if err != nil {
		return nil
	}
	off := max(fi.Size()-window, 0)
	b := make([]byte, window)
	m, _ := f.ReadAt(b, off)
	text := strings.ToValidUTF8(string(b[:m]), "?")
	// Progress bars redraw with carriage returns: keep each line's last state.
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if i := strings.LastIndexByte(strings.TrimRight(l, "\r"), '\r'); i >= 0 {
			l = l[i+1:]
		}
		if l = strings.TrimRight(l, " \r\t"); l != "" {
			lines = append(lines, l)
		}
	}
	if off > 0 && len(lines) > 0 {
		lines = lines[1:] // cut by the window
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}
