// Package hw emulates one BrainScaleS-2-like analog neuromorphic chip: 512
// current-based LIF circuits in two hemispheres, two 256×256 arrays of 6-bit
// synapses, CapMem parameter codes with fixed-pattern mismatch drawn from a
// chip seed, temporal noise, an 8-bit columnar ADC (CADC) and spike readout
// on an 8 ns grid, and a calibration routine. Callers configure integer codes,
// run experiments and read observables, as they would with silicon; the true
// analog state is reachable only through the explicit introspection fields
// (RunOptions.Probe).
package hw
