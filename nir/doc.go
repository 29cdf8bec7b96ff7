// Package nir reads and writes NIR, the Neuromorphic Intermediate
// Representation (https://neuroir.org), the exchange format of spiking
// networks between norse, snnTorch, Rockpool, Sinabs, spyx, hxtorch and
// neuromorphic hardware, and maps inloop's networks to and from it.
//
// Files are HDF5 (package internal/h5) laid out as NIR's reference writer
// nir.write lays them out (version 1.0.7): /version, and under /node the
// graph's type, edges (E×2 strings), nodes/<name>/{type, parameters} and
// metadata/<key>. Observables are NIRGraphData files (nir.read_data).
//
// Export (FromNetwork) writes inloop's network as
//
//	input (Input) → fc1 (Affine) → hidden (CubaLIF) → fc2 (Affine) → readout (CubaLI) → output (Output)
//
// with a recurrent edge hidden → rec (Affine) → hidden for recurrent
// networks. Units: time in seconds of chip (hardware) time, potentials in
// model units (leak 0, threshold 1; see engine/model.go), weights in model
// units as the chip applies them (integer code / 240). inloop's discrete
// recursion on the frame grid Δt (metadata "dt") is written with the
// convention of NIR's discrete-time simulators: r = τ_mem/Δt and
// w_in = τ_syn/Δt, so one input spike raises the synaptic current by the
// weight and the current raises the membrane by itself per step.
//
// Import (Deploy) takes graphs of that shape, from inloop or elsewhere, and
// places them on the chip; see deploy.go for what is accepted.
package nir
