package main

import (
	"errors"
	"io"
)

// Temporary until each command lands; each moves to its own cmd_*.go file.

func chipCmd(args []string, stdout, stderr io.Writer) error {
	return errors.New("chip is not built yet")
}
