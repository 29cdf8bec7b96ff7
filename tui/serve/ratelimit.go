package serve

import (
	"sync"
	"time"
)

// maxTrackedAddrs bounds the limiter's memory under a flood of addresses.
const maxTrackedAddrs = 4096

// connLimiter is a token bucket per remote address: each attempt takes one
// token, tokens refill at rate per second up to burst.
type connLimiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
	denied bool // the last attempt was denied (log only the first denial)
}

func newConnLimiter(rate float64, burst int, now func() time.Time) *connLimiter {
	return &connLimiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for addr. It reports whether the attempt may proceed
// and whether this is the first denial since the address was last allowed.
func (l *connLimiter) allow(addr string) (ok, firstDenial bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= maxTrackedAddrs {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[addr] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		b.denied = false
		return true, false
	}
	first := !b.denied
	b.denied = true
	return false, first
}

// prune forgets buckets that have refilled (they behave like new ones); if
// none has, it forgets all, trading precision for bounded memory.
func (l *connLimiter) prune(now time.Time) {
	for addr, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, addr)
		}
	}
	if len(l.buckets) >= maxTrackedAddrs {
		clear(l.buckets)
	}
}
