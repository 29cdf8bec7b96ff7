//go:build !unix

package engine

import (
	"errors"
	"os"
)

// lockFile has no advisory lock to take here: a lock file that holds a
// holder's text is taken. After a crash it stays; its text says whose it was.
func lockFile(f *os.File) error {
	if st, err := f.Stat(); err != nil || st.Size() > 0 {
		return errors.New("run.lock exists")
	}
	return nil
}
