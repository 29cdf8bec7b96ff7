//go:build unix

package slurm

import (
	"fmt"
	"os"
	"syscall"
)

// lock takes an exclusive lock on path (created if missing), held until
// unlock: one submission at a time per sweep, across processes.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
