package ari

import (
	"errors"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	other := errors.New("connection reset")
	for _, tc := range []struct {
		n    int
		err  error
		want time.Duration
	}{
		{1, other, time.Hour},
		{3, other, 4 * time.Hour},
		{10, other, MaxRetry},
		{1, ErrUnknownCertificate, MaxRetry},
		{1, &StatusError{Status: 503, RetryAfter: 2 * time.Hour}, 2 * time.Hour},
		{4, &StatusError{Status: 500}, 8 * time.Hour},
	} {
		if got := backoff(tc.n, tc.err); got != tc.want {
			t.Errorf("backoff(%d, %v) = %s, want %s", tc.n, tc.err, got, tc.want)
		}
	}
}
