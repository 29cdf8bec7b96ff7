// Package hw emulates one BrainScaleS-2-like analog neuromorphic chip: 512
// current-based LIF circuits in two hemispheres, two 256×256 arrays of 6-bit
// synapses, CapMem parameter codes with fixed-pattern mismatch drawn from a
// chip seed, temporal noise, an 8-bit columnar ADC (CADC) and spike readout
// on an 8 ns grid, and a calibration routine. Callers configure integer codes,
// run experiments and read observables, as they would with silicon; the true
// analog state is reachable only through the explicit introspection fields
// (RunOptions.Probe).
//
// Units: potentials in CADC LSB (the leak of a calibrated neuron reads 80,
// its threshold 150), time in hardware µs, synaptic currents in LSB/µs. One
// hardware weight unit moves the synaptic current by SynapticCurrentPerWeight
// (≈0.228 LSB/µs), a PSP peaking at ≈0.50 LSB for τ_mem = τ_syn = 6 µs: the
// training model's hidden scale 240 then gives its unit-weight PSP of 1.71
// threshold distances (docs/model.md §3.3).
//
// Layout: a logical neuron n is the circuit pair 2n, 2n+1 of hemisphere n/128
// (the first fires and is read out; leak, τ_mem and τ_syn are the pair's
// means; each circuit's synapse column keeps its own gain). External input i
// uses row-pair slot i, neuron j slot (Inputs+j) mod 256; Configure refuses
// what the silicon could not do with a *ConfigError naming the limit.
//
// Integration is exact and event-driven (lif.go, sim.go): closed-form
// propagation between events with propagators on the 8 ns grid composed from
// two small tables per neuron (model.go), threshold crossings located to the
// tick by Newton's iteration over tick boundaries (the rising membrane is
// concave, so it approaches the crossing from below; a safeguarded continuous
// root finder in the rare cases), and neurons of feed-forward levels
// integrated before the event loop (sim_ff.go): a contiguous level in flat
// passes over all its neurons (sim_range.go), a readout layer of integrators
// frame to frame by superposition (sim_readout.go). On amd64 the inner loops
// have AVX2 kernels (converting the events to ticks, summing the jumps of one
// tick, stepping the quiet neurons, the readout frames and the CADC, the
// noise deviates) that do the scalar code's float operations in its order,
// lane by lane, so every observable is the same bits with or without them
// (golden_test.go pins them). Timing conventions are in sim.go; the
// calibration's measurements in calibrate.go.
//
// Observing never changes the chip. A spike's tick is decided on the tick
// grid by one rule for every neuron (the first tick boundary at which the
// membrane, evaluated from its state with the tabulated propagators, is at
// or above threshold; self-firing neurons included), the deliveries of one
// tick are summed in the order of the sending neuron, and every noise draw
// has a fixed place (per neuron, frame and refresh) drawn up front, so
// probes, the other samples of a batch, the number of cores and the vector
// kernels leave spike ticks and CADC codes as they are (path_test.go fuzzes
// random networks for it).
//
// Temporal noise (noise.go): per-sample offsets of leak and threshold,
// membrane noise within the sample (an Ornstein–Uhlenbeck current on the
// synaptic input, refreshed every 1.7 µs; its statistics are tested against
// their closed form, its spikes against a fine-step integration of the same
// noise path) and white readout noise. Samples are independent and run in
// parallel; sample k of a run draws its noise from (NoiseSeed,
// Sequence()+k), so results do not depend on the number of cores. A Chip is
// not safe for concurrent use by several goroutines.
//
// For research (see Example):
//
//   - Options switch mismatch (NoMismatch) and temporal noise (NoNoise, or
//     Membrane.Off for the membrane noise alone) independently and set the
//     membrane noise's amplitude and refresh interval; SetMembraneNoise
//     changes it later.
//   - SetNeuron sets one logical neuron's parameters on any chip (analog
//     values, over its codes); Calibrate, Decalibrate and Uncalibrate work
//     chip-wide.
//   - Neuron returns the parameters a logical neuron's dynamics use (its
//     first circuit's reset, threshold and refractory time on the 8 ns grid,
//     the mean leak and time constants of its two circuits, both columns'
//     gains); Values gives every circuit's, refractory on the grid too.
//   - SynapseGain returns each synapse's gain (times its circuit's), Slot the
//     slot of a source; a weight w moves the current by
//     w·SynapticCurrentPerWeight·gain.
//   - Noise replays the temporal noise a sample draws (offsets, readout noise,
//     the membrane noise's refresh ticks and kicks) without running it.
package hw
