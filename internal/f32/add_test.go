package f32

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAddKernels: the vector kernel gives the same bits as the scalar sum
// for every length up to 100 and unaligned starts, with values whose sums
// round.
func TestAddKernels(t *testing.T) { checkAddKernel(t) }

func checkAddKernel(t *testing.T) {
	t.Helper()
	r := rand.New(rand.NewPCG(9, 9))
	for n := 0; n <= 100; n++ {
		for off := 0; off < 3; off++ {
			src := make([]float32, n+off)
			a := make([]float32, n+off)
			for i := range src {
				src[i] = float32(r.NormFloat64() * 3)
				a[i] = float32(r.NormFloat64() * 1e3)
			}
			b := append([]float32(nil), a...)
			Add(a[off:], src[off:])
			addGeneric(b[off:], src[off:])
			for i := range a {
				if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
					t.Fatalf("n=%d off=%d: element %d is %g, scalar sum %g", n, off, i, a[i], b[i])
				}
			}
		}
	}
}

// TestAddRows: summing rows by offsets gives the bits of adding them one by
// one in order, for every width up to 70, row counts 1…5 and any offsets.
func TestAddRows(t *testing.T) { checkAddRows(t) }

func checkAddRows(t *testing.T) {
	t.Helper()
	r := rand.New(rand.NewPCG(10, 10))
	src := make([]float32, 4000)
	for i := range src {
		src[i] = float32(r.NormFloat64() * 5)
	}
	for n := 0; n <= 70; n++ {
		for m := 1; m <= 5; m++ {
			offs := make([]int32, m)
			for k := range offs {
				offs[k] = int32(r.Uint64() % uint64(len(src)-n+1))
			}
			a := make([]float32, n)
			for i := range a {
				a[i] = float32(r.NormFloat64() * 1e3)
			}
			b := append([]float32(nil), a...)
			AddRows(a, src, offs)
			for _, o := range offs {
				addGeneric(b, src[o:int(o)+n])
			}
			for i := range a {
				if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
					t.Fatalf("n=%d m=%d: element %d is %g, row by row %g", n, m, i, a[i], b[i])
				}
			}
		}
	}
}

// TestAddRowsRange: a row that would start before src or end after it is a
// programmer error and panics; the last whole row is accepted.
func TestAddRowsRange(t *testing.T) {
	src := make([]float32, 20)
	for i := range src {
		src[i] = float32(i)
	}
	dst := make([]float32, 5)
	AddRows(dst, src, []int32{15, 0}) // the last whole row, then the first
	if dst[4] != 19+4 {
		t.Fatalf("dst %v", dst)
	}
	for _, c := range []struct {
		n    int
		offs []int32
	}{{5, []int32{16}}, {5, []int32{0, -1}}, {5, []int32{-20}}, {21, []int32{0}}, {5, []int32{1 << 30}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("n %d, offsets %v: no panic", c.n, c.offs)
				}
			}()
			AddRows(make([]float32, c.n), src, c.offs)
		}()
	}
}
