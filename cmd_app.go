package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"inloop/engine"
	"inloop/tui"
	"inloop/tui/demo"
)

const appHelp = `usage: inloop [flags]

The live app: trains a network in the loop on the emulated chip (by default
Yin-Yang, chip mode, chip seed 1) and shows it; edit hyperparameters and the
calibration while it runs. It trains until you pause or quit, unless
--epochs bounds the run; at the end of a bounded run it waits for more
epochs or a start over. Quitting (q) stops the run with a checkpoint
(with --run-dir) and prints its summary. Press ? in the app for its keys.

flags:`

// appCmd runs the app on a new training run built from the run flags (the
// same as those of train), or on a synthetic run with --demo.
func appCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(appFlagSet, flag.ContinueOnError)
	rf := addRunFlags(fs)
	synthetic := fs.Bool("demo", false, "watch a synthetic run (no training): to try the app")
	autopilot := addAutopilotFlag(fs)
	pace := addPaceFlag(fs)
	fs.Usage = describeFlags(fs, appHelp)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg, err := rf.config()
	if err != nil {
		return err
	}
	cfg = sessionLength(fs, cfg)
	paceCmd, err := pace()
	if err != nil {
		return err
	}
	if err := needTerminal(stdin, stdout); err != nil {
		return err
	}
	if *synthetic {
		if *autopilot {
			return usagef("--autopilot drives a training run: it does not go with --demo")
		}
		return runDemo(stdin, stdout)
	}
	t, err := engine.NewTrainer(cfg)
	if err != nil {
		return badInput(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t.KeepOpen()
	t.Send(paceCmd)
	t.Start(ctx)
	opts := tui.Options{Dataset: cfg.Dataset, StopOnQuit: true, NewRun: engine.NewRunValues(cfg)}
	if *autopilot {
		opts.Autopilot = tui.StartPilot(t, tui.AutopilotIdle)
	}
	if cfg.Resume != "" {
		opts.Title = "resumed " + cfg.Resume
	}
	if dir := cmp.Or(cfg.RunDir, cfg.Resume); dir != "" {
		opts.Export = func() (string, error) { return exportRunNIR(dir, cfg.DataDir) }
	}
	_, perr := tea.NewProgram(tui.New(t, opts), tea.WithInput(stdin), tea.WithOutput(stdout)).Run()
	// The app asked the run to stop when the user quit; ask again in case
	// it ended otherwise (a signal, a failure), and wait for the checkpoint.
	t.Send(engine.Command{Kind: engine.CmdStop})
	slow := time.AfterFunc(time.Second, func() {
		fmt.Fprintln(stderr, "inloop: stopping the run (finishing the batch, writing a checkpoint)…")
	})
	sum, err := t.Wait()
	slow.Stop()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	if perr != nil && !errors.Is(perr, tea.ErrInterrupted) {
		return fmt.Errorf("the app failed: %w", perr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, describeSummary(sum))
	if !sum.Completed && sum.RunDir != "" {
		fmt.Fprintf(stderr, "continue with: inloop --resume %s\n", sum.RunDir)
	}
	return nil
}

// addAutopilotFlag adds --autopilot, shared by the app and serve.
func addAutopilotFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("autopilot", false, fmt.Sprintf("run the scripted demo (train, decalibrate, swap the die, transfer and back; looped) with a caption; a key takes over, %s without one gives it back", tui.AutopilotIdle))
}

// sessionLength makes a new run of the app (local or served) a session
// without an end, trained until the user pauses or quits, unless --epochs
// bounds it; a resumed run keeps its own length. The train command keeps
// the dataset's finite default.
func sessionLength(fs *flag.FlagSet, cfg engine.Config) engine.Config {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "epochs" })
	if !given && cfg.Resume == "" {
		cfg.Epochs = 0
	}
	return cfg
}

// needTerminal refuses to start the app when its input or output is a
// file that is not a terminal (a pipe, /dev/null, a redirect), before any
// run directory is made.
func needTerminal(stdin io.Reader, stdout io.Writer) error {
	for _, s := range []struct {
		name string
		f    any
	}{{"input", stdin}, {"output", stdout}} {
		if f, ok := s.f.(*os.File); ok && !term.IsTerminal(f.Fd()) {
			return usagef("the app needs a terminal, and its %s is not one; run it in a terminal, or train without one with 'inloop train'", s.name)
		}
	}
	return nil
}

// addPaceFlag registers --pace (app and serve); the returned function
// checks it after parsing and gives the command that sets it.
func addPaceFlag(fs *flag.FlagSet) func() (engine.Command, error) {
	text := fs.String("pace", "full", fmt.Sprintf("batches per second the run is held to, %g to %g, or full (keys < and > change it)", float64(engine.MinPace), float64(engine.MaxPace)))
	return func() (engine.Command, error) {
		if _, err := engine.ParsePace(*text); err != nil {
			return engine.Command{}, usagef("--%v", err)
		}
		return engine.Command{Kind: engine.CmdPace, Value: *text}, nil
	}
}

// runDemo shows a synthetic run until the user quits.
func runDemo(stdin io.Reader, stdout io.Writer) error {
	src := demo.NewSource(1, 50*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go src.Run(ctx)
	opts := tui.Options{Title: "demo: synthetic events, no training", Dataset: "yinyang"}
	_, err := tea.NewProgram(tui.New(src, opts), tea.WithInput(stdin), tea.WithOutput(stdout)).Run()
	if err != nil && !errors.Is(err, tea.ErrInterrupted) {
		return fmt.Errorf("the app failed: %w", err)
	}
	return nil
}
