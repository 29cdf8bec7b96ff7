//go:build !noasm

package hw

// fillBlocks sets dst (a multiple of 5 long) to deviates scaled by sd, five
// per draw of r, exactly as fillBlocksGo.
func fillBlocks(r *rng, dst []float64, sd float64) {
	if len(dst) > 0 {
		fillBlocksSSE2(r, normTable, &dst[0], len(dst)/5, sd)
	}
}

// fillBlocksSSE2 is the kernel of fillBlocks (noisefill_amd64.s): blocks·5
// deviates from dst on. SSE2 only, which every amd64 CPU has.
//
//go:noescape
func fillBlocksSSE2(r *rng, t *[1 << normTableBits]float64, dst *float64, blocks int, sd float64)
