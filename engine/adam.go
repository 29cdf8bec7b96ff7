package engine

import "math"

// adam is the Adam optimiser (Kingma & Ba) over one flat parameter vector,
// β1 = 0.9, β2 = 0.999, ε = 1e-8, with bias correction.
type adam struct {
	M, V []float32 // first and second moment estimates
	T    int       // steps taken
}

const adamB1, adamB2, adamEps = 0.9, 0.999, 1e-8

func newAdam(n int) adam { return adam{M: make([]float32, n), V: make([]float32, n)} }

// next counts a step and returns its factors: lr/c1 and 1/c2 of the bias
// corrections c1 = 1 − β1^t, c2 = 1 − β2^t.
func (a *adam) next(lr float64) (step, inv2 float32) {
	a.T++
	c1 := 1 - math.Pow(adamB1, float64(a.T))
	c2 := 1 - math.Pow(adamB2, float64(a.T))
	return float32(lr / c1), float32(1 / c2)
}

// step sets p ← p − lr·m̂/(√v̂ + ε) for the gradient g.
func (a *adam) step(p, g []float32, lr float64) {
	step, inv2 := a.next(lr)
	adamGeneric(p, g, a.M, a.V, adamArgs{step: step, inv2: inv2})
}

// adamArgs are the factors of one fused optimiser pass.
type adamArgs struct {
	step, inv2 float32 // the bias-corrected step of adam.next
	l2         float32 // with addL2, g[i] += l2·p[i] first (stored back to g)
	lim        float32 // with clamp, p[i] is limited to ±lim afterwards
	addL2      bool
	clamp      bool
}

// adamGeneric is one Adam step over p, g and the moments m, v (same
// length), optionally with the L2 term added to the gradient before and the
// clamp after (net.update):
//
//	m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g·g
//	p ← p − step·m/(√(v·inv2) + ε)
func adamGeneric(p, g, m, v []float32, k adamArgs) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i := range p {
		gi := g[i]
		if k.addL2 {
			gi += k.l2 * p[i]
			g[i] = gi
		}
		m[i] = adamB1*m[i] + (1-adamB1)*gi
		v[i] = adamB2*v[i] + (1-adamB2)*gi*gi
		x := p[i] - k.step*m[i]/(float32(math.Sqrt(float64(v[i]*k.inv2)))+adamEps)
		if k.clamp {
			if x > k.lim {
				x = k.lim
			} else if x < -k.lim {
				x = -k.lim
			}
		}
		p[i] = x
	}
}
