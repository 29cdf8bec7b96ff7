package f32

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAddRowsBits: AddRows gives the bits of adding the rows one by one in
// the order of offs (addRowsGeneric) for every width 0…200 and row counts
// 0…40, with values of mixed magnitudes whose sums round, rows at the very
// start and the very end of src (which border inaccessible pages on Linux,
// so a load outside a row faults), and dst inside a larger slice (the
// neighbours stay untouched) or bordering inaccessible pages.
func TestAddRowsBits(t *testing.T) { checkAddRowsBits(t) }

func checkAddRowsBits(t *testing.T) {
	t.Helper()
	r := rand.New(rand.NewPCG(11, 11))
	val := func() float32 {
		return float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(9)-4)))
	}
	const maxN, srcRows = 200, 41
	srcAtEnd := guarded(t, srcRows*maxN)
	srcAtStart := guardedAtStart(t, srcRows*maxN)
	for i := range srcAtEnd {
		srcAtEnd[i] = val()
		srcAtStart[i] = val()
	}
	dstAtEnd := guarded(t, maxN)
	dstAtStart := guardedAtStart(t, maxN)

	check := func(name string, n int, offs []int32, got, want []float32) {
		t.Helper()
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%s n=%d rows=%d: element %d is %g, row by row %g", name, n, len(offs), i, got[i], want[i])
			}
		}
	}
	for n := 0; n <= maxN; n++ {
		for _, m := range []int{0, 1, 2, 3, 7, 16, 40} {
			for si, src := range [][]float32{srcAtEnd, srcAtStart} {
				offs := make([]int32, m)
				for k := range offs {
					offs[k] = int32(r.IntN(len(src) - n + 1))
				}
				if m >= 1 {
					offs[m-1] = int32(len(src) - n) // the row that ends src
				}
				if m >= 2 {
					offs[r.IntN(m-1)] = 0 // a row that starts src
				}

				// dst inside a larger slice: g guards before, 9 after.
				g := 1 + r.IntN(9)
				big := make([]float32, g+n+9)
				for i := range big {
					big[i] = val()
				}
				orig := append([]float32(nil), big...)
				want := append([]float32(nil), big...)
				addRowsGeneric(want[g:g+n], src, offs)
				AddRows(big[g:g+n], src, offs)
				check("inside", n, offs, big, want)
				for i := range big {
					if (i < g || i >= g+n) && math.Float32bits(big[i]) != math.Float32bits(orig[i]) {
						t.Fatalf("n=%d rows=%d src %d: guard element %d (dst is %d…%d) changed from %g to %g", n, m, si, i, g, g+n-1, orig[i], big[i])
					}
				}

				// dst bordering inaccessible pages after and before it.
				for _, dst := range [][]float32{dstAtEnd[maxN-n:], dstAtStart[:n]} {
					for i := range dst {
						dst[i] = val()
					}
					want := append([]float32(nil), dst...)
					addRowsGeneric(want, src, offs)
					AddRows(dst, src, offs)
					check("guarded", n, offs, dst, want)
				}
			}
		}
	}
}
