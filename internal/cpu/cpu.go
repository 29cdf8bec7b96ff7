package cpu

// HasAVX2 reports whether the AVX2 kernels are compiled in and the CPU and
// the operating system support them. Packages copy it into a switch of
// their own, which their tests turn off to compare with the portable loops.
func HasAVX2() bool { return hasAVX2 }
