package main

import (
	"errors"
	"io"
)

// Temporary until each command lands; each moves to its own cmd_*.go file.

func appCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("the app is not built yet")
}
func chipCmd(args []string, stdout, stderr io.Writer) error {
	return errors.New("chip is not built yet")
}
