package main

import (
	"errors"
	"flag"
	"io"
	"strings"
)

// errHelp is returned when -h was asked for; the usage was printed.
var errHelp = errors.New("help requested")

// parseFlags parses args with fs, turning flag errors into usage errors with a
// one-line reason. fs must use flag.ContinueOnError.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fs.Usage()
		return errHelp
	}
	if err != nil {
		return usagef("%s: %v (see 'inloop %s -h')", fs.Name(), err, fs.Name())
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q (flags only; see 'inloop %s -h')", fs.Name(), strings.Join(fs.Args(), " "), fs.Name())
	}
	return nil
}
