package slurm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// MissingCommandError is a Slurm command that is not on PATH.
type MissingCommandError struct{ Name string }

func (e *MissingCommandError) Error() string {
	return fmt.Sprintf("%s not found on PATH: run this on a machine with Slurm's client commands (a cluster's login node), or start the single-node Slurm of scripts/slurm/", e.Name)
}

// CommandError is a Slurm command that ran and failed; Msg is its own
// message on one line.
type CommandError struct {
	Name string
	Msg  string
}

func (e *CommandError) Error() string { return e.Name + ": " + e.Msg }

// maxOutput bounds what is kept of a command's output: squeue on a busy
// cluster lists only our jobs, and 4 MiB holds tens of thousands of tasks.
const maxOutput = 4 << 20

// runCommand runs a Slurm command and returns its stdout.
func runCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, &MissingCommandError{name}
	}
	cmd := exec.CommandContext(ctx, path, args...)
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = maxOutput, 64<<10
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if stdout.overflow {
		return nil, &CommandError{name, fmt.Sprintf("more than %d bytes of output", maxOutput)}
	}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, &CommandError{name, err.Error()}
		}
		msg := oneLine(name, stderr.String())
		if msg == "" {
			msg = oneLine(name, stdout.String())
		}
		if msg == "" {
			msg = ee.String()
		}
		return nil, &CommandError{name, msg}
	}
	return stdout.Bytes(), nil
}

// oneLine joins a command's message lines into one, without the
// "sbatch: error: " prefixes and without repeats.
func oneLine(name, s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(l, name+": ")
		l = strings.TrimPrefix(l, "error: ")
		l = strings.TrimPrefix(l, "fatal: ")
		if l != "" && !containsFold(parts, l) {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// limitedBuffer keeps at most max bytes and notes whether more came.
type limitedBuffer struct {
	bytes.Buffer
	max      int
	overflow bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.overflow = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
