package engine

import "inloop/internal/f32"

// model is the discrete network of docs/model.md §3.2 on the readout grid, in
// model units (leak 0, threshold 1, C = 1). Per step t = 0 … T−2:
//
//	I[t+1] = α·I[t] + W_in·x[t] (+ W_rec·S[t])
//	V[t+1] = β·V[t] + I[t+1] − S[t]        (reset subtractive, software only, detached)
//	S[t+1] = Θ(V[t+1] − 1)
//
// and for the leaky-integrator outputs I_o[t+1] = α·I_o[t] + W_out·S[t],
// V_o[t+1] = β·V_o[t] + I_o[t+1]. V[0] = I[0] = 0. In the loop, V, S and V_o
// are the chip's measurements and only the currents come from the model;
// the backward pass is the same either way (the recursion derivatives
// ∂V[t+1]/∂V[t] = β, ∂V[t+1]/∂I[t+1] = 1, the reset outside the graph).
type model struct {
	l           Layout
	alpha, beta float32 // synaptic and membrane decay per step
	surrBeta    float32 // SuperSpike steepness
	// smooth > 0 switches to the gradient-check model: S = σ(smooth·(V−1))
	// instead of the step, its exact derivative instead of the surrogate,
	// and no reset, so that the forward pass is differentiable.
	smooth float32
}

func newModel(l Layout, surrBeta float32) model {
	a, b := l.decays()
	return model{l: l, alpha: a, beta: b, surrBeta: surrBeta}
}

// forward runs the software model on tp.in and fills tp.vh, tp.hidden and
// tp.vo.
func (m *model) forward(w *Weights, tp *tape) {
	m.forwardHidden(w, tp)
	m.forwardOutput(w, tp)
}

func (m *model) forwardHidden(w *Weights, tp *tape) {
	if m.smooth > 0 {
		m.forwardHiddenRef(w, tp)
		return
	}
	// The step model with the decay of the current moved to the end of the
	// previous step (lif) and the reset read from the previous membrane:
	// the spikes of bin t are exactly the lanes with vh[t] > 1, each of
	// value 1. The same operations in the same order as forwardHiddenRef.
	H, T := m.l.Hidden, m.l.Steps
	cur, mem := tp.cur[:H], tp.mem[:H]
	clear(cur)
	clear(mem)
	clear(tp.vh[:H])
	hs := &tp.hidden
	hs.reset(T)
	for t := 0; t < T-1; t++ {
		idx, val := tp.in.bin(t)
		addRowsTo(cur, w.In, idx, val, &tp.offs)
		if w.Rec != nil {
			sIdx, sVal := hs.bin(t)
			addRowsTo(cur, w.Rec, sIdx, sVal, &tp.offs)
		}
		n0 := len(hs.idx)
		hs.idx = lif(cur, mem, tp.vh[(t+1)*H:(t+2)*H], m.alpha, m.beta, hs.idx)
		for range len(hs.idx) - n0 {
			hs.val = append(hs.val, 1)
		}
		hs.start[t+2] = int32(len(hs.idx))
	}
}

// addRowsTo adds to dst the rows idx of w (row length len(dst)) scaled by
// val, in order: one pass of f32.AddRows when all are real spikes.
func addRowsTo(dst, w []float32, idx []int32, val []float32, offs *[]int32) {
	if len(idx) == 0 {
		return
	}
	n := len(dst)
	if unit(val) {
		*offs = rowOffsets(*offs, idx, n)
		f32.AddRows(dst, w, *offs)
		return
	}
	for k, i := range idx {
		addRow(dst, w[int(i)*n:int(i)*n+n], val[k])
	}
}

// addToRowsFrom adds src, scaled by val, to the rows idx of g (row length
// len(src)), in order.
func addToRowsFrom(g []float32, idx []int32, val []float32, src []float32, offs *[]int32) {
	if len(idx) == 0 {
		return
	}
	n := len(src)
	if unit(val) {
		*offs = rowOffsets(*offs, idx, n)
		addToRows(g, *offs, src)
		return
	}
	for k, i := range idx {
		addRow(g[int(i)*n:int(i)*n+n], src, val[k])
	}
}

