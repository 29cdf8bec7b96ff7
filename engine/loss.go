package engine

import "math"

// Readout names how output traces become class scores.
type Readout int

const (
	// ReadoutMax scores class k by scale·max_t V_o,k[t] (MNIST, Yin-Yang).
	ReadoutMax Readout = iota
	// ReadoutSum scores class k by scale·Σ_t V_o,k[t] (SHD).
	ReadoutSum
)

// lossTerms are the per-sample loss settings of docs/model.md §4.3.
type lossTerms struct {
	readout Readout
	scale   float32 // readout scale (10)
	ampReg  float32 // ρ_a on the squared scaled scores
}

// scores writes the class scores m of tp into dst and, for the max readout,
// the frame of each maximum into at.
func (lt lossTerms) scores(tp *tape, O int, dst []float64, at []int) {
	T := tp.steps
	for k := range O {
		switch lt.readout {
		case ReadoutSum:
			var s float64
			for t := range T {
				s += float64(tp.vo[t*O+k])
			}
			dst[k] = float64(lt.scale) * s
		default:
			// Frame 0 is the baseline (0 by construction) and carries no
			// gradient, so the maximum is taken over frames 1…T−1: outputs
			// pushed below their baseline still learn. Ties go to the
			// latest frame, so a silent start (all traces zero) passes
			// gradient back through the whole window.
			best, bt := tp.vo[O+k], 1
			for t := 2; t < T; t++ {
				if v := tp.vo[t*O+k]; v >= best {
					best, bt = v, t
				}
			}
			dst[k] = float64(lt.scale) * float64(best)
			at[k] = bt
		}
	}
}

// eval returns the sample's cross-entropy plus amplitude penalty and its
// predicted class, and if grad writes w·∂loss/∂V_o into tp.gvo.
//
//	loss = −log softmax(m)_y + ρ_a·mean_k m_k²
func (lt lossTerms) eval(tp *tape, O int, grad bool, w float32) (loss float64, pred int) {
	var mBuf [64]float64
	var atBuf [64]int
	var m []float64
	var at []int
	if O <= len(mBuf) {
		m, at = mBuf[:O], atBuf[:O]
	} else {
		m, at = make([]float64, O), make([]int, O)
	}
	lt.scores(tp, O, m, at)
	mx := m[0]
	for k, v := range m {
		if v > mx {
			mx, pred = v, k
		}
	}
	var z float64
	for _, v := range m {
		z += math.Exp(v - mx)
	}
	logZ := mx + math.Log(z)
	y := tp.label
	loss = logZ - m[y]
	var amp float64
	for _, v := range m {
		amp += v * v
	}
	loss += float64(lt.ampReg) * amp / float64(O)
	if !grad {
		return loss, pred
	}
	gvo := tp.gvo[:tp.steps*O]
	clear(gvo)
	for k, v := range m {
		gm := math.Exp(v - logZ)
		if k == y {
			gm--
		}
		gm += 2 * float64(lt.ampReg) * v / float64(O)
		g := float32(gm) * lt.scale * w
		if lt.readout == ReadoutSum {
			for t := range tp.steps {
				gvo[t*O+k] = g
			}
		} else {
			gvo[at[k]*O+k] = g
		}
	}
	return loss, pred
}

// spikeReg returns the spike-count regulariser of one sample (paper Eq. 6),
// ρ/N_H·Σ_j (Σ_t S_j[t])², and the factor 2ρ/N_H·w that backward multiplies
// by each count to get ∂/∂S_j[t].
func spikeReg(tp *tape, H int, rho, w float32) (loss float64, gradFactor float32) {
	if rho == 0 {
		return 0, 0
	}
	c := tp.counts[:H]
	clear(c)
	for k, j := range tp.hidden.idx {
		c[j] += tp.hidden.val[k]
	}
	var s float64
	for _, v := range c {
		s += float64(v) * float64(v)
	}
	return float64(rho) * s / float64(H), 2 * rho / float32(H) * w
}
