package engine

import (
	"context"
	"errors"
)

// CONTRACT STUB: the engine helper replaces this file with the real trainer.

// Trainer runs one training run in its own goroutine: events out, commands in.
type Trainer struct{}

// NewTrainer validates cfg and prepares the run (dataset, chip, network).
func NewTrainer(cfg Config) (*Trainer, error) { return nil, errors.New("trainer not built yet") }

// Start launches the training goroutine; it ends when ctx is done, on CmdStop,
// or when the epochs are over.
func (t *Trainer) Start(ctx context.Context) {}

// Subscribe returns a new event stream. It first replays the state so far
// (HistoryEvent, HyperEvent, ChipEvent, EvalEvents, CommandEvents, the latest
// ProgressEvent and SampleEvent), then delivers live events: throttled ones
// newest-wins, the others never dropped. The channel is closed after the
// DoneEvent or when cancel is called.
func (t *Trainer) Subscribe() (events <-chan Event, cancel func()) { return nil, func() {} }

// Send queues a command for the trainer; it never blocks.
func (t *Trainer) Send(c Command) {}

// Wait blocks until the run has ended and returns its summary.
func (t *Trainer) Wait() (Summary, error) { return Summary{}, errors.New("trainer not built yet") }
