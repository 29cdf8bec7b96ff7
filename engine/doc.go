// Package engine trains spiking networks in the loop on the emulated chip of
// package hw with surrogate gradients (Cramer et al., PNAS 2022): the forward
// pass runs on the chip, the backward pass through an ideal discrete model
// with the chip's measured membranes and spikes substituted; weights are
// quantised and written back. It also holds the trainer loop (events out,
// commands in) and the run files.
package engine
