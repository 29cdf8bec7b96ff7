package engine

import "time"

// Event is a value copy the trainer emits for its consumers (the app, the
// headless progress printer). Events share no memory with the trainer.
type Event interface{ event() }

// ProgressEvent reports the state after a training batch. Throttled: newest wins.
type ProgressEvent struct {
	Step            int // optimiser steps so far
	Epoch           int // 0-based epoch in progress
	Batch           int // batch within the epoch, 1-based
	BatchesPerEpoch int
	Epochs          int     // the run's length; 0: no end, it trains until stopped
	Loss            float64 // training loss of the last batch
	Accuracy        float64 // training accuracy of the last batch, 0..1
	SamplesPerSec   float64
	SpikesPerSample float64 // hidden spikes per sample in the last batch
	LR              float64
	Mode            Mode
	ChipSeed        uint64
	Calibration     string // "calibrated", "uncalibrated", "decalibrated σ=0.30"
	Paused          bool
	AtEnd           bool    // trained all Epochs; waits for more (Trainer.KeepOpen)
	Pace            float64 // batches per second the run is held to; 0: full speed
	Elapsed         time.Duration
	Weights         WeightStats
}

// WeightStats summarises the weights as they are written to the chip.
type WeightStats struct {
	HiddenMean, HiddenSD, HiddenSaturated float64 // saturated: fraction at ±63
	OutputMean, OutputSD, OutputScale     float64
}

// EvalEvent reports an evaluation on the test split (and the training accuracy
// of the epoch that just ended). Never dropped.
type EvalEvent struct {
	Step            int
	Epoch           int // epochs completed when evaluated
	TrainAccuracy   float64
	TestAccuracy    float64
	TestLoss        float64
	SpikesPerSample float64
	// Confusion counts the test samples of true class i predicted as j at
	// i·classes+j.
	Confusion []int
}

// SampleEvent is the latest training sample as the chip saw it: input, hidden
// and output spikes, and the CADC and true membrane of probed neurons.
// Throttled: newest wins.
type SampleEvent struct {
	Step         int
	Label        int
	Prediction   int
	Classes      []string
	Window       float64 // µs the sample spans
	Dt           float64 // µs between CADC frames
	Inputs       int
	Hidden       int
	Outputs      int
	InputSpikes  []SpikeAt // Index is the input channel
	HiddenSpikes []SpikeAt // Index is the hidden neuron
	// OutputTraces are the normalised (model-unit) output membranes, one per
	// output neuron, one value per CADC frame.
	OutputTraces [][]float64
	Probes       []ProbeTrace
}

// SpikeAt is one spike: neuron or channel Index at Time µs.
type SpikeAt struct {
	Index int
	Time  float64
}

// ProbeTrace is one hidden or output neuron's membrane: what the CADC read and
// the true analog value beside it, both in CADC LSB.
type ProbeTrace struct {
	Layer     string // "hidden" or "output"
	Index     int    // neuron within its layer
	Neuron    int    // logical neuron on the chip
	CADC      []float64
	CADCDt    float64 // µs
	True      []float64
	TrueDt    float64   // µs
	Spikes    []float64 // µs
	Leak      float64   // CADC LSB (the circuit's calibrated/uncalibrated leak)
	Threshold float64   // CADC LSB
}

// ChipEvent describes the chip after it was created, calibrated, decalibrated
// or swapped. Never dropped.
type ChipEvent struct {
	ChipSeed    uint64
	Calibration string
	Params      []ParamMap // one per mismatched parameter
	Failed      int        // circuits that failed calibration
	// Failures lists each parameter a circuit missed in the calibration in
	// force; Roles says what the network uses each circuit for (by circuit,
	// as the maps; nil without a placed network).
	Failures []CircuitFailure
	Roles    []CircuitRole
}

// CircuitFailure is a circuit that missed a calibration target.
type CircuitFailure struct {
	Circuit         int
	Param           string
	Target, Reached float64 // in the parameter's unit
}

// CircuitRole is what the placed network uses one circuit for.
type CircuitRole struct {
	Layer  string // "hidden", "output", or "" for a circuit the network leaves unused
	Index  int    // neuron within its layer
	Neuron int    // logical neuron on the chip
	Second bool   // the neuron's second circuit (adds a synapse column)
	Rows   string // synapse rows carrying its sources, as ranges: "0–9, 24–263"
	// Inputs and Hidden count the inputs and hidden neurons on those rows.
	Inputs, Hidden int
}

// ParamMap holds one parameter over all 512 circuits in physical units, laid
// out as on the die (index = hemisphere*256 + column).
type ParamMap struct {
	Name         string // "leak", "reset", "threshold", "tau_mem", "tau_syn", "refractory", "syn_gain", "cadc_offset"
	Unit         string // "LSB", "µs", ""
	Uncalibrated []float64
	Calibrated   []float64 // nil until the chip was calibrated once
	Current      []float64
	// CapMem codes of each circuit before calibration and now; nil for a
	// parameter without a cell (cadc_offset is corrected digitally).
	UncalibratedCodes, Codes []uint16
}

// HyperEvent carries the hyperparameters in force. Never dropped.
type HyperEvent struct {
	Step  int
	Hyper Hyper
	Mode  Mode
}

// CommandEvent reports a command the trainer applied or refused, as written to
// the run's log. Never dropped.
type CommandEvent struct {
	Step    int
	Command Command
	Applied bool
	Err     string // why it was refused
	// Auto says why the trainer made this change itself, e.g. "warm
	// restart after decalibrate 0.3"; "" for a user's command.
	Auto string
}

// DoneEvent is the last event: the run ended (finished, stopped or failed).
type DoneEvent struct {
	Summary Summary
	Err     error
}

// RunEvent says a new run began in the session (a start over): what a
// consumer shows of the previous run is history now. Never dropped.
type RunEvent struct {
	Why         string // "start over (next seed)"
	Dataset     string
	Seed        uint64
	Mode        Mode
	ChipSeed    uint64
	Calibration string
	Epochs      int    // 0: no end
	RunDir      string // "" without run files
	DataDir     string // "" = the default ($INLOOP_DATA_DIR)
	Hidden      int    // hidden neurons
}

// HistoryEvent replays the training curve so far (decimated) to a consumer
// that subscribed mid-run. Sent once, first, on Subscribe.
type HistoryEvent struct {
	Steps    []int
	Loss     []float64
	Accuracy []float64
}

func (HistoryEvent) event()  {}
func (ProgressEvent) event() {}
func (EvalEvent) event()     {}
func (SampleEvent) event()   {}
func (MapEvent) event()      {}
func (ChipEvent) event()     {}
func (HyperEvent) event()    {}
func (CommandEvent) event()  {}
func (DoneEvent) event()     {}
func (RunEvent) event()      {}
