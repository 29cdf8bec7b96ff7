package hw

import "golang.org/x/sys/cpu"

// hasAVX2 selects the 4-lane float64 kernels (the CPU and the OS support AVX2).
var hasAVX2 = cpu.X86.HasAVX2
