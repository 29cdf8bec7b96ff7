package tui

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"inloop/engine"
)

// AutopilotIdle is how long the autopilot waits after the last key of a
// user who took over before it drives again (see README, "Autopilot").
const AutopilotIdle = 60 * time.Second

// AutopilotPace is the pace in batches per second the autopilot holds a
// run at full speed to, so a scene of a few epochs lasts long enough to be
// watched (Yin-Yang: about 3 s an epoch, a round of the script about 3
// minutes). A pace given with --pace is kept.
const AutopilotPace = 30

// scene is one step of the autopilot's demo: a command sent when it begins
// (none for the first, plain training) and a caption shown while it lasts,
// Epochs epochs of training.
type scene struct {
	Epochs  int
	Caption string
	// command is the command that begins the scene, built from the run's
	// progress as a user's settings edit would be; ok false: none.
	command func(p engine.ProgressEvent) (c engine.Command, ok bool)
}

// settingCommand builds the command the settings row of kind k sends for
// the typed value, so a scene is exactly a user's edit.
func settingCommand(k engine.CommandKind, value string) engine.Command {
	for _, st := range settings {
		if st.Kind == k {
			c, err := st.command(value)
			if err != nil {
				panic(fmt.Sprintf("autopilot: %s %q refused by the settings table: %v", k, value, err)) // a programmer error
			}
			return c
		}
	}
	panic("autopilot: no settings row for " + string(k))
}

// demoScenes is the autopilot's script, looped forever.
var demoScenes = []scene{
	// The first scene's command begins each later round: the run starts
	// over; the first round is the run as it starts.
	{Epochs: 12, Caption: "training from fresh weights, chip in the loop: watch test accuracy climb (an earlier round stays faded)",
		command: func(engine.ProgressEvent) (engine.Command, bool) {
			return engine.Command{Kind: engine.CmdStartOver, Value: "next"}, true
		}},
	{Epochs: 15, Caption: "decalibrated by σ_d = 0.3: accuracy drops, then training in the loop recovers it (nobody touches lr)",
		command: func(engine.ProgressEvent) (engine.Command, bool) {
			return settingCommand(engine.CmdDecalibrate, "0.3"), true
		}},
	{Epochs: 15, Caption: "swapped the die: a new chip seed, new mismatch on the map; watch the same weights adapt to it",
		command: func(p engine.ProgressEvent) (engine.Command, bool) {
			return settingCommand(engine.CmdChipSeed, strconv.FormatUint(p.ChipSeed+1, 10)), true
		}},
	{Epochs: 6, Caption: "transfer mode: trained in software, run on the chip; look for the gap the mismatch opens",
		command: func(engine.ProgressEvent) (engine.Command, bool) {
			return settingCommand(engine.CmdMode, "transfer"), true
		}},
	{Epochs: 8, Caption: "back to chip-in-the-loop training: the gap closes as the chip's own outputs drive the gradients",
		command: func(engine.ProgressEvent) (engine.Command, bool) {
			return settingCommand(engine.CmdMode, "chip"), true
		}},
}

// Autopilot is the demo's state machine: given the run's progress and the
// time it says which command to send and which caption to show. It is
// pure: no goroutines, no clock of its own.
type Autopilot struct {
	scenes []scene
	idle   time.Duration

	scene   int  // the scene in force
	started bool // the first progress was seen
	since   int  // epoch at which the scene began
	loops   int  // times the script went round

	last engine.ProgressEvent // the newest progress seen

	manual  bool      // a user took over
	lastKey time.Time // the taking-over user's last key
}

// NewAutopilot returns the demo's autopilot; idle is how long after a
// user's last key it drives again.
func NewAutopilot(idle time.Duration) *Autopilot {
	return &Autopilot{scenes: demoScenes, idle: idle}
}

// Progress takes the run's progress at time now and returns the commands
// to send (none most of the time).
func (a *Autopilot) Progress(p engine.ProgressEvent, now time.Time) []engine.Command {
	a.last = p
	var out []engine.Command
	if a.manual {
		if now.Sub(a.lastKey) < a.idle {
			return nil
		}
		a.manual = false
		if p.Paused { // the user left it paused
			out = append(out, engine.Command{Kind: engine.CmdResume})
		}
		return append(out, a.next(p)...)
	}
	if !a.started {
		a.started, a.since = true, p.Epoch
		if p.Pace == 0 {
			out = append(out, engine.Command{Kind: engine.CmdPace, Value: strconv.Itoa(AutopilotPace)})
		}
	}
	if p.Epoch < a.since { // a start-over: epochs count from 0 again
		a.since = p.Epoch
	}
	if p.Epoch-a.since >= a.scenes[a.scene].Epochs {
		out = append(out, a.next(p)...)
	}
	return out
}

// Tick is the time passing without progress (a run the user left paused
// sends none): it hands the run back once the idle time is over.
func (a *Autopilot) Tick(now time.Time) []engine.Command {
	if !a.manual || !a.started {
		return nil
	}
	return a.Progress(a.last, now)
}

// next begins the next scene.
func (a *Autopilot) next(p engine.ProgressEvent) []engine.Command {
	a.scene++
	if a.scene == len(a.scenes) {
		a.scene = 0
		a.loops++
	}
	a.since = p.Epoch
	sc := a.scenes[a.scene]
	if sc.command == nil {
		return nil
	}
	c, ok := sc.command(p)
	if !ok {
		return nil
	}
	return []engine.Command{c}
}

// TakeOver hands the run to a user who pressed a key at now; each later key
// keeps it theirs.
func (a *Autopilot) TakeOver(now time.Time) {
	a.manual, a.lastKey = true, now
}

// Caption is the line the screen shows: what the demo is doing and what
// to look for, or that a user steers by hand.
func (a *Autopilot) Caption() string {
	if a.manual {
		// neutral: read-only viewers of a shared run see it too
		return fmt.Sprintf("autopilot off: steered by hand; it resumes %s after the last key", a.idle)
	}
	return fmt.Sprintf("autopilot %d/%d: %s", a.scene+1, len(a.scenes), a.scenes[a.scene].Caption)
}

// Pilot drives a run with an Autopilot: it watches the run's events on
// its own goroutine and sends the scenes' commands as a user would. Apps
// reach it through Options.Autopilot to show its caption and to hand it
// over on a key.
type Pilot struct {
	mu sync.Mutex
	ap *Autopilot
}

// StartPilot subscribes to src and drives it until the stream ends.
func StartPilot(src Source, idle time.Duration) *Pilot {
	pl := &Pilot{ap: NewAutopilot(idle)}
	s := src.Subscribe()
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			var cmds []engine.Command
			ended := false
			select {
			case <-tick.C:
				pl.mu.Lock()
				cmds = pl.ap.Tick(time.Now())
				pl.mu.Unlock()
			case <-s.Ready():
				var evs []engine.Event
				evs, ended = s.Take()
				pl.mu.Lock()
				for _, ev := range evs {
					if p, ok := ev.(engine.ProgressEvent); ok {
						cmds = append(cmds, pl.ap.Progress(p, time.Now())...)
					}
				}
				pl.mu.Unlock()
			}
			for _, c := range cmds {
				src.Send(c)
			}
			if ended {
				return
			}
		}
	}()
	return pl
}

// TakeOver hands the run to a user who just pressed a key.
func (pl *Pilot) TakeOver() {
	pl.mu.Lock()
	pl.ap.TakeOver(time.Now())
	pl.mu.Unlock()
}

// Caption is the autopilot's current caption.
func (pl *Pilot) Caption() string {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return pl.ap.Caption()
}
