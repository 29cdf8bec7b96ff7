// Package cpu makes the module's one decision about CPU features: whether
// the AVX2 kernels of hw, engine and internal/f32 run. They do on amd64
// when the CPU and the operating system support AVX2, unless the module is
// built with the noasm tag, which compiles only the portable Go loops
// (docs/design.md §6). Both paths give the same bits.
package cpu
