package hw

import (
	"math"
	"testing"
)

// TestAddKernels: the vector kernel gives the same bits as the scalar sum
// for every length up to 100 and unaligned starts, with values whose sums
// round.
func TestAddKernels(t *testing.T) { checkAddKernel(t) }

func checkAddKernel(t *testing.T) {
	t.Helper()
	r := newRNG(9)
	for n := 0; n <= 100; n++ {
		for off := 0; off < 3; off++ {
			src := make([]float32, n+off)
			a := make([]float32, n+off)
			for i := range src {
				src[i] = float32(r.norm() * 3)
				a[i] = float32(r.norm() * 1e3)
			}
			b := append([]float32(nil), a...)
			addTo(a[off:], src[off:])
			addGeneric(b[off:], src[off:])
			for i := range a {
				if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
					t.Fatalf("n=%d off=%d: element %d is %g, scalar sum %g", n, off, i, a[i], b[i])
				}
			}
		}
	}
}
