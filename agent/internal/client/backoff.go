package client

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Backoff says how often and how patiently a request is retried.
type Backoff struct {
	Attempts      int           // total tries, at least 1
	Base          time.Duration // wait after the first failure, doubled each time
	Max           time.Duration // cap of the doubled wait
	MaxRetryAfter time.Duration // cap on a server's Retry-After
}

// DefaultBackoff rides out a server restart or a short outage (about a minute
// in all) before the batch stays in the spool for the next run.
func DefaultBackoff() Backoff {
	return Backoff{Attempts: 5, Base: 2 * time.Second, Max: 30 * time.Second, MaxRetryAfter: 5 * time.Minute}
}

// Delay is the wait after the given failed attempt (from 1): exponential,
// with the upper half randomised so agents that failed together do not
// retry together.
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.Base << min(attempt-1, 30)
	if d > b.Max || d <= 0 {
		d = b.Max
	}
	half := d / 2
	return half + rand.N(half+1)
}

// retryAfter reads a Retry-After header (seconds or an HTTP date). It answers
// zero when there is none, so the caller falls back to its backoff.
func (b Backoff) retryAfter(header string, now time.Time) time.Duration {
	if header == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(header); err == nil {
		d = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(header); err == nil {
		d = at.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, b.MaxRetryAfter)
}
