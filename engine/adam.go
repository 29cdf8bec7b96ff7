package engine

import "math"

// adam is the Adam optimiser (Kingma & Ba) over one flat parameter vector,
// β1 = 0.9, β2 = 0.999, ε = 1e-8, with bias correction.
type adam struct {
	M, V []float32 // first and second moment estimates
	T    int       // steps taken
}

func newAdam(n int) adam { return adam{M: make([]float32, n), V: make([]float32, n)} }

// step sets p ← p − lr·m̂/(√v̂ + ε) for the gradient g.
func (a *adam) step(p, g []float32, lr float64) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	a.T++
	c1 := 1 - math.Pow(b1, float64(a.T))
	c2 := 1 - math.Pow(b2, float64(a.T))
	// p −= lr/c1 · m / (√(v/c2) + ε)
	step := float32(lr / c1)
	inv2 := float32(1 / c2)
	g = g[:len(p)]
	m, v := a.M[:len(p)], a.V[:len(p)]
	for i, gi := range g {
		m[i] = b1*m[i] + (1-b1)*gi
		v[i] = b2*v[i] + (1-b2)*gi*gi
		p[i] -= step * m[i] / (float32(math.Sqrt(float64(v[i]*inv2))) + eps)
	}
}