func (m *model) forwardHiddenRef(w *Weights, tp *tape) {
	H, T := m.l.Hidden, m.l.Steps
	cur, mem := tp.cur[:H], tp.mem[:H]
	reset := tp.counts[:H] // free during the forward pass
	clear(cur)
	clear(mem)
	clear(reset)
	clear(tp.vh[:H])
	hs := &tp.hidden
	hs.reset(T)
	for t := 0; t < T-1; t++ {
		scale(m.alpha, cur)
		idx, val := tp.in.bin(t)
		for k, i := range idx {
			addRow(cur, w.In[int(i)*H:int(i)*H+H], val[k])
		}
		sIdx, sVal := hs.bin(t)
		if w.Rec != nil {
			for k, j := range sIdx {
				addRow(cur, w.Rec[int(j)*H:int(j)*H+H], sVal[k])
			}
		}
		vh := tp.vh[(t+1)*H : (t+2)*H]
		if m.smooth > 0 {
			for j := range mem {
				mem[j] = m.beta*mem[j] + cur[j]
				vh[j] = mem[j]
				s, _ := sigmoidSpike(mem[j], m.smooth)
				hs.idx = append(hs.idx, int32(j))
				hs.val = append(hs.val, s)
			}
		} else {
			// One pass: leak, input, the detached subtractive reset of the
			// spikes of bin t (reset[j] = 1 for them, 0 otherwise), record,
			// threshold.
			for k, j := range sIdx {
				reset[j] = sVal[k]
			}
			b := m.beta
			for j := range mem {
				v := b*mem[j] + cur[j] - reset[j]
				mem[j] = v
				vh[j] = v
				if v > 1 {
					hs.idx = append(hs.idx, int32(j))
					hs.val = append(hs.val, 1)
				}
			}
			for _, j := range sIdx {
				reset[j] = 0
			}
		}
		hs.start[t+2] = int32(len(hs.idx))
	}
}

// forwardOutput integrates the hidden spikes tp.hidden into tp.vo.
func (m *model) forwardOutput(w *Weights, tp *tape) {
	O, T := m.l.Outputs, m.l.Steps
	cur, mem := tp.curO[:O], tp.memO[:O]
	clear(cur)
	clear(mem)
	clear(tp.vo[:O])
	for t := 0; t < T-1; t++ {
		idx, val := tp.hidden.bin(t)
		for k := range cur {
			cur[k] *= m.alpha
		}
		addRowsTo(cur, w.Out, idx, val, &tp.offs)
		vo := tp.vo[(t+1)*O : (t+2)*O]
		for k := range mem {
			mem[k] = m.beta*mem[k] + cur[k]
			vo[k] = mem[k]
		}
	}
}

// backward accumulates the gradient of one sample's loss into g, given the
// loss gradient tp.gvo with respect to the output membranes and the
// spike-count regulariser's gradient regGrad·count_j with respect to every
// S_j[t]. w are the weights the forward pass used, outT their output
// weights transposed to post-major.
func (m *model) backward(w *Weights, outT []float32, tp *tape, regGrad float32, g *Weights) {
	H, O, T := m.l.Hidden, m.l.Outputs, m.l.Steps
	gs := tp.gs[:T*H]
	clear(gs)

	// Output layer: gradient of V_o and I_o backwards in time.
	gv, gi := tp.memO[:O], tp.curO[:O]
	clear(gv)
	clear(gi)
	live := false // gi ≠ 0: nothing flows before the last loss term
	for t := T - 1; t >= 1; t-- {
		gvo := tp.gvo[t*O : (t+1)*O]
		for k := range gv {
			gv[k] = gvo[k] + m.beta*gv[k]
			gi[k] = gv[k] + m.alpha*gi[k]
			if gi[k] != 0 {
				live = true
			}
		}
		if !live {
			continue
		}
		idx, val := tp.hidden.bin(t - 1)
		addToRowsFrom(g.Out, idx, val, gi, &tp.offs)
		// gs[t−1] = Σ_k gi[k]·outT[k], the rows of nonzero gi[k] in order
		// (outGrad)
		gk, ok := tp.gk[:0], tp.offs[:0]
		for k, v := range gi {
			if v != 0 {
				gk = append(gk, v)
				ok = append(ok, int32(k*H))
			}
		}
		tp.gk, tp.offs = gk, ok
		comb(gs[(t-1)*H:t*H], outT, ok, gk)
	}

	// Spike-count regulariser: ∂R/∂S_j[t] = regGrad·c_j for every t.
	counts := tp.counts[:H]
	clear(counts)
	if regGrad != 0 {
		for k, j := range tp.hidden.idx {
			counts[j] += tp.hidden.val[k]
		}
		for j := range counts {
			counts[j] *= regGrad
		}
	}

	// Hidden layer.
	gv, gi = tp.mem[:H], tp.cur[:H]
	clear(gv)
	clear(gi)
	for t := T - 1; t >= 1; t-- {
		vh := tp.vh[t*H : (t+1)*H]
		gst := gs[t*H : (t+1)*H]
		if m.smooth > 0 {
			for j := range gv {
				_, d := sigmoidSpike(vh[j], m.smooth)
				gv[j] = (gst[j]+counts[j])*d + m.beta*gv[j]
				gi[j] = gv[j] + m.alpha*gi[j]
			}
		} else {
			bwdHidden(gv, gi, gst, counts, vh, m.beta, m.alpha, m.surrBeta)
		}
		idx, val := tp.in.bin(t - 1)
		addToRowsFrom(g.In, idx, val, gi, &tp.offs)
		if w.Rec != nil {
			sIdx, sVal := tp.hidden.bin(t - 1)
			addToRowsFrom(g.Rec, sIdx, sVal, gi, &tp.offs)
			prev := gs[(t-1)*H : t*H]
			for k := range prev {
				prev[k] += dot(w.Rec[k*H:k*H+H], gi)
			}
		}
	}
}
