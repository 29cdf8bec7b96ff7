//go:build !amd64 || noasm

package hw

// fillBlocks sets dst (a multiple of 5 long) to deviates scaled by sd, five
// per draw of r.
func fillBlocks(r *rng, dst []float64, sd float64) { *r = fillBlocksGo(*r, dst, sd) }
