package engine

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// numShards is the fixed number of pieces a batch is cut into. Each shard is
// processed sequentially and its sums are reduced in shard order, so results
// are bit-identical for any GOMAXPROCS.
const numShards = 8

// shardRange returns the samples [lo, hi) of shard s of n.
func shardRange(s, n int) (lo, hi int) {
	return s * n / numShards, (s + 1) * n / numShards
}

// forShards runs fn(s, lo, hi) for every shard of n samples on up to
// GOMAXPROCS goroutines.
func forShards(n int, fn func(s, lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), numShards)
	if workers <= 1 || n <= 1 {
		for s := range numShards {
			lo, hi := shardRange(s, n)
			fn(s, lo, hi)
		}
		return
	}
	var next atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				s := int(next.Add(1)) - 1
				if s >= numShards {
					return
				}
				lo, hi := shardRange(s, n)
				fn(s, lo, hi)
			}
		})
	}
	wg.Wait()
}
