//go:build !noasm

package cpu

import xcpu "golang.org/x/sys/cpu"

var hasAVX2 = xcpu.X86.HasAVX2
