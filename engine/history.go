package engine

// curve is the training loss/accuracy curve kept at bounded size: each point
// is the mean of Stride consecutive batches; when the curve is full, pairs of
// points merge and Stride doubles. It is saved in checkpoints so a resumed
// run replays its whole history.
type curve struct {
	Max      int       `json:"max"`
	Stride   int       `json:"stride"`
	Steps    []int     `json:"steps"` // the last step each point covers
	Loss     []float64 `json:"loss"`
	Accuracy []float64 `json:"accuracy"`
	// the bucket being filled
	PendN    int     `json:"pend_n"`
	PendStep int     `json:"pend_step"`
	PendLoss float64 `json:"pend_loss"` // sums
	PendAcc  float64 `json:"pend_acc"`
}

func newCurve(max int) curve {
	if max < 2 || max%2 != 0 {
		panic("engine: curve size must be even and at least 2")
	}
	return curve{Max: max, Stride: 1}
}

// add appends one batch. Non-finite losses are skipped: they end the run
// and would poison a bucket's mean.
func (c *curve) add(step int, loss, acc float64) {
	if !finiteValues(loss, acc) {
		return
	}
	c.PendN++
	c.PendStep = step
	c.PendLoss += loss
	c.PendAcc += acc
	if c.PendN < c.Stride {
		return
	}
	c.Steps = append(c.Steps, c.PendStep)
	c.Loss = append(c.Loss, c.PendLoss/float64(c.PendN))
	c.Accuracy = append(c.Accuracy, c.PendAcc/float64(c.PendN))
	c.PendN, c.PendLoss, c.PendAcc = 0, 0, 0
	if len(c.Steps) == c.Max {
		c.halve()
	}
}

// halve merges neighbouring points (each of Stride batches) and doubles Stride.
func (c *curve) halve() {
	n := len(c.Steps) / 2
	for i := range n {
		c.Steps[i] = c.Steps[2*i+1]
		c.Loss[i] = (c.Loss[2*i] + c.Loss[2*i+1]) / 2
		c.Accuracy[i] = (c.Accuracy[2*i] + c.Accuracy[2*i+1]) / 2
	}
	c.Steps, c.Loss, c.Accuracy = c.Steps[:n], c.Loss[:n], c.Accuracy[:n]
	c.Stride *= 2
}

// event returns the curve as a fresh HistoryEvent, the partly filled bucket
// included as its last point.
func (c *curve) event() HistoryEvent {
	n := len(c.Steps)
	if c.PendN > 0 {
		n++
	}
	h := HistoryEvent{Steps: make([]int, 0, n), Loss: make([]float64, 0, n), Accuracy: make([]float64, 0, n)}
	h.Steps = append(h.Steps, c.Steps...)
	h.Loss = append(h.Loss, c.Loss...)
	h.Accuracy = append(h.Accuracy, c.Accuracy...)
	if c.PendN > 0 {
		h.Steps = append(h.Steps, c.PendStep)
		h.Loss = append(h.Loss, c.PendLoss/float64(c.PendN))
		h.Accuracy = append(h.Accuracy, c.PendAcc/float64(c.PendN))
	}
	return h
}

// clone returns a copy sharing no memory with c.
func (c *curve) clone() curve {
	d := *c
	d.Steps = append([]int(nil), c.Steps...)
	d.Loss = append([]float64(nil), c.Loss...)
	d.Accuracy = append([]float64(nil), c.Accuracy...)
	return d
}
