package auth

import (
	"sync"
	"time"
)

// Backoff is a progressive delay per key (a client IP with an email):
// after a few free failures, each further failure doubles the wait before
// the next attempt, up to a ceiling; a success forgets the key. Keyed on
// the source as well as the email, a stranger's failures slow down only
// the stranger, never the owner of the email signing in from elsewhere.
//
// Like Limiter it lives in memory: with several replicas each keeps its own
// counts, which multiplies an attacker's budget by the number of replicas,
// a constant against a delay that grows exponentially.
type Backoff struct {
	mu    sync.Mutex
	free  int
	base  time.Duration
	max   time.Duration
	keys  map[string]*failures
	now   func() time.Time
	limit int
}

type failures struct {
	count int
	until time.Time // no attempt before this
	last  time.Time // of the latest failure
}

// forgetAfter is how long a key's failures are remembered without a new one.
const forgetAfter = 24 * time.Hour

// NewBackoff lets free failures pass undelayed, then waits base, 2*base,
// 4*base... up to ceiling before the next attempt.
func NewBackoff(free int, base, ceiling time.Duration) *Backoff {
	return &Backoff{free: free, base: base, max: ceiling, keys: make(map[string]*failures), now: time.Now, limit: maxBuckets}
}

// Wait says how long key must wait before its next attempt; zero means now.
func (b *Backoff) Wait(key string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.keys[key]
	if f == nil {
		return 0
	}
	return max(f.until.Sub(b.now()), 0)
}

// Fail records a failed attempt of key and sets its next delay.
func (b *Backoff) Fail(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	f := b.keys[key]
	if f == nil {
		if len(b.keys) >= b.limit {
			b.sweep(now)
		}
		if len(b.keys) >= b.limit {
			// Every tracked key is in its delay: the per-IP limiter still
			// bounds this source, so an untracked pair is the lesser harm
			// than refusing everyone or growing without bound.
			return
		}
		f = &failures{}
		b.keys[key] = f
	}
	f.count++
	f.last = now
	if over := f.count - b.free; over > 0 {
		f.until = now.Add(b.delay(over))
	}
}

// Reset forgets key after a success.
func (b *Backoff) Reset(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.keys, key)
}

// delay is base doubled for each failure beyond the free ones, capped.
func (b *Backoff) delay(over int) time.Duration {
	d := b.base
	for i := 1; i < over && d < b.max; i++ {
		d *= 2
	}
	return min(d, b.max)
}

// sweep drops keys forgotten by age, then those whose delay has passed.
func (b *Backoff) sweep(now time.Time) {
	for k, f := range b.keys {
		if now.Sub(f.last) > forgetAfter {
			delete(b.keys, k)
		}
	}
	if len(b.keys) < b.limit {
		return
	}
	for k, f := range b.keys {
		if !f.until.After(now) {
			delete(b.keys, k)
		}
	}
}
