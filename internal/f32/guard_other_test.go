//go:build !linux

package f32

import "testing"

// guarded returns n float32s (without protected pages on this system).
func guarded(t *testing.T, n int) []float32 { return make([]float32, n) }

// guardedAtStart returns n float32s (without protected pages on this system).
func guardedAtStart(t *testing.T, n int) []float32 { return make([]float32, n) }
