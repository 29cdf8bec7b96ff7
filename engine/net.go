package engine

import "math"

// hiddenLimit is the largest hidden weight magnitude the chip represents at
// the fixed hidden scale: 63/240 (docs/model.md §3.3).
const hiddenLimit = float32(63.0 / hiddenScale)

// net is the trainable network: layout, software weights, optimiser and the
// per-shard scratch of a batch. It knows nothing of the chip or the data:
// the caller fills the tapes (inputs and labels, and in the loop the
// measured traces and spikes).
type net struct {
	l      Layout
	m      model
	w      Weights
	opt    adam
	grad   Weights
	shards [numShards]shardSums
	tapes  []tape
	outT   []float32 // output weights of the batch, post-major
}

// shardSums are one shard's gradient and statistics.
type shardSums struct {
	grad    Weights
	loss    float64
	correct int
	spikes  int
}

// stepStats are a batch's summed statistics.
type stepStats struct {
	loss    float64
	correct int
	spikes  int
	n       int
}

func newNet(l Layout, surrBeta float32) *net {
	n := &net{l: l, m: newModel(l, surrBeta), w: newWeights(l), grad: newWeights(l)}
	n.opt = newAdam(len(n.w.All))
	for s := range n.shards {
		n.shards[s].grad = newWeights(l)
	}
	return n
}

// batchTapes returns b tapes sized for the layout (reused between batches).
func (n *net) batchTapes(b int) []tape {
	for len(n.tapes) < b {
		n.tapes = append(n.tapes, tape{})
	}
	for i := range b {
		n.tapes[i].size(n.l)
	}
	return n.tapes[:b]
}

// gradient runs loss and backward over tapes with weights w (the effective
// weights of the batch), leaving the batch-mean gradient in n.grad. With
// simulate, the software model produces the traces first; otherwise the
// tapes hold measurements.
func (n *net) gradient(tapes []tape, w *Weights, lt lossTerms, spikeRho float32, simulate bool) stepStats {
	inv := 1 / float32(len(tapes))
	n.outT = growF(n.outT, len(w.Out))
	transpose(n.outT, w.Out, n.l.Hidden, n.l.Outputs)
	forShards(len(tapes), func(s, lo, hi int) {
		sh := &n.shards[s]
		clear(sh.grad.All)
		sh.loss, sh.correct, sh.spikes = 0, 0, 0
		for i := lo; i < hi; i++ {
			tp := &tapes[i]
			if simulate {
				n.m.forward(w, tp)
			}
			loss, pred := lt.eval(tp, n.l.Outputs, true, inv)
			reg, regGrad := spikeReg(tp, n.l.Hidden, spikeRho, inv)
			sh.loss += loss + reg
			if pred == tp.label {
				sh.correct++
			}
			sh.spikes += tp.hidden.len()
			n.m.backward(w, n.outT, tp, regGrad, &sh.grad)
		}
	})
	clear(n.grad.All)
	var st stepStats
	for s := range n.shards {
		sh := &n.shards[s]
		addRow(n.grad.All, sh.grad.All, 1)
		st.loss += sh.loss
		st.correct += sh.correct
		st.spikes += sh.spikes
	}
	st.n = len(tapes)
	return st
}

// evaluate scores tapes without gradients (simulating first if asked).
func (n *net) evaluate(tapes []tape, w *Weights, lt lossTerms, simulate bool, preds []int) stepStats {
	forShards(len(tapes), func(s, lo, hi int) {
		sh := &n.shards[s]
		sh.loss, sh.correct, sh.spikes = 0, 0, 0
		for i := lo; i < hi; i++ {
			tp := &tapes[i]
			if simulate {
				n.m.forward(w, tp)
			}
			loss, pred := lt.eval(tp, n.l.Outputs, false, 0)
			preds[i] = pred
			sh.loss += loss
			if pred == tp.label {
				sh.correct++
			}
			sh.spikes += tp.hidden.len()
		}
	})
	var st stepStats
	for s := range n.shards {
		st.loss += n.shards[s].loss
		st.correct += n.shards[s].correct
		st.spikes += n.shards[s].spikes
	}
	st.n = len(tapes)
	return st
}

// update applies the hidden-weight L2 term 0.1·mean(W_h²) (scaled by l2),
// zeroes the gradient of dropped neurons' incoming weights (keep[j] false),
// takes an Adam step and clamps the hidden weights to the chip's range.
func (n *net) update(lr, l2 float64, keep []bool) {
	g, w := n.grad, n.w
	if keep == nil {
		// One pass per element: L2 term, Adam, clamp (the same operations
		// in the same order as the passes below).
		step, inv2 := n.opt.next(lr)
		nh := len(w.In) + len(w.Rec) // In and Rec lead All
		k := adamArgs{step: step, inv2: inv2, lim: hiddenLimit, clamp: true}
		if l2 != 0 {
			k.addL2, k.l2 = true, float32(2*l2/float64(nh))
		}
		adamUpdate(w.All[:nh], g.All[:nh], n.opt.M[:nh], n.opt.V[:nh], k)
		adamUpdate(w.All[nh:], g.All[nh:], n.opt.M[nh:], n.opt.V[nh:], adamArgs{step: step, inv2: inv2})
		return
	}
	H := n.l.Hidden
	if l2 != 0 {
		c := float32(2 * l2 / float64(len(w.In)+len(w.Rec)))
		for i, v := range w.In {
			g.In[i] += c * v
		}
		for i, v := range w.Rec {
			g.Rec[i] += c * v
		}
	}
	for _, m := range [][]float32{g.In, g.Rec} {
		for r := 0; r+H <= len(m); r += H {
			row := m[r : r+H]
			for j, k := range keep {
				if !k {
					row[j] = 0
				}
			}
		}
	}
	n.opt.step(w.All, g.All, lr)
	clampHidden(w, hiddenLimit)
}

// finite reports whether all weights are finite (divergence check).
func (n *net) finite() bool {
	for _, v := range n.w.All {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return false
		}
	}
	return true
}

// masked returns the weights with the incoming weights of dropped hidden
// neurons zeroed, written into dst (shaped like n.w).
func (n *net) masked(dst Weights, keep []bool) Weights {
	copy(dst.All, n.w.All)
	H := n.l.Hidden
	for _, m := range [][]float32{dst.In, dst.Rec} {
		for r := 0; r+H <= len(m); r += H {
			row := m[r : r+H]
			for j, k := range keep {
				if !k {
					row[j] = 0
				}
			}
		}
	}
	return dst
}
