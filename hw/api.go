package hw

// This file is the contract between the chip and its callers (engine, tui,
// main). Bodies live in the other files of the package.

// Chip geometry and hardware constants.
const (
	Circuits       = 512   // neuron circuits on the die
	Hemispheres    = 2     // top and bottom halves
	Rows           = 256   // synapse rows per array (one array per hemisphere)
	Columns        = 256   // synapse columns per array (one per circuit)
	LogicalNeurons = 256   // logical neurons of 2 circuits each
	MaxFanIn       = 256   // signed sources per logical neuron (row pairs × 2 columns)
	MaxWeight      = 63    // 6-bit synapse weight; signed weights are −63..63
	CapMemMax      = 1022  // largest usable 10-bit CapMem code
	CADCPeriod     = 1.7   // default CADC sampling interval, µs
	EventTick      = 0.008 // spike timestamp grid (125 MHz FPGA clock), µs
	CADCMax        = 255   // 8-bit CADC full scale
)

// Param names a per-circuit analog parameter that carries mismatch.
type Param int

const (
	ParamLeak       Param = iota // leak potential, CADC LSB
	ParamReset                   // reset potential, CADC LSB
	ParamThreshold               // threshold potential, CADC LSB
	ParamTauMem                  // membrane time constant, µs
	ParamTauSyn                  // synaptic time constant, µs
	ParamRefractory              // refractory time, µs
	ParamSynGain                 // synaptic input gain, relative (1 = nominal)
	ParamCADCOffset              // CADC channel offset, LSB (after correction when calibrated)
	NumParams
)

// CalibState is the calibration state of the chip.
type CalibState int

const (
	Uncalibrated CalibState = iota // default CapMem codes, full fixed-pattern spread
	Calibrated                     // codes searched to hit Targets
	Decalibrated                   // calibrated to per-neuron targets drawn with SD σ_d
)

// Targets are calibration targets, as in docs/model.md §2.2.
type Targets struct {
	Leak       float64 `json:"leak"`       // CADC LSB
	Reset      float64 `json:"reset"`      // CADC LSB
	Threshold  float64 `json:"threshold"`  // CADC LSB
	TauMem     float64 `json:"tau_mem"`    // µs
	TauSyn     float64 `json:"tau_syn"`    // µs
	Refractory float64 `json:"refractory"` // µs
	SynGain    float64 `json:"syn_gain"`   // relative synaptic gain to match (1 = nominal)
}

// Options select a die and its temporal noise. The zero value is a realistic
// chip: mismatch from ChipSeed, temporal noise from NoiseSeed. Mismatch and
// temporal noise switch off independently.
type Options struct {
	ChipSeed  uint64 // fixed-pattern mismatch: same seed, same die
	NoiseSeed uint64 // temporal noise on membrane and readout
	// NoMismatch gives the nominal die: every circuit, synapse and CADC
	// channel on its nominal transfer curve (ChipSeed is not used).
	NoMismatch bool
	// NoNoise switches off all temporal noise: the per-sample offsets, the
	// membrane noise and the readout noise of runs, and the noise of the
	// calibration's measurements.
	NoNoise bool
	// Ideal is NoMismatch and NoNoise together, and a calibration then
	// sets the analog values to the targets exactly (the reference chip).
	Ideal bool
	// Membrane sets the membrane noise within a sample (noise.go); the
	// zero value is the default process.
	Membrane MembraneNoise
}

// MembraneNoise is the temporal noise of the membranes within a sample: a
// noise current on every neuron's synaptic input, refreshed on a fixed grid
// (see noise.go for the process and its statistics).
type MembraneNoise struct {
	Off bool // no membrane noise (the other temporal noise stays; NoNoise ends all)
	// SD is the stationary SD of a free membrane with τ_mem = τ_syn = 6 µs
	// at the refresh times, LSB; 0 means DefaultMembraneNoiseSD.
	SD float64
	// Interval is the time between refreshes of the noise current, µs; 0
	// means DefaultMembraneNoiseInterval. Finer intervals approach a
	// continuous Ornstein–Uhlenbeck current at a cost in speed.
	Interval float64
}

// NeuronParams are the parameters one logical neuron's dynamics use (see
// Chip.Neuron): its first circuit's reset, threshold and refractory time,
// the mean leak, τ_mem and τ_syn of its two circuits (shorted membranes),
// and each circuit's synaptic-input gain.
type NeuronParams struct {
	Leak      float64 `json:"leak"`      // CADC LSB
	Reset     float64 `json:"reset"`     // CADC LSB
	Threshold float64 `json:"threshold"` // CADC LSB; the comparator of an integrator is off regardless
	TauMem    float64 `json:"tau_mem"`   // µs
	TauSyn    float64 `json:"tau_syn"`   // µs
	// Refractory is the clamp in µs on the 8 ns event grid: the counter
	// holds round(value/EventTick) ticks, at least 1.
	Refractory float64 `json:"refractory"`
	// SynGain is the relative synaptic-input gain of the first and second
	// circuit: source slots 0–127 and 128–255 (see Configure).
	SynGain [2]float64 `json:"syn_gain"`
}

// Population is a contiguous range of sources: external inputs or logical neurons.
type Population struct {
	External     bool // true: external input channels; false: logical neurons
	Offset, Size int
}

// Projection is a dense block of signed hardware weights from Pre onto the
// logical neurons PostOffset..PostOffset+PostSize-1. Weights is post-major:
// Weights[post*Pre.Size+pre], each in −MaxWeight..MaxWeight.
type Projection struct {
	Pre                  Population
	PostOffset, PostSize int
	Weights              []int8
}

// Network is what the caller places on the chip.
type Network struct {
	Inputs      int // external input channels
	Neurons     int // logical neurons used (≤ LogicalNeurons)
	Projections []Projection
	// Integrators are logical neurons whose threshold comparator is off:
	// leaky integrators that never spike (the paper's readout layer).
	// External must be false; Size 0 means none.
	Integrators Population
}

// Event is one input spike: Source is an external channel, Time in µs after
// the sample's start (rounded onto the EventTick grid on injection).
type Event struct {
	Time   float64
	Source int32
}

// Stimulus is one sample's input.
type Stimulus struct {
	Events   []Event // sorted by Time
	Duration float64 // µs of recording
}

// Spike is one recorded spike, timestamped on the 8 ns grid.
type Spike struct {
	Tick   int64 // EventTick units since the sample's start
	Neuron int32 // logical neuron
}

// RunOptions configure one batch run.
type RunOptions struct {
	Frames  int     // CADC frames per sample; 0 means Duration/CADCPeriod (+1 baseline frame)
	Period  float64 // CADC sampling interval in µs; 0 means CADCPeriod
	Probe   []int   // logical neurons whose true analog membrane is returned (introspection)
	ProbeDt float64 // µs between probe points; 0 means 0.1 µs
}

// Trace is the true analog membrane of one neuron (introspection only: the
// trainer never reads it). V is in CADC LSB units before quantisation.
type Trace struct {
	Neuron int
	Dt     float64
	V      []float64
}

// Observation is what the readout returns for one sample.
type Observation struct {
	Spikes []Spike // in order of Tick, then Neuron
	Frames int
	// CADC holds frame-major 8-bit samples: CADC[f*Neurons+n], frame f at
	// time f·Period from the sample's start.
	CADC  []uint8
	Probe []Trace
}
