//go:build !amd64 || noasm

package cpu

// hasAVX2 is false: no vector kernels are compiled in.
const hasAVX2 = false
