package engine

// spikes is a list of spikes grouped by time bin: the spikes of bin t are
// idx[start[t]:start[t+1]] with values val (1 for real spikes; a smooth
// stand-in in the gradient check).
type spikes struct {
	start []int32 // len T+1
	idx   []int32
	val   []float32
	fill  []int32 // scratch of fromBins
}

func (s *spikes) reset(steps int) {
	if cap(s.start) < steps+1 {
		s.start = make([]int32, steps+1)
	}
	s.start = s.start[:steps+1]
	clear(s.start)
	s.idx = s.idx[:0]
	s.val = s.val[:0]
}

// bin returns the indices and values of the spikes of bin t.
func (s *spikes) bin(t int) ([]int32, []float32) {
	a, b := s.start[t], s.start[t+1]
	return s.idx[a:b], s.val[a:b]
}

// len returns the number of spikes.
func (s *spikes) len() int { return len(s.idx) }

// fromBins fills s from (bin, index) pairs in any order, counting-sorted by
// bin; pairs with a bin outside 0..steps−1 are dropped.
func (s *spikes) fromBins(steps int, bins, index []int32) {
	s.reset(steps)
	for _, b := range bins {
		if b >= 0 && int(b) < steps {
			s.start[b+1]++
		}
	}
	for t := 1; t <= steps; t++ {
		s.start[t] += s.start[t-1]
	}
	n := int(s.start[steps])
	s.idx = grow32(s.idx, n)
	s.val = growF(s.val, n)
	s.fill = grow32(s.fill, steps)
	fill := s.fill
	clear(fill)
	for k, b := range bins {
		if b < 0 || int(b) >= steps {
			continue
		}
		p := s.start[b] + fill[b]
		fill[b]++
		s.idx[p] = index[k]
		s.val[p] = 1
	}
}

// tape holds one sample's forward record: binned input spikes, hidden
// membrane and spikes, output membrane. In chip mode the membranes and
// hidden spikes are measurements; in software mode the model's own values.
type tape struct {
	steps  int
	label  int
	in     spikes
	hidden spikes
	vh     []float32 // [T][H] hidden membrane, model units
	vo     []float32 // [T][O] output membrane, model units
	gvo    []float32 // [T][O] loss gradient with respect to vo
	// scratch of the backward pass
	gs       []float32 // [T][H] gradient with respect to hidden spikes
	cur, mem []float32 // [H] running current and membrane (forward and backward)
	curO     []float32 // [O]
	memO     []float32 // [O]
	counts   []float32 // [H] spikes per hidden neuron
	bins     []int32   // scratch of binInputs and measure
	index    []int32
	offs     []int32   // row offsets of the model's row kernels
	gk       []float32 // nonzero output gradients of a backward step
}

func (tp *tape) size(l Layout) {
	tp.steps = l.Steps
	tp.vh = growF(tp.vh, l.Steps*l.Hidden)
	tp.vo = growF(tp.vo, l.Steps*l.Outputs)
	tp.gvo = growF(tp.gvo, l.Steps*l.Outputs)
	tp.gs = growF(tp.gs, l.Steps*l.Hidden)
	tp.cur = growF(tp.cur, l.Hidden)
	tp.mem = growF(tp.mem, l.Hidden)
	tp.curO = growF(tp.curO, l.Outputs)
	tp.memO = growF(tp.memO, l.Outputs)
	tp.counts = growF(tp.counts, l.Hidden)
}

func growF(x []float32, n int) []float32 {
	if cap(x) < n {
		return make([]float32, n)
	}
	return x[:n]
}

func grow32(x []int32, n int) []int32 {
	if cap(x) < n {
		return make([]int32, n)
	}
	return x[:n]
}
