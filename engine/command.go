package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// CommandKind names what a Command asks of the trainer.
type CommandKind string

const (
	CmdPause       CommandKind = "pause"
	CmdResume      CommandKind = "resume"
	CmdStep        CommandKind = "step"        // run one batch while paused
	CmdStop        CommandKind = "stop"        // checkpoint and end the run
	CmdSet         CommandKind = "set"         // Name = hyperparameter, Value = text
	CmdRecalibrate CommandKind = "recalibrate" // Value optional: targets "leak=80,threshold=150,..."
	CmdUncalibrate CommandKind = "uncalibrate"
	CmdDecalibrate CommandKind = "decalibrate" // Value = σ_d, e.g. "0.3"
	CmdChipSeed    CommandKind = "chip-seed"   // Value = new chip seed
	CmdMode        CommandKind = "mode"        // Value = chip|software|transfer
	CmdSave        CommandKind = "save"        // write a checkpoint now
	CmdPace        CommandKind = "pace"        // Value = batches per second, "full" or 0: full speed
	CmdStartOver   CommandKind = "start-over"  // Value = same|next: fresh weights from that seed
	CmdNewRun      CommandKind = "new-run"     // Value = NewRunFields as a query string (NewRunCommand)
)

// Command is a request to the trainer, applied between batches. Values are
// text as a user typed them; the trainer validates and refuses with a reason.
type Command struct {
	Kind  CommandKind
	Name  string
	Value string
}

// Pace limits: from one batch in ten seconds to what no run reaches.
const (
	MinPace = 0.1
	MaxPace = 10000
)

// ParsePace reads a pace in batches per second: "full" or 0 is full speed.
// The app's flag and its pace key and the trainer all read it here.
func ParsePace(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "full" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v == 0 || (v >= MinPace && v <= MaxPace)) {
		return 0, fmt.Errorf("pace %q is not accepted: give batches per second from %g to %g, or 0 or full for full speed", s, float64(MinPace), float64(MaxPace))
	}
	return v, nil
}

// PaceText is a pace as the status bar shows it: "1 batch/s", "full speed".
func PaceText(p float64) string {
	switch {
	case p == 0:
		return "full speed"
	case p == 1:
		return "1 batch/s"
	}
	return strconv.FormatFloat(p, 'g', 3, 64) + " batches/s"
}
