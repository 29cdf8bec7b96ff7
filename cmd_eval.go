package main

import (
	"flag"
	"io"
)

// evalCmd evaluates a network: a NIR graph deployed on the chip (--nir
// FILE). (inloop eval RUN_DIR, a run's checkpoint, is the experiments
// command's part of this file.)
func evalCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	rf := addRunFlags(fs)
	nirPath := fs.String("nir", "", "deploy the NIR graph in `FILE` on the chip and report its accuracy in software and as transferred")
	dt := fs.Float64("dt", 0, "seconds of graph time per chip frame (default: the graph's metadata dt, else τ_mem/r)")
	jsonOut := fs.Bool("json", false, "print the report as one line of JSON")
	fs.Usage = describeFlags(fs, "usage: inloop eval --nir FILE [flags]\n\nDeploys a NIR graph on the emulated chip (see README, \"NIR\").\n\nflags:")
	dir, rest := leadingArg(args)
	if err := parseFlags(fs, rest, stderr); err != nil {
		return err
	}
	if *dt < 0 {
		return usagef("eval: --dt %g is not accepted (accepted: seconds > 0, or 0 for the graph's own)", *dt)
	}
	if dir != "" || *nirPath == "" {
		return usagef("eval: give --nir FILE (a NIR graph to deploy on the chip)")
	}
	return evalNIR(*nirPath, rf, *dt, *jsonOut, stdout)
}
