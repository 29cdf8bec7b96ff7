package engine

import "math"

// superSpike is the SuperSpike surrogate derivative of the spike with
// respect to the membrane (docs/model.md §4.2):
//
//	∂S/∂V ≈ 1 / (β·|V − ϑ| + 1)²,  ϑ = 1 in model units.
func superSpike(v, beta float32) float32 {
	d := v - 1
	if d < 0 {
		d = -d
	}
	d = beta*d + 1
	return 1 / (d * d)
}

// sigmoidSpike is the smooth stand-in for the step used by the gradient
// check: S = σ(k(V − 1)), with its exact derivative k·S·(1 − S).
func sigmoidSpike(v, k float32) (s, ds float32) {
	s = float32(1 / (1 + math.Exp(-float64(k*(v-1)))))
	return s, k * s * (1 - s)
}
