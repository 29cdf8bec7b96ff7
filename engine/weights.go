package engine

import (
	"math"
	"math/rand/v2"
)

// Weights are the software weights in model units (threshold − leak = 1),
// stored pre-major so that one presynaptic spike adds one contiguous row:
//
//	In[i*H+j]  input i → hidden j
//	Rec[k*H+j] hidden k → hidden j (nil unless recurrent)
//	Out[j*O+k] hidden j → output k
//
// All three slice one backing array, All, which the optimiser updates as a
// single parameter vector.
type Weights struct {
	All          []float32
	In, Rec, Out []float32
}

// newWeights returns zero weights shaped for l.
func newWeights(l Layout) Weights {
	nIn := l.Inputs * l.Hidden
	nRec := 0
	if l.Recurrent {
		nRec = l.Hidden * l.Hidden
	}
	nOut := l.Hidden * l.Outputs
	all := make([]float32, nIn+nRec+nOut)
	w := Weights{All: all, In: all[:nIn:nIn], Out: all[nIn+nRec:]}
	if l.Recurrent {
		w.Rec = all[nIn : nIn+nRec : nIn+nRec]
	}
	return w
}

// initWeights draws the paper's initialisation (docs/model.md §4.4): hidden
// N(mean, 0.7(1−β)/√fan-in), output N(0, 0.7(1−β)/√Hidden), β the membrane
// decay per step. The hidden layer starts quiescent; the surrogate gradient
// still reaches it.
func initWeights(w Weights, l Layout, mean float64, rng *rand.Rand) {
	_, beta := l.decays()
	g := 0.7 * (1 - float64(beta))
	sdIn := g / math.Sqrt(float64(l.Inputs))
	for i := range w.In {
		w.In[i] = float32(mean + sdIn*rng.NormFloat64())
	}
	if w.Rec != nil {
		sdRec := g / math.Sqrt(float64(l.Hidden))
		for i := range w.Rec {
			w.Rec[i] = float32(sdRec * rng.NormFloat64())
		}
	}
	sdOut := g / math.Sqrt(float64(l.Hidden))
	for i := range w.Out {
		w.Out[i] = float32(sdOut * rng.NormFloat64())
	}
}

// clampHidden limits hidden (input and recurrent) weights to ±lim, the range
// the chip can represent at the fixed hidden scale (63/240).
func clampHidden(w Weights, lim float32) {
	clampSlice(w.In, lim)
	clampSlice(w.Rec, lim)
}

func clampSlice(x []float32, lim float32) {
	for i, v := range x {
		if v > lim {
			x[i] = lim
		} else if v < -lim {
			x[i] = -lim
		}
	}
}
