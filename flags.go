package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
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
	if err := checkFinite(fs); err != nil {
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

// checkFinite refuses NaN and ±Inf in every numeric flag that was set:
// strconv.ParseFloat accepts them, and no flag of inloop means them. A
// flag of a type of its own counts as numeric unless it says it is a
// string (flag.Getter).
func checkFinite(fs *flag.FlagSet) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if err != nil {
			return
		}
		var v float64
		if g, ok := f.Value.(flag.Getter); ok {
			switch x := g.Get().(type) {
			case float64:
				v = x
			case float32:
				v = float64(x)
			case string, bool, int, int64, uint, uint64, time.Duration:
				return
			default:
				v, _ = strconv.ParseFloat(f.Value.String(), 64)
			}
		} else {
			v, _ = strconv.ParseFloat(f.Value.String(), 64)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			err = fmt.Errorf("--%s %s is not accepted (accepted: a finite number)", f.Name, f.Value)
		}
	})
	return err
}
