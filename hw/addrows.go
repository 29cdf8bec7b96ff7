package hw

// addRows adds to dst, in the order of offs, the rows of src that start at
// those offsets: for each o in offs, dst[i] += src[o+i]. Each element sees
// the same sequence of float32 additions as separate addTo calls would, so
// the sums are the same bits; the vector kernel keeps a block of dst in
// registers while it adds all rows (one load and store of dst per block
// instead of one per row). It sums the synaptic-current jumps of all input
// spikes of one tick through one projection.
func addRows(dst, src []float32, offs []int32) {
	n := len(dst)
	for _, o := range offs {
		if o < 0 || int(o)+n > len(src) {
			panic("hw: addRows: row out of range")
		}
	}
	if n == 0 || len(offs) == 0 {
		return
	}
	addRowsKernel(dst, src, offs)
}

// addRowsGeneric is the portable kernel.
func addRowsGeneric(dst, src []float32, offs []int32) {
	for _, o := range offs {
		addGeneric(dst, src[o:int(o)+len(dst)])
	}
}
