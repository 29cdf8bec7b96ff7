package hw

// eventHeap is an indexed binary min-heap of neurons keyed by the time of
// their next internal event (threshold crossing or end of refractoriness).
type eventHeap struct {
	key  []float64 // key[j]: time of neuron j's next event, µs
	item []int32   // heap order
	pos  []int32   // pos[j]: index in item, −1 if absent
}

func (h *eventHeap) reset(n int, key []float64) {
	h.key = key
	h.item = h.item[:0]
	if cap(h.pos) < n {
		h.pos = make([]int32, n)
	}
	h.pos = h.pos[:n]
	for i := range h.pos {
		h.pos[i] = -1
	}
}

func (h *eventHeap) less(a, b int) bool { return h.key[h.item[a]] < h.key[h.item[b]] }

func (h *eventHeap) swap(a, b int) {
	h.item[a], h.item[b] = h.item[b], h.item[a]
	h.pos[h.item[a]] = int32(a)
	h.pos[h.item[b]] = int32(b)
}

func (h *eventHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *eventHeap) down(i int) {
	n := len(h.item)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h.swap(i, m)
		i = m
	}
}

// fix restores the heap after key[j] changed; +Inf keys leave the heap.
func (h *eventHeap) fix(j int, inf bool) {
	i := int(h.pos[j])
	switch {
	case inf && i < 0:
	case inf:
		last := len(h.item) - 1
		if i != last {
			h.swap(i, last)
		}
		h.item = h.item[:last]
		h.pos[j] = -1
		if i != last {
			h.down(i)
			h.up(i)
		}
	case i < 0:
		h.item = append(h.item, int32(j))
		h.pos[j] = int32(len(h.item) - 1)
		h.up(len(h.item) - 1)
	default:
		h.down(i)
		h.up(i)
	}
}

// min returns the neuron with the earliest event, or −1.
func (h *eventHeap) min() int {
	if len(h.item) == 0 {
		return -1
	}
	return int(h.item[0])
}
