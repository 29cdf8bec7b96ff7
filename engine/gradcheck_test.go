package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gradCheckNet builds a small network in gradient-check mode: smooth sigmoid
// spikes with their exact derivative and no reset, so the software forward
// pass is differentiable and backward must match finite differences.
func gradCheckNet(recurrent bool, readout Readout) (*net, []tape, lossTerms, float32) {
	l := Layout{Inputs: 7, Hidden: 6, Outputs: 3, Recurrent: recurrent, Steps: 14, Dt: 1.7, TauMem: 6, TauSyn: 6}
	n := newNet(l, 50)
	n.m.smooth = 4
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range n.w.All {
		n.w.All[i] = float32(0.25 * rng.NormFloat64())
	}
	tapes := n.batchTapes(3)
	for b := range tapes {
		tp := &tapes[b]
		var bins, idx []int32
		for i := range l.Inputs {
			bins = append(bins, int32(rng.IntN(l.Steps-2)))
			idx = append(idx, int32(i))
		}
		tp.in.fromBins(l.Steps, bins, idx)
		tp.label = b % l.Outputs
	}
	lt := lossTerms{readout: readout, scale: 3, ampReg: 0.01}
	return n, tapes, lt, 0.02
}

// batchLoss is the batch-mean loss the gradient is of, in float64.
func batchLoss(n *net, tapes []tape, lt lossTerms, rho float32) float64 {
	var s float64
	for i := range tapes {
		n.m.forward(&n.w, &tapes[i])
		l, _ := lt.eval(&tapes[i], n.l.Outputs, false, 0)
		r, _ := spikeReg(&tapes[i], n.l.Hidden, rho, 1)
		s += l + r
	}
	return s / float64(len(tapes))
}

func TestGradientMatchesFiniteDifferences(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		recurrent bool
		readout   Readout
	}{
		{"feedforward-max", false, ReadoutMax},
		{"feedforward-sum", false, ReadoutSum},
		{"recurrent-sum", true, ReadoutSum},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, tapes, lt, rho := gradCheckNet(tc.recurrent, tc.readout)
			n.gradient(tapes, &n.w, lt, rho, true)
			g := append([]float32(nil), n.grad.All...)
			const eps = 2e-3
			checked, worst := 0, 0.0
			for i := range n.w.All {
				w0 := n.w.All[i]
				n.w.All[i] = w0 + eps
				lp := batchLoss(n, tapes, lt, rho)
				n.w.All[i] = w0 - eps
				lm := batchLoss(n, tapes, lt, rho)
				n.w.All[i] = w0
				fd := (lp - lm) / (2 * eps)
				an := float64(g[i])
				err := math.Abs(fd-an) / (math.Abs(fd) + math.Abs(an) + 1e-2)
				worst = max(worst, err)
				if err > 0.03 {
					t.Errorf("weight %d: backward %.6g, finite difference %.6g", i, an, fd)
				}
				if math.Abs(fd) > 1e-3 {
					checked++
				}
			}
			if checked < len(g)/3 {
				t.Fatalf("only %d of %d gradients are non-trivial; the check is too weak", checked, len(g))
			}
			t.Logf("%d weights, %d with |grad| > 1e-3, worst relative error %.2g", len(g), checked, worst)
		})
	}
}
