package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The app shares the run flags of train; bad ones exit 2 with one line
// before any terminal is touched.
func TestAppBadFlagsExit2OneLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--epochs", "0"}, "--epochs 0 is out of range"},
		{[]string{"--lr", "2"}, "--lr 2 is out of range"},
		{[]string{"--mode", "gpu"}, "--mode gpu is not a mode (accepted: chip, software or transfer)"},
		{[]string{"--pace", "0.01"}, `--pace "0.01" is not accepted: give batches per second from 0.1 to 10000, or 0 or full for full speed`},
		{[]string{"--bogus"}, "flag provided but not defined: -bogus (see 'inloop -h')"},
		{[]string{"--demo", "extra"}, "unexpected argument"},
	} {
		var out, errOut bytes.Buffer
		code := run(c.args, strings.NewReader(""), &out, &errOut)
		msg := errOut.String()
		if code != 2 || !strings.Contains(msg, c.want) || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", c.args, code, msg, c.want)
		}
		if out.Len() != 0 {
			t.Errorf("%v: wrote to stdout: %q", c.args, out.String())
		}
	}
}

func TestAppHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-h"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
	for _, want := range []string{"usage: inloop [flags]", "-dataset", "-resume", "-demo"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("-h does not mention %q:\n%s", want, errOut.String())
		}
	}
}

// Without a terminal the app says so in one line and makes no run directory.
func TestAppWithoutTerminal(t *testing.T) {
	in, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	dir := filepath.Join(t.TempDir(), "run")
	var out, errOut bytes.Buffer
	code := run([]string{"--run-dir", dir}, in, &out, &errOut)
	if msg := errOut.String(); code != 2 || !strings.Contains(msg, "the app needs a terminal, and its input is not one") || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
		t.Errorf("exit %d, stderr %q", code, msg)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("run directory made: %v", err)
	}
}
