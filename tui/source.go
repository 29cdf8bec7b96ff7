package tui

import "inloop/engine"

// Source is a training run the app watches and steers. *engine.Trainer is one.
type Source interface {
	Subscribe() (events <-chan engine.Event, cancel func())
	Send(engine.Command)
}

// Options configure one instance of the app (one per terminal or SSH session).
type Options struct {
	// ReadOnly hides the editors and refuses commands; ReadOnlyReason is shown.
	ReadOnly       bool
	ReadOnlyReason string
	// Title names the run in the status bar (e.g. "shared run" over SSH).
	Title string
}
