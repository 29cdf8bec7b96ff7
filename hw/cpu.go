package hw

import "inloop/internal/cpu"

// hasAVX2 selects the 4-lane float64 kernels of the *_amd64.s files; the
// tests switch it off to check the portable loops.
var hasAVX2 = cpu.HasAVX2()
