package engine

import "math"

// Weight transfer to the chip (docs/model.md §3.3): hardware integer =
// round(scale·w), clipped to ±63.
const (
	hiddenScale    = 240.0 // fixed scale of input and recurrent weights
	maxOutputScale = 250.0 // cap of the dynamic output scale
	maxCode        = 63
)

// outputScale returns the dynamic output scale min(63/max|W_out|, 250), so
// the largest output weight maps to 63.
func outputScale(out []float32) float64 {
	var mx float64
	for _, v := range out {
		mx = math.Max(mx, math.Abs(float64(v)))
	}
	if mx == 0 {
		return maxOutputScale
	}
	return math.Min(maxCode/mx, maxOutputScale)
}

// quantise writes round(scale·w) clipped to ±63 into dst, transposing from
// the model's pre-major layout w[pre*post+j] to the chip's post-major
// dst[j*pre+i].
func quantise(dst []int8, w []float32, pre, post int, scale float64) {
	for i := range pre {
		row := w[i*post : (i+1)*post]
		for j, v := range row {
			q := math.Round(scale * float64(v))
			if q > maxCode {
				q = maxCode
			} else if q < -maxCode {
				q = -maxCode
			}
			dst[j*pre+i] = int8(q)
		}
	}
}
