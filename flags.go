package main

import (
	"errors"
	"flag"
	"io"
	"strings"
)

// errHelp is returned when -h was asked for; the usage was printed.
var errHelp = errors.New("help requested")

// appFlagSet names the flag set of the command without a subcommand (the app).
const appFlagSet = "inloop"

// parseFlags parses args with fs, turning flag errors into usage errors with a
// one-line reason. fs must use flag.ContinueOnError; its name is the
// subcommand, or appFlagSet for the app.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fs.Usage()
		return errHelp
	}
	prefix, help := fs.Name()+": ", "inloop "+fs.Name()+" -h"
	if fs.Name() == appFlagSet {
		prefix, help = "", "inloop -h"
	}
	if err != nil {
		return usagef("%s%v (see '%s')", prefix, err, help)
	}
	if fs.NArg() > 0 {
		if fs.Name() == appFlagSet {
			return usagef("unexpected argument %q (commands: train, chip, data, serve, help; see '%s')", strings.Join(fs.Args(), " "), help)
		}
		return usagef("%sunexpected argument %q (flags only; see '%s')", prefix, strings.Join(fs.Args(), " "), help)
	}
	return nil
}
