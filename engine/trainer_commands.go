package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// commandQueue holds commands until the trainer reaches a batch boundary.
// push never blocks; commands are few (typed by people), so the queue stays
// short.
type commandQueue struct {
	mu   sync.Mutex
	q    []Command
	wake chan struct{} // capacity 1: "a command is waiting"
}

func newCommandQueue() commandQueue { return commandQueue{wake: make(chan struct{}, 1)} }

func (c *commandQueue) push(cmd Command) {
	c.mu.Lock()
	c.q = append(c.q, cmd)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *commandQueue) take() []Command {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.q
	c.q = nil
	return q
}

// commandNames lists the accepted command kinds for error messages.
const commandNames = "pause, resume, step, stop, set, recalibrate, uncalibrate, decalibrate, chip-seed, mode, save, pace, start-over, new-run"

// applyCommands applies the waiting commands in order. After a stop the
// rest are refused. A non-nil error ends the run (a step that failed).
func (t *Trainer) applyCommands() (stop bool, err error) {
	for _, c := range t.cmds.take() {
		if stop {
			t.record(c, errStopped)
			continue
		}
		stop, err = t.apply(c)
		if err != nil {
			return false, err
		}
	}
	return stop, nil
}

// apply applies one command and records it as applied or refused. Only a
// failed training step or weights left non-finite return an error; bad
// values are refused and the run goes on.
func (t *Trainer) apply(c Command) (stop bool, err error) {
	var refuse error
	switch c.Kind {
	case CmdPause:
		t.paused = true
		t.winTime, t.winSeen = 0, 0
	case CmdResume:
		t.paused = false
	case CmdStep:
		switch {
		case !t.paused:
			refuse = errors.New("step runs one batch while paused; pause first")
		case t.finished():
			refuse = errors.New("the run has trained all its epochs: give it more epochs first")
		default:
			if err := t.trainBatch(true); err != nil {
				t.record(c, nil)
				return false, err
			}
		}
	case CmdStop:
		t.record(c, nil)
		return true, nil
	case CmdSet:
		refuse = t.set(c.Name, c.Value)
	case CmdRecalibrate:
		if refuse = t.l.Recalibrate(strings.TrimSpace(c.Value)); refuse == nil {
			t.calibration, t.sigma = "calibrated", 0
			if v := strings.TrimSpace(c.Value); v != "" {
				t.calibration = "calibrated (" + v + ")"
			}
		}
	case CmdUncalibrate:
		if refuse = t.l.Uncalibrate(); refuse == nil {
			t.calibration, t.sigma = "uncalibrated", 0
		}
	case CmdDecalibrate:
		var sigma float64
		if sigma, refuse = parseSigma(c.Value); refuse == nil {
			if refuse = t.l.Decalibrate(sigma); refuse == nil {
				t.calibration, t.sigma = decalibratedLabel(sigma), sigma
			}
		}
	case CmdChipSeed:
		var v string
		if v, refuse = checkSetting(c); refuse == nil {
			seed, _ := parseChipSeed(v)
			if refuse = t.l.SwapChip(seed); refuse == nil {
				t.chipSeed = seed
			}
		}
	case CmdMode:
		var v string
		if v, refuse = checkSetting(c); refuse == nil {
			if refuse = t.l.SetMode(Mode(v)); refuse == nil {
				t.mode = Mode(v)
			}
		}
	case CmdStartOver:
		refuse = t.startOver(c.Value)
	case CmdNewRun:
		refuse = t.newRun(c.Value)
	case CmdPace:
		var p float64
		if p, refuse = ParsePace(c.Value); refuse == nil {
			t.pace, t.nextBatch = p, time.Time{}
		}
	case CmdSave:
		if t.run == nil {
			refuse = errors.New("this run has no run directory to save to (start it with --run-dir)")
		} else {
			refuse = t.checkpoint()
			var de *DivergedError
			if errors.As(refuse, &de) {
				t.record(c, refuse)
				return false, refuse
			}
		}
	default:
		refuse = fmt.Errorf("unknown command %q (accepted: %s)", c.Kind, commandNames)
	}
	t.record(c, refuse)
	if refuse == nil {
		if err := t.afterCommand(c.Kind); err != nil {
			return false, err
		}
		return false, t.warmRestart(c)
	}
	return false, nil
}

// warmRestart returns the learning rate to its base value (the configured
// or last set lr, before the per-epoch decay) after a change to the chip or
// the mode, so a long session whose lr has decayed to nothing can learn the
// changed chip again without anyone touching lr. The lr is then held there
// while the test accuracy improves (see holdLR), and decays as before
// after. The change is recorded and shown like a user's, marked Auto.
func (t *Trainer) warmRestart(cause Command) error {
	switch cause.Kind {
	case CmdRecalibrate, CmdUncalibrate, CmdDecalibrate, CmdChipSeed, CmdMode:
	default:
		return nil
	}
	lr := t.baseLR * restartFraction
	if !(t.lr() < lr*(1-1e-9)) {
		return nil // not decayed that far: nothing to restart
	}
	t.l.SetLR(lr)
	c := Command{Kind: CmdSet, Name: "lr", Value: strconv.FormatFloat(lr, 'g', 3, 64)}
	t.recordAuto(c, nil, "warm restart after "+commandText(cause)+", held while the test accuracy improves")
	t.hold = lrHold{on: true, best: -1, lr: lr}
	return t.afterCommand(CmdSet)
}

