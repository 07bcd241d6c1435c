package main

import (
	"context"
	"log/slog"
	"time"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/identity"
)

// renewCheck is the longest the daemon waits before looking at its
// certificate again: the look is local, and it sleeps until the renewal is
// due otherwise.
const renewCheck = time.Hour

// renewRetryBase is the first wait after a failed renewal, doubled after
// each next failure up to renewCheck; a short-lived certificate retries
// sooner (see retryBackoff).
const renewRetryBase = 30 * time.Second

// certRenewal renews the agent's client certificate when two thirds of its
// lifetime have passed. A nil one (an agent of tokens) does nothing.
type certRenewal struct {
	client  *client.Client
	dir     identity.Dir
	current identity.Identity
	log     *slog.Logger
	// failures counts the renewals failed in a row.
	failures int
}

// keepRenewed renews whenever due, until ctx ends.
func (r *certRenewal) keepRenewed(ctx context.Context) {
	if r == nil {
		return
	}
	for {
		t := time.NewTimer(r.renewIfDue(ctx))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// renewIfDue renews a certificate past two thirds of its lifetime and
// returns how long to wait before the next look. On failure the current
// certificate stays on disk and in use, the reason is logged, and the next
// try comes after a growing, jittered wait.
func (r *certRenewal) renewIfDue(ctx context.Context) time.Duration {
	if r == nil {
		return renewCheck
	}
	if !r.current.RenewalDue(time.Now()) {
		return r.untilDue()
	}
	id, err := identity.Renew(ctx, r.client, r.dir)
	if err != nil {
		r.failures++
		wait := r.retryBackoff().Delay(r.failures)
		level := slog.LevelWarn
		if r.current.Expired(time.Now()) {
			level = slog.LevelError
		}
		r.log.Log(ctx, level, "could not renew the client certificate; the current one stays in use until it expires, then the agent must enroll again",
			"serial", r.current.Leaf.SerialNumber.Text(16), "not_after", r.current.Leaf.NotAfter, "attempt", r.failures,
			"retry_in", wait.Round(time.Second), "error", err)
		return wait
	}
	r.current, r.failures = id, 0
	r.log.Info("client certificate renewed", "serial", id.Leaf.SerialNumber.Text(16), "not_after", id.Leaf.NotAfter)
	return r.untilDue()
}

// untilDue is the wait until the current certificate's renewal, at most
// renewCheck (clocks jump; a suspended machine wakes late).
func (r *certRenewal) untilDue() time.Duration {
	return max(0, min(renewCheck, time.Until(r.current.RenewalAt())))
}

// retryBackoff spaces the retries of failed renewals: from renewRetryBase
// up to renewCheck, both cut to a twentieth and a tenth of the lifetime,
// so that a short-lived certificate gets several tries before it ends.
func (r *certRenewal) retryBackoff() client.Backoff {
	life := r.current.Lifetime()
	return client.Backoff{Base: max(time.Second, min(renewRetryBase, life/20)), Max: max(time.Second, min(renewCheck, life/10))}
}
