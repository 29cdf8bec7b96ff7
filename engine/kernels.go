package engine

// Destination-first float32 kernels of the hot loops; no allocation.

// scale sets x ← a·x.
func scale(a float32, x []float32) {
	for i := range x {
		x[i] *= a
	}
}

// addRow sets dst ← dst + a·src; a = 1 (a real spike) takes the add-only path.
func addRow(dst, src []float32, a float32) {
	src = src[:len(dst)]
	if a == 1 {
		i := 0
		for ; i+4 <= len(dst); i += 4 {
			d := dst[i : i+4 : i+4]
			s := src[i : i+4 : i+4]
			d[0] += s[0]
			d[1] += s[1]
			d[2] += s[2]
			d[3] += s[3]
		}
		for ; i < len(dst); i++ {
			dst[i] += src[i]
		}
		return
	}
	for i, v := range src {
		dst[i] += a * v
	}
}

// dot returns Σ x[i]·y[i].
func dot(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// outGrad sets dst[j] ← Σ_k w[j·O+k]·g[k] for the pre-major output weights
// w (O = len(g)): the gradient reaching hidden spikes from the outputs.
func outGrad(dst, w, g []float32) {
	O := len(g)
	for j := range dst {
		dst[j] = dot(w[j*O:j*O+O], g)
	}
}