// lrHold is the state of the lr after a warm restart: held at its base
// while the test accuracy improves on its best since the restart.
type lrHold struct {
	on     bool
	best   float64 // best test accuracy since the restart
	misses int     // epochs since it last improved
	epochs int     // epochs held
	lr     float64 // the lr held
}

// Holding ends after holdPatience epochs without a better test accuracy
// (one: the noise of a held lr soon stops the gains, and decay anneals it),
// or after holdMost epochs in all.
const (
	holdPatience = 1
	holdMost     = 40
)

// holdLR runs after an epoch's decay and evaluation: while the lr is held,
// it undoes the decay, or ends the hold (recorded as the trainer's own
// change) once the test accuracy stops improving.
func (t *Trainer) holdLR() {
	h := &t.hold
	if !h.on || t.lastEval == nil {
		return
	}
	h.epochs++
	if acc := t.lastEval.TestAccuracy; acc > h.best {
		h.best, h.misses = acc, 0
	} else {
		h.misses++
	}
	if h.misses >= holdPatience || h.epochs >= holdMost {
		h.on = false
		v := strconv.FormatFloat(t.lr(), 'g', 3, 64)
		t.recordAuto(Command{Kind: CmdSet, Name: "lr", Value: v}, nil,
			fmt.Sprintf("lr decay resumes: the test accuracy did not improve on %.1f %%", 100*h.best))
		return
	}
	t.l.SetLR(h.lr)
}

// restartFraction is the share of the base lr a warm restart returns to:
// high enough to learn a changed chip within a few epochs, low enough that
// the per-epoch decay anneals it within some fifteen (RESULTS.md).
const restartFraction = 0.25

// commandText is a command as a person would write it: "decalibrate 0.3".
func commandText(c Command) string {
	switch {
	case c.Kind == CmdSet:
		return c.Name + "=" + c.Value
	case strings.TrimSpace(c.Value) != "":
		return string(c.Kind) + " " + strings.TrimSpace(c.Value)
	}
	return string(c.Kind)
}

// afterCommand tells consumers what an applied command changed. Its error
// is the divergence the progress check finds (weights no longer finite).
func (t *Trainer) afterCommand(k CommandKind) error {
	switch k {
	case CmdSet, CmdMode:
		t.hub.publish(t.hyperEvent())
	case CmdRecalibrate, CmdUncalibrate, CmdDecalibrate, CmdChipSeed:
		t.hub.publish(t.chipEvent())
	}
	switch k {
	case CmdRecalibrate, CmdUncalibrate, CmdDecalibrate, CmdChipSeed, CmdMode:
		t.emitSample(t.sampleIdx, true) // show the same sample on the changed chip
	}
	return t.emitProgress(true)
}

// set changes a hyperparameter through the learner, or the number of
// epochs, which the trainer owns.
func (t *Trainer) set(name, value string) error {
	name = strings.TrimSpace(name)
	if name == "epochs" {
		v, err := checkSetting(Command{Kind: CmdSet, Name: name, Value: value})
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(v)
		least := max(t.pos.Epoch, 1)
		if t.pos.Offset > 0 {
			least = t.pos.Epoch + 1
		}
		if n < least {
			return fmt.Errorf("epochs: %d is fewer than the epochs already begun (accepted: at least %d)", n, least)
		}
		t.epochs = n
		return nil
	}
	if err := t.l.Set(name, value); err != nil {
		return err
	}
	if name == "lr" {
		t.baseLR = t.l.Config().Hyper.LR
		t.hold.on = false // the user's lr rules
	}
	h := t.l.Config().Hyper
	if h.Batch < 1 { // the learner accepted it, but the trainer cannot
		return fmt.Errorf("batch must be at least 1")
	}
	t.hyper = h
	return nil
}

// record writes an applied or refused command to the log and the consumers.
func (t *Trainer) record(c Command, refused error) { t.recordAuto(c, refused, "") }

// recordAuto records a command; auto says why the trainer made it itself
// ("" for a user's command).
func (t *Trainer) recordAuto(c Command, refused error, auto string) {
	ev := CommandEvent{Step: t.pos.Step, Command: c, Applied: refused == nil, Auto: auto}
	if refused != nil {
		ev.Err = refused.Error()
	}
	t.hub.publish(ev)
	t.logRecord(commandRecord{
		Kind: "command", Time: time.Now(), Step: ev.Step, Command: string(c.Kind), Name: c.Name, Value: c.Value,
		Applied: ev.Applied, Err: ev.Err, Auto: auto,
	})
}

// checkSetting validates a command's value by the settings table (hyper.go).
func checkSetting(c Command) (string, error) {
	s, err := FindSetting(c.Kind, c.Name)
	if err != nil {
		return "", err
	}
	return s.Check(c.Value)
}
