package data

import "math"

// Resampler scales square images from In×In to Out×Out pixels by cubic
// B-spline interpolation, the method of scipy.ndimage.zoom(order=3): the
// image is prefiltered into spline coefficients (mirror boundary), and the
// output pixel o samples the spline at input coordinate o·(In−1)/(Out−1), so
// corner pixels map onto corner pixels. Both steps are linear and separable,
// so they are folded into one Out×In matrix A and an image X maps to A·X·Aᵀ.
type Resampler struct {
	In, Out int
	a       []float64 // Out×In, row-major
}

// NewResampler builds the Out×In resampling matrix. It panics unless
// 2 ≤ In and 2 ≤ Out (programmer error).
func NewResampler(in, out int) *Resampler {
	if in < 2 || out < 2 {
		panic("data: NewResampler needs in, out ≥ 2")
	}
	r := &Resampler{In: in, Out: out, a: make([]float64, out*in)}
	unit := make([]float64, in)
	coef := make([]float64, in)
	for j := range in {
		clear(unit)
		unit[j] = 1
		splineCoefficients(coef, unit)
		for o := range out {
			x := float64(o) * float64(in-1) / float64(out-1)
			r.a[o*in+j] = splineAt(coef, x)
		}
	}
	return r
}

// Apply writes the Out×Out image of src (In×In, row-major) into dst;
// tmp must hold Out·In values. No allocation.
func (r *Resampler) Apply(dst, src, tmp []float64) {
	in, out := r.In, r.Out
	if len(src) != in*in || len(dst) != out*out || len(tmp) < out*in {
		panic("data: Resampler.Apply: wrong buffer sizes")
	}
	// tmp = A·src (Out×In): scale the rows' direction first.
	for o := range out {
		row := tmp[o*in : (o+1)*in]
		clear(row)
		for j := range in {
			w := r.a[o*in+j]
			if w == 0 {
				continue
			}
			s := src[j*in : (j+1)*in]
			for k, v := range s {
				row[k] += w * v
			}
		}
	}
	// dst = tmp·Aᵀ (Out×Out).
	for o := range out {
		row := tmp[o*in : (o+1)*in]
		for p := range out {
			ap := r.a[p*in : (p+1)*in]
			var s float64
			for k, v := range row {
				s += v * ap[k]
			}
			dst[o*out+p] = s
		}
	}
}

// splinePole is the pole of the cubic B-spline prefilter, √3 − 2.
var splinePole = math.Sqrt(3) - 2

// splineCoefficients turns samples s into cubic B-spline coefficients c
// (same length ≥ 2) with mirror-symmetric extension s[−k] = s[k], by the
// causal/anticausal recursive filter (Unser 1999) with an exact causal start.
func splineCoefficients(c, s []float64) {
	n := len(s)
	z := splinePole
	// Causal start: c⁺[0] = Σ_{k=0}^{2n−3} z^k s[mirror(k)] / (1 − z^(2n−2)).
	var sum, zk float64 = 0, 1
	for k := 0; k < 2*n-2; k++ {
		sum += zk * s[mirrorIndex(k, n)]
		zk *= z
	}
	c[0] = sum / (1 - zk)
	for k := 1; k < n; k++ {
		c[k] = s[k] + z*c[k-1]
	}
	// Anticausal start and sweep.
	c[n-1] = z / (z*z - 1) * (c[n-1] + z*c[n-2])
	for k := n - 2; k >= 0; k-- {
		c[k] = z * (c[k+1] - c[k])
	}
	for k := range c {
		c[k] *= 6 // gain (1 − z)(1 − 1/z)
	}
}

// splineAt evaluates Σ_j c[mirror(j)]·β³(x − j).
func splineAt(c []float64, x float64) float64 {
	n := len(c)
	j0 := int(math.Floor(x)) - 1
	var v float64
	for j := j0; j < j0+4; j++ {
		v += c[mirrorIndex(j, n)] * bspline3(x-float64(j))
	}
	return v
}

// bspline3 is the centred cubic B-spline.
func bspline3(t float64) float64 {
	t = math.Abs(t)
	switch {
	case t < 1:
		return 2.0/3 - t*t + t*t*t/2
	case t < 2:
		u := 2 - t
		return u * u * u / 6
	}
	return 0
}

// mirrorIndex reflects j into [0, n) about the end samples (period 2n − 2).
func mirrorIndex(j, n int) int {
	p := 2*n - 2
	j %= p
	if j < 0 {
		j += p
	}
	if j >= n {
		j = p - j
	}
	return j
}

// Rotate writes into dst the side×side image src rotated by angle radians
// (counter-clockwise on screen, rows growing downwards) about the image
// centre, by bilinear interpolation with zeros outside. No allocation.
func Rotate(dst, src []float64, side int, angle float64) {
	if len(dst) != side*side || len(src) != side*side {
		panic("data: Rotate: wrong buffer sizes")
	}
	c := float64(side-1) / 2
	sin, cos := math.Sincos(angle)
	for r := range side {
		for q := range side {
			// Inverse map: which source point lands on (r, q).
			dx, dy := float64(q)-c, float64(r)-c
			sx := cos*dx - sin*dy + c
			sy := sin*dx + cos*dy + c
			dst[r*side+q] = bilinear(src, side, sx, sy)
		}
	}
}

func bilinear(src []float64, side int, x, y float64) float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	at := func(r, q int) float64 {
		if r < 0 || q < 0 || r >= side || q >= side {
			return 0
		}
		return src[r*side+q]
	}
	return (1-fy)*((1-fx)*at(iy, ix)+fx*at(iy, ix+1)) + fy*((1-fx)*at(iy+1, ix)+fx*at(iy+1, ix+1))
}
