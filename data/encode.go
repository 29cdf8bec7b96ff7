package data

import "math"

// LinearTime is the time-to-first-spike code of a value v ∈ [0, 1] on a
// linear scale: t = tEarly + v·(tLate − tEarly), times in µs.
func LinearTime(v, tEarly, tLate float64) float64 {
	return tEarly + v*(tLate-tEarly)
}

// LatencyTime is the paper's latency code of an intensity x ∈ [0, 1]: the
// time a leaky integrator with time constant tauIn, driven by a constant x,
// reaches thetaIn,
//
//	t = tauIn · ln(x / (x − thetaIn))   (units of tauIn)
//
// ok is false for x ≤ thetaIn (the input never fires) and for NaN.
func LatencyTime(x, tauIn, thetaIn float64) (t float64, ok bool) {
	if !(x > thetaIn) {
		return 0, false
	}
	return tauIn * math.Log(x/(x-thetaIn)), true
}

// Raster bins spikes onto a grid of frames of dt µs: dst[f·inputs + c]
// counts the spikes of channel c with floor(Time/dt) = f. Spikes outside the
// grid or with a channel outside [0, inputs) are ignored. dst is cleared
// first; its length must be a multiple of inputs.
func Raster(dst []float32, spikes []Spike, inputs int, dt float64) {
	if inputs <= 0 || len(dst)%inputs != 0 || !(dt > 0) {
		panic("data: Raster needs inputs > 0, dt > 0 and len(dst) a multiple of inputs")
	}
	clear(dst)
	frames := len(dst) / inputs
	for _, s := range spikes {
		if s.Channel < 0 || s.Channel >= inputs || !(s.Time >= 0) {
			continue
		}
		f := int(math.Floor(s.Time / dt))
		if f >= frames {
			continue
		}
		dst[f*inputs+s.Channel]++
	}
}
