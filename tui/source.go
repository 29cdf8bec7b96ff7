package tui

import "inloop/engine"

// Source is a training run the app watches and steers. *engine.Trainer is one.
type Source interface {
	// Subscribe returns a new stream of the run's events, starting with a
	// replay of the state so far; the app cancels it when it ends.
	Subscribe() *engine.Stream
	Send(engine.Command)
}

// Options configure one instance of the app (one per terminal or SSH session).
type Options struct {
	// ReadOnly hides the editors and refuses commands; ReadOnlyReason is shown.
	ReadOnly       bool
	ReadOnlyReason string
	// Title names the run in the status bar (e.g. "shared run" over SSH).
	Title string
	// Dataset is shown in the status bar when set (e.g. "yinyang").
	Dataset string
	// StopOnQuit makes quitting send CmdStop and wait briefly for the run's
	// DoneEvent, so it leaves a valid checkpoint. Set it where the app owns
	// the run (the local app); leave it off for a run others watch too.
	StopOnQuit bool
	// Export writes the run's last checkpoint as a NIR graph and returns
	// the file (see README, "NIR"); the export key saves a checkpoint
	// first and then calls it off the UI goroutine. nil: no export here.
	Export func() (string, error)
	// Autopilot, when set, drives the run with the scripted demo; its
	// caption is shown on the last row and a key of a user who may steer
	// takes over from it (see tui/autopilot.go).
	Autopilot *Pilot
	// NewRun are the run's engine.NewRunFields as text (engine.NewRunValues),
	// to prefill the new-run form; nil: only what the events say.
	NewRun map[string]string
}
