package plot

import (
	"math"
	"strconv"
)

// NiceStep returns a step of 1, 2 or 5 × 10^k that splits span into about n
// intervals.
func NiceStep(span float64, n int) float64 {
	if !(span > 0) || n < 1 || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / mag; {
	case f < 1.5:
		return mag
	case f < 3.5:
		return 2 * mag
	case f < 7.5:
		return 5 * mag
	default:
		return 10 * mag
	}
}

// Ticks appends to dst the multiples of a nice step within [lo, hi], about n
// of them, and returns dst and the step.
func Ticks(dst []float64, lo, hi float64, n int) ([]float64, float64) {
	dst = dst[:0]
	step := NiceStep(hi-lo, n)
	if !(hi > lo) {
		return append(dst, lo), step
	}
	first := math.Ceil(lo/step-1e-9) * step
	for i := 0; i < 64; i++ {
		v := first + float64(i)*step
		if v > hi+step*1e-9 {
			break
		}
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		dst = append(dst, v)
	}
	return dst, step
}

// AppendTick appends a compact label of v for ticks of the given step:
// no more decimals than the step needs, k/M suffixes for large values.
func AppendTick(dst []byte, v, step float64) []byte {
	a := math.Abs(v)
	switch {
	case a >= 1e6 && step >= 1e5:
		return append(strconv.AppendFloat(dst, v/1e6, 'f', decimals(step/1e6), 64), 'M')
	case a >= 1e4 && step >= 1e3:
		return append(strconv.AppendFloat(dst, v/1e3, 'f', decimals(step/1e3), 64), 'k')
	case a != 0 && (a < 1e-3 || a >= 1e7):
		return strconv.AppendFloat(dst, v, 'g', 2, 64)
	}
	return strconv.AppendFloat(dst, v, 'f', decimals(step), 64)
}

func decimals(step float64) int {
	if !(step > 0) || step >= 1 {
		return 0
	}
	d := int(math.Ceil(-math.Log10(step) - 1e-9))
	return min(max(d, 0), 6)
}

// AppendValue appends v with about 3 significant digits (for legends).
func AppendValue(dst []byte, v float64) []byte {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v):
		return append(dst, "NaN"...)
	case a == 0:
		return append(dst, '0')
	case a >= 1e5 || a < 1e-3:
		return strconv.AppendFloat(dst, v, 'e', 2, 64)
	case a >= 100:
		return strconv.AppendFloat(dst, v, 'f', 0, 64)
	case a >= 10:
		return strconv.AppendFloat(dst, v, 'f', 1, 64)
	case a >= 1:
		return strconv.AppendFloat(dst, v, 'f', 2, 64)
	}
	return strconv.AppendFloat(dst, v, 'f', 3, 64)
}
