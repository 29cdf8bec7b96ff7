//go:build !amd64

package engine

// addUnit sets dst ← dst + src.
func addUnit(dst, src []float32) { addGeneric(dst, src[:len(dst)]) }
