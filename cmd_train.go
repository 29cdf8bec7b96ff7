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
	fs.Usage = describeFlags(fs, "usage: inloop train [flags]\n\nTrains headless: progress on stderr, the summary on stdout.\n\nflags:")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg, err := rf.config()
	if err != nil {
		return err
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
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
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
