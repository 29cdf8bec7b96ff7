package hw

import "slices"

// Spikes and deliveries are ordered by tick, then neuron. Both fit in one
// int64 key (tick·2¹⁶ + neuron: ticks are ≥ 0 and below 2⁴⁷, neurons below
// 2¹⁶), and a key holds the whole element, so sorting the keys and writing
// the elements back gives exactly what a comparison sort of the elements
// gives, without a comparison callback per step.

const keyShift = 16

// sortSpikes sorts s by tick, then neuron; keys is scratch, returned for reuse.
func sortSpikes(s []Spike, keys []int64) []int64 {
	if len(s) < 2 {
		return keys
	}
	keys = keys[:0]
	for _, x := range s {
		keys = append(keys, x.Tick<<keyShift|int64(x.Neuron))
	}
	sortKeys(keys)
	for i, k := range keys {
		s[i] = Spike{Tick: k >> keyShift, Neuron: int32(k & (1<<keyShift - 1))}
	}
	return keys
}

// sortDeliveries sorts d by tick, then neuron; keys is scratch, returned
// for reuse.
func sortDeliveries(d []delivery, keys []int64) []int64 {
	if len(d) < 2 {
		return keys
	}
	keys = keys[:0]
	for _, x := range d {
		keys = append(keys, x.tick<<keyShift|int64(x.neuron))
	}
	sortKeys(keys)
	for i, k := range keys {
		d[i] = delivery{tick: k >> keyShift, neuron: int32(k & (1<<keyShift - 1))}
	}
	return keys
}

// sortKeys sorts keys ascending. The spikes of a sample arrive nearly in
// order (those found within one interval between stops can be out of order),
// so short lists take an insertion sort, whose cost is the length plus the
// inversions.
func sortKeys(keys []int64) {
	if len(keys) > 64 {
		slices.Sort(keys)
		return
	}
	for i := 1; i < len(keys); i++ {
		k := keys[i]
		j := i
		for ; j > 0 && keys[j-1] > k; j-- {
			keys[j] = keys[j-1]
		}
		keys[j] = k
	}
}
