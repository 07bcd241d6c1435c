package main

import (
	"context"
	"log/slog"
	"time"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/identity"
)

// renewCheck is how often the daemon looks at its certificate's age: the
// look is local, and a week-long certificate renews days before it ends.
const renewCheck = time.Hour

// certRenewal renews the agent's client certificate when two thirds of its
// lifetime have passed. A nil one (an agent of tokens) does nothing.
type certRenewal struct {
	client  *client.Client
	dir     identity.Dir
	current identity.Identity
	log     *slog.Logger
}

// keepRenewed renews whenever due, until ctx ends.
func (r *certRenewal) keepRenewed(ctx context.Context) {
	if r == nil {
		return
	}
	tick := time.NewTicker(renewCheck)
	defer tick.Stop()
	for {
		r.renewIfDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// renewIfDue renews a certificate past two thirds of its lifetime; on
// failure the current one stays in use, and the next check tries again.
func (r *certRenewal) renewIfDue(ctx context.Context) {
	if r == nil || !r.current.RenewalDue(time.Now()) {
		return
	}
	id, err := identity.Renew(ctx, r.client, r.dir)
	if err != nil {
		level := slog.LevelWarn
		if r.current.Expired(time.Now()) {
			level = slog.LevelError
		}
		r.log.Log(ctx, level, "could not renew the client certificate; the current one stays in use until it expires, then the agent must enroll again",
			"not_after", r.current.Leaf.NotAfter, "error", err)
		return
	}
	r.current = id
	r.log.Info("client certificate renewed", "serial", id.Leaf.SerialNumber.Text(16), "not_after", id.Leaf.NotAfter)
}
