package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"inloop/engine"
)

// trainCmd trains headless: progress on stderr, the summary on stdout (one
// line of JSON with --json). The first SIGINT or SIGTERM stops the run with
// a checkpoint and a final evaluation; a second quits at once (after the
// checkpoint of the batch in progress).
func trainCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	rf := addRunFlags(fs)
	jsonOut := fs.Bool("json", false, "print the summary as one line of JSON on stdout")
	initNIR := fs.String("init", "", "start from the NIR graph in `FILE` (deployed on the chip; see README, \"NIR\") and fine-tune it")
	initDt := fs.Float64("dt", 0, "with --init: seconds of graph time per chip frame (default: the graph's metadata dt, else τ_mem/r)")
	fs.Usage = describeFlags(fs, "usage: inloop train [flags]\n\nTrains headless: progress on stderr, the summary on stdout.\n\nflags:")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg, err := rf.config()
	if err != nil {
		return err
	}
	var transfer *transferReport
	if *initNIR != "" {
		if cfg.Resume != "" {
			return usagef("--init starts a new run; --resume continues one (give one of them)")
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if set["hidden"] {
			return usagef("--hidden: the NIR graph given with --init sets the hidden size")
		}
		if cfg, _, err = nirDeploy(*initNIR, cfg, set["dataset"], *initDt); err != nil {
			return err
		}
		r, err := evalTransfer(cfg)
		if err != nil {
			return err
		}
		transfer = &r
		fmt.Fprintln(stderr, r.describe(*initNIR))
	} else if *initDt != 0 {
		return usagef("--dt applies with --init only")
	}
	t, err := engine.NewTrainer(cfg)
	if err != nil {
		return badInput(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := t.SubscribeMetrics()
	defer events.Cancel()

	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer func() { signal.Stop(sig); close(sig) }()
	go func() {
		n := 0
		for range sig {
			if n++; n == 1 {
				t.Send(engine.Command{Kind: engine.CmdStop})
			} else {
				cancel()
			}
		}
	}()

	t.Start(ctx)
	p := newProgressPrinter(stderr)
	for ended := false; !ended; {
		var evs []engine.Event
		evs, ended = events.Wait()
		for _, e := range evs {
			p.handle(e)
		}
	}
	sum, err := t.Wait()
	if errors.Is(err, context.Canceled) {
		err = errors.New("interrupted")
		if sum.RunDir != "" {
			err = fmt.Errorf("interrupted at step %d; continue with: inloop train --resume %s", sum.Steps, sum.RunDir)
		}
	}
	if err != nil {
		return err
	}
	if !sum.Completed && sum.RunDir != "" {
		fmt.Fprintf(stderr, "stopped at step %d with a checkpoint; continue with: inloop train --resume %s\n", sum.Steps, sum.RunDir)
	}
	if *jsonOut {
		b, err := json.Marshal(sum)
		if err != nil {
			return err
		}
		if transfer != nil {
			// the summary with the graph's accuracy before fine-tuning
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
			m["init"], m["init_software_accuracy"], m["init_chip_accuracy"] = *initNIR, transfer.Software.Accuracy, transfer.Chip.Accuracy
			if b, err = json.Marshal(m); err != nil {
				return err
			}
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	_, err = fmt.Fprintln(stdout, describeSummary(sum))
	return err
}

// describeSummary is the summary for people.
func describeSummary(s engine.Summary) string {
	state := "done"
	if !s.Completed {
		state = "stopped"
	}
	line := fmt.Sprintf("%s: %s %s mode, chip seed %d (%s): test accuracy %.2f %% (loss %.4f), train accuracy %.2f %%, %.1f hidden spikes/sample; epochs %d, steps %d, %.0f samples/s, %.1f s",
		state, s.Dataset, s.Mode, s.ChipSeed, s.Calibration, 100*s.TestAccuracy, s.TestLoss, 100*s.TrainAccuracy,
		s.HiddenSpikesPerSample, s.Epochs, s.Steps, s.SamplesPerSecond, s.WallSeconds)
	if s.RunDir != "" {
		line += "; run directory " + s.RunDir
	}
	return line
}
