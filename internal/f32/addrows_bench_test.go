package f32

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkAddRows: the two shapes of the chip emulator's inference, a
// 246-wide layer summing the weight rows of ~40 spiking inputs and the
// 10-wide output layer summing 1-3 rows; rows come from a weight matrix.
func BenchmarkAddRows(b *testing.B) {
	for _, c := range []struct{ n, rows, m int }{{246, 784, 40}, {10, 246, 2}} {
		b.Run(fmt.Sprintf("n=%d/rows=%d", c.n, c.m), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			src := make([]float32, c.n*c.rows)
			for i := range src {
				src[i] = float32(r.NormFloat64())
			}
			offs := make([]int32, c.m)
			for k := range offs {
				offs[k] = int32(r.IntN(c.rows) * c.n)
			}
			dst := make([]float32, c.n)
			b.ResetTimer()
			for range b.N {
				AddRows(dst, src, offs)
			}
		})
	}
}
