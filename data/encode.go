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
