// Command inloop trains spiking neural networks in the loop on an emulated
// BrainScaleS-2-like analog chip, live in the terminal.
//
//	inloop                 the app, training Yin-Yang in the loop on chip seed 1
//	inloop train [flags]   headless training
//	inloop chip  [flags]   the chip report
//	inloop data  [flags]   a dataset's summary
//	inloop serve [flags]   the app over SSH
//	inloop eval RUN_DIR    evaluate a checkpoint
//	inloop experiment NAME the paper's experiments: runs, table, CSV, figure
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

const usage = `usage: inloop [command] [flags]

commands:
  (none)   the live app: trains Yin-Yang in the loop on chip seed 1
  train    headless training; progress on stderr, --json summary on stdout
  eval     evaluate a run's checkpoint: accuracy, inference rate, latency,
           silencing (--nir FILE: a NIR graph deployed on the chip)
  chip     the chip report: mismatch and calibration statistics
  data     a dataset's summary and a preview of one sample
  serve    the app over SSH
  export   a run's network as NIR (--nir FILE), recordings as NIR observables
  experiment  the paper's experiments (selfcal, sparsity, latency, robustness,
           table1): runs, table, CSV and figure

Run 'inloop COMMAND -h' for a command's flags.
`

// usageError is bad input from the user: exit code 2 with a one-line reason.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit code: 0 success,
// 2 usage or bad input, 1 any other failure.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd, rest := "", args
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, rest = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "":
		err = appCmd(rest, stdin, stdout, stderr)
	case "train":
		err = trainCmd(rest, stdout, stderr)
	case "chip":
		err = chipCmd(rest, stdout, stderr)
	case "data":
		err = dataCmd(rest, stdout, stderr)
	case "serve":
		err = serveCmd(rest, stdout, stderr)
	case "eval":
		err = evalCmd(rest, stdout, stderr)
	case "export":
		err = exportCmd(rest, stdout, stderr)
	case "experiment":
		err = experimentCmd(rest, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "inloop: unknown command %q (accepted: train, eval, experiment, export, chip, data, serve, help)\n", cmd)
		fmt.Fprint(stderr, usage)
		return 2
	}
	return exitCode(err, stderr)
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "inloop: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
