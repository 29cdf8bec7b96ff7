package hw

import "math"

// The neuron model. Potentials are relative to the leak, u = V − V_leak, in
// CADC LSB; the synaptic current I is in LSB/µs; time in µs:
//
//	du/dt = −u/τ_mem + I        dI/dt = −I/τ_syn
//
// with a jump of I by the weight's current at every input spike. Between
// events the solution is closed-form:
//
//	u(t) = u₀·e^(−t/τ_mem) + I₀·F(t),   F(t) = (e^(−t/τ_syn) − e^(−t/τ_mem))/d
//	I(t) = I₀·e^(−t/τ_syn),             d = 1/τ_mem − 1/τ_syn
//
// F is evaluated as e^(−t/τ_mem)·expm1(t·d)/d, which stays exact as d → 0
// (τ_mem = τ_syn gives F = t·e^(−t/τ)).

// prop is the propagator of one neuron over a fixed interval.
type prop struct{ em, es, f float64 }

// propagator returns the exact propagator over dt µs.
func propagator(tauM, tauS, d, dt float64) prop {
	em := math.Exp(-dt / tauM)
	return prop{em: em, es: math.Exp(-dt / tauS), f: fKernel(em, d, dt)}
}

func fKernel(em, d, dt float64) float64 {
	x := dt * d
	if x == 0 {
		return dt * em
	}
	return em * math.Expm1(x) / d
}

// lifU evaluates u(dt) from (u0, i0).
func lifU(u0, i0, tauM, tauS, d, dt float64) float64 {
	p := propagator(tauM, tauS, d, dt)
	return u0*p.em + i0*p.f
}

// extremum returns the time > 0 where du/dt = 0, if there is one. u is a sum
// of two exponentials (or (a+bt)e^(−t/τ)), so it has at most one extremum:
//
//	t* = log1p(d·c)/d,  c = τ_syn·(I₀τ_mem − u₀)/(τ_mem·I₀)   (t* = c as d → 0)
func extremum(u0, i0, tauM, tauS, d float64) (float64, bool) {
	if i0 == 0 {
		return 0, false
	}
	c := tauS * (i0*tauM - u0) / (tauM * i0)
	x := d * c
	if x <= -1 {
		return 0, false
	}
	t := c
	if x != 0 {
		t = math.Log1p(x) / d
	}
	return t, t > 0 && !math.IsInf(t, 0) && !math.IsNaN(t)
}

// peakF returns the maximum over t ≥ 0 of the PSP kernel F, reached at
// t = ln(τ_syn/τ_mem)/d (t = τ for equal constants).
func peakF(tauM, tauS, d float64) float64 {
	t, ok := extremum(0, 1, tauM, tauS, d)
	if !ok {
		return math.Max(tauM, tauS) // cannot happen for positive τ; a safe bound
	}
	return lifU(0, 1, tauM, tauS, d, t)
}

// crossTol is the accuracy of threshold-crossing times, µs (0.01 ns; the
// event grid is 8 ns).
const crossTol = 1e-5

// nextCrossing returns the first time t in [0, horizon) at which u reaches th
// given the state (u0, i0) and no further input; ok is false if there is none.
//
// Since u has at most one extremum, a crossing from below can only lie on the
// rising stretch: [0, t*] when u first rises (t* its maximum), or [t*, ∞) when
// it first falls to a minimum and then rises towards 0 (possible only with the
// threshold below the leak: a self-firing neuron). On that stretch u is
// monotonic, and a safeguarded Newton iteration with bisection fallback finds
// the root to crossTol.
//
// fMax is the maximum of F over t ≥ 0 (see peakF).
func nextCrossing(u0, i0, th, tauM, tauS, d, fMax, horizon float64) (float64, bool) {
	if u0 >= th {
		return 0, true
	}
	// Quick reject: u(t) = u₀e^(−t/τ_mem) + I₀F(t) ≤ max(u₀,0) + max(I₀,0)·F_max.
	if th > 0 && max(u0, 0)+max(i0, 0)*fMax < th {
		return 0, false
	}
	if horizon <= 0 {
		return 0, false
	}
	rising := i0-u0/tauM > 0
	ext, hasExt := extremum(u0, i0, tauM, tauS, d)
	var lo, hi float64
	switch {
	case rising && hasExt:
		hi = math.Min(ext, horizon)
		if lifU(u0, i0, tauM, tauS, d, hi) < th {
			return 0, false
		}
	case th >= 0:
		// Rises (or falls, then rises) towards the leak only: never reaches
		// a threshold at or above the leak.
		return 0, false
	case rising:
		lo = 0
	case hasExt:
		lo = ext
		if lo >= horizon {
			return 0, false
		}
	default:
		return 0, false
	}
	if hi == 0 { // open-ended rise towards the leak: bracket by doubling
		step := math.Max(tauM, tauS)
		hi = math.Min(lo+step, horizon)
		for lifU(u0, i0, tauM, tauS, d, hi) < th {
			if hi >= horizon {
				return 0, false
			}
			step *= 2
			hi = math.Min(lo+step, horizon)
		}
	}
	return rootOnRise(u0, i0, th, tauM, tauS, d, lo, hi), true
}

// rootOnRise solves u(t) = th on [lo, hi], where u rises, u(lo) < th ≤ u(hi);
// it returns a time no earlier than the root and within crossTol of it.
func rootOnRise(u0, i0, th, tauM, tauS, d, lo, hi float64) float64 {
	x := 0.5 * (lo + hi)
	for iter := 0; iter < 200 && hi-lo > crossTol; iter++ {
		p := propagator(tauM, tauS, d, x)
		u := u0*p.em + i0*p.f
		f := u - th
		if f < 0 {
			lo = x
		} else {
			hi = x
		}
		fp := -u/tauM + i0*p.es
		nx := x - f/fp
		if fp <= 0 || !(nx > lo && nx < hi) {
			nx = 0.5 * (lo + hi)
		} else if math.Abs(nx-x) < 0.25*crossTol {
			// Converged: step just past the root so hi brackets it.
			if f < 0 {
				nx = math.Min(x+0.5*crossTol, hi)
			} else {
				nx = math.Max(x-0.5*crossTol, lo)
			}
		}
		x = nx
	}
	return hi
}
