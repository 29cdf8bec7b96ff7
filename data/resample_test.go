package data

import (
	"math"
	"testing"
)

// An interpolating spline reproduces its samples: resampling n → n is the
// identity.
func TestResamplerIdentity(t *testing.T) {
	for _, n := range []int{2, 5, 16, 24} {
		r := NewResampler(n, n)
		for o := range n {
			for j := range n {
				want := 0.0
				if o == j {
					want = 1
				}
				if math.Abs(r.a[o*n+j]-want) > 1e-12 {
					t.Fatalf("n=%d: A[%d][%d] = %g", n, o, j, r.a[o*n+j])
				}
			}
		}
	}
}

// Rows of A sum to 1 (constants are preserved), corners map to corners, and
// doubling the resolution keeps the original samples at even outputs.
func TestResamplerProperties(t *testing.T) {
	r := NewResampler(24, 16)
	for o := range 16 {
		var s float64
		for j := range 24 {
			s += r.a[o*24+j]
		}
		if math.Abs(s-1) > 1e-12 {
			t.Errorf("row %d sums to %g", o, s)
		}
	}
	src := make([]float64, 24*24)
	for i := range src {
		src[i] = float64((i*7919)%251) / 250
	}
	dst := make([]float64, 16*16)
	r.Apply(dst, src, make([]float64, 16*24))
	for _, c := range [][2]int{{0, 0}, {0, 15}, {15, 0}, {15, 15}} {
		got, want := dst[c[0]*16+c[1]], src[c[0]*23/15*24+c[1]*23/15]
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("corner %v = %g, want %g", c, got, want)
		}
	}
	up := NewResampler(24, 47)
	for o := 0; o < 47; o += 2 {
		for j := range 24 {
			want := 0.0
			if j == o/2 {
				want = 1
			}
			if math.Abs(up.a[o*24+j]-want) > 1e-12 {
				t.Fatalf("24→47: A[%d][%d] = %g", o, j, up.a[o*24+j])
			}
		}
	}
	// A cubic is reproduced exactly away from the mirrored edges: sample
	// x³ on 0..23 and compare at an interior point of the 24→16 grid.
	cube := make([]float64, 24)
	coef := make([]float64, 24)
	for j := range cube {
		cube[j] = math.Pow(float64(j)/23, 3)
	}
	splineCoefficients(coef, cube)
	x := 8 * 23.0 / 15
	if got, want := splineAt(coef, x), math.Pow(x/23, 3); math.Abs(got-want) > 1e-4 {
		t.Errorf("cubic at %g: %g, want %g", x, got, want)
	}
}

func TestRotate(t *testing.T) {
	const side = 4
	src := make([]float64, side*side)
	for i := range src {
		src[i] = float64(i + 1)
	}
	dst := make([]float64, side*side)
	Rotate(dst, src, side, 0)
	for i := range src {
		if math.Abs(dst[i]-src[i]) > 1e-12 {
			t.Fatalf("angle 0 changed pixel %d", i)
		}
	}
	// 90° counter-clockwise: the top-left pixel goes to the bottom-left.
	Rotate(dst, src, side, math.Pi/2)
	for r := range side {
		for q := range side {
			if want := src[q*side+side-1-r]; math.Abs(dst[r*side+q]-want) > 1e-9 {
				t.Fatalf("90°: dst[%d][%d] = %g, want %g", r, q, dst[r*side+q], want)
			}
		}
	}
}
