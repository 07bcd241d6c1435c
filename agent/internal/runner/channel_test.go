package runner

import (
	"testing"
	"time"
)

// TestChannelBackoff: the wait after failures grows, stays within its cap,
// is spread over its upper half, and waits at least a server's Retry-After.
func TestChannelBackoff(t *testing.T) {
	ch := Channel{BackoffBase: time.Second, BackoffMax: 30 * time.Second}
	cases := []struct {
		failures   int
		retryAfter time.Duration
		lo, hi     time.Duration
	}{
		{1, 0, 500 * time.Millisecond, time.Second},
		{3, 0, 2 * time.Second, 4 * time.Second},
		{40, 0, 15 * time.Second, 30 * time.Second},
		{1, 40 * time.Second, 40 * time.Second, 50 * time.Second},
	}
	for _, c := range cases {
		for range 100 {
			if d := ch.backoff(c.failures, c.retryAfter); d < c.lo || d > c.hi {
				t.Fatalf("backoff(%d, %s) = %s, want %s..%s", c.failures, c.retryAfter, d, c.lo, c.hi)
			}
		}
	}
}
