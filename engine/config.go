package engine

import "inloop/hw"

// Mode selects how the network is trained.
type Mode string

const (
	ModeChip     Mode = "chip"     // in the loop: forward on the chip, backward through the model
	ModeSoftware Mode = "software" // ideal model only, float weights
	ModeTransfer Mode = "transfer" // train in software, evaluate on the chip
)

// Hyper are the hyperparameters that may change while a run goes on.
type Hyper struct {
	LR            float64 // Adam learning rate
	LRDecay       float64 // multiplicative decay per epoch (0.97 = 3 %)
	Batch         int
	SurrogateBeta float64 // SuperSpike steepness β (50)
	ReadoutScale  float64 // factor on max-over-time output (10)
	SpikeReg      float64 // ρ_b, spike-count regulariser
	AmplitudeReg  float64 // ρ_a, readout amplitude penalty
	WeightL2      float64 // hidden weight L2 (0.1)
	Dropout       float64 // hidden dropout rate, 0..1
	// MembraneNoise is the SD of the chip's membrane noise within a
	// sample, LSB (hw.MembraneNoise.SD; 0 = off, as in runs made before it
	// existed).
	MembraneNoise float64 `json:",omitempty"`
}

// Config is everything a run needs; it is written to the run directory.
type Config struct {
	Dataset     string // yinyang | mnist | fashion-mnist | shd
	DataDir     string
	Mode        Mode
	Epochs      int
	ChipSeed    uint64
	NoiseSeed   uint64
	Seed        uint64  // init, data order, dropout
	Calibration string  // calibrated | uncalibrated
	Decalibrate float64 // σ_d of τ_mem, τ_syn and threshold jointly; 0 = none
	// Detune gives each detuned parameter its own σ_d (instead of the joint
	// Decalibrate; zero = none).
	Detune hw.Detuning `json:",omitzero"`
	// DecalibrateSeed draws the per-neuron targets; 0 = Seed.
	DecalibrateSeed uint64 `json:",omitempty"`
	// Augment applies the dataset's training-time augmentation (rotation
	// ≤ 15° for MNIST and Fashion-MNIST, channel jitter for SHD), drawn
	// from the step's seed.
	Augment bool   `json:",omitempty"`
	Targets string `json:",omitempty"` // calibration targets "leak=90,..."; "" = the paper's
	RunDir  string // where to write; "" = no run files
	Resume  string // run directory to continue from its last checkpoint
	Hidden  int    // hidden neurons; 0 = dataset default
	Hyper   Hyper
	// InitFrom names where the initial weights came from (a NIR file);
	// Init holds them, applied by NewLearner in place of the random
	// initialisation and not stored (checkpoints hold the weights).
	InitFrom string   `json:",omitempty"`
	Init     *Network `json:"-"`
	// Options that take the method apart (experiments, tests); the zero
	// values are the defaults.
	IdealChip      bool    `json:",omitempty"` // a chip without mismatch and noise (hw.Options.Ideal)
	UnitOutputGain bool    `json:",omitempty"` // backward pass with the output weights at gain 1 (the paper's), not the chip's s_o/240
	YinYangRepeat  int     `json:",omitempty"` // input channels per Yin-Yang value; 0 = 5
	YinYangLate    float64 `json:",omitempty"` // µs, spike time of the Yin-Yang value 1; 0 = 20.4
	// Changes are applied as commands when a resumed run starts: the
	// settings given as flags with --resume.
	Changes []Command `json:"-"`
}

// Summary is the end-of-run report (the `train --json` line).
type Summary struct {
	Dataset               string  `json:"dataset"`
	Mode                  Mode    `json:"mode"`
	Epochs                int     `json:"epochs"`
	TrainAccuracy         float64 `json:"train_accuracy"`
	TestAccuracy          float64 `json:"test_accuracy"`
	TestLoss              float64 `json:"test_loss"`
	HiddenSpikesPerSample float64 `json:"hidden_spikes_per_sample"`
	SamplesPerSecond      float64 `json:"samples_per_second"`
	WallSeconds           float64 `json:"wall_seconds"`
	ChipSeed              uint64  `json:"chip_seed"`
	Seed                  uint64  `json:"seed"`
	Calibration           string  `json:"calibration"`
	Decalibrate           float64 `json:"decalibrate"`
	Steps                 int     `json:"steps"`
	Completed             bool    `json:"completed"` // all epochs trained (not stopped early)
	RunDir                string  `json:"run_dir,omitempty"`
}
