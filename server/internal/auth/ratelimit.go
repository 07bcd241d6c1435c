package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter rate-limits attempts per key (a client IP). It lives in
// memory, so with several replicas each one enforces the limit on its own
// share of the traffic.
type Limiter struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	limiter *rate.Limiter
	last    time.Time
}

// maxBuckets bounds memory under a flood of distinct keys; idle buckets are
// swept when it is reached.
const maxBuckets = 100_000

// NewLimiter allows burst attempts at once, then one per every.
func NewLimiter(every time.Duration, burst int) *Limiter {
	return &Limiter{every: every, burst: burst, buckets: make(map[string]*bucket), now: time.Now}
}

// Allow takes one attempt for key; when refused it says how long to wait.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
		}
		b = &bucket{limiter: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[key] = b
	}
	b.last = now
	r := b.limiter.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops buckets idle long enough to have refilled completely.
func (l *Limiter) sweep(now time.Time) {
	full := l.every * time.Duration(l.burst)
	for k, b := range l.buckets {
		if now.Sub(b.last) > full {
			delete(l.buckets, k)
		}
	}
}
