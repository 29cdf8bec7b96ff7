package engine

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
)

// Command is a request to the trainer, applied between batches. Values are
// text as a user typed them; the trainer validates and refuses with a reason.
type Command struct {
	Kind  CommandKind
	Name  string
	Value string
}
