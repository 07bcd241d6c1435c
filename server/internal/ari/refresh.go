package ari

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/sourcegraph/conc/pool"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/store"
)

// Pacing of lookups that found nothing to ask, or failed.
const (
	// unknownIssuerRecheck: a certificate of no known CA is matched again
	// daily (and at once when its organization adds a directory).
	unknownIssuerRecheck = 24 * time.Hour
	// movedTolerance ignores a window start moved earlier by less, as a
	// CA rounding its times would.
	movedTolerance = time.Minute
	// maxErrorText bounds the stored text of the last failure.
	maxErrorText = 500
)

// Refresher looks up the renewal window of every leaf the organizations
// serve whose CA's ACME directory is known: Let's Encrypt and Google Trust
// Services built in, and the directories organizations add for their
// internal CAs. It runs as a periodic job (the job lease keeps it to one
// replica per tick); each lookup sets when the next is due, from the CA's
// Retry-After, so a tick only asks what is due.
type Refresher struct {
	Store  *store.Store
	Client *Client
	Log    *slog.Logger
	// BaseURL makes the dashboard links of alerts; Recorded is told when
	// alerts were written, to wake the outbox.
	BaseURL  string
	Recorded func()
	// WindowChanged, when set, hears of every organization one of whose
	// windows changed, to have its stored chains judged again.
	WindowChanged func(ctx context.Context, orgID string) error
	// Batch bounds the certificates one query loads, MaxBatches the
	// batches of one tick (the rest wait for the next), Concurrency the
	// lookups in flight.
	Batch, MaxBatches, Concurrency int
}

// Run is one tick.
func (r *Refresher) Run(ctx context.Context) error {
	if _, err := r.Store.PruneRenewalInfo(ctx); err != nil {
		return fmt.Errorf("ari: refresh: %w", err)
	}
	dirs := &orgDirectories{store: r.Store, client: r.Client, breaker: breaker{failures: map[string]int{}}, orgs: map[string]orgCAs{}}
	defer dirs.close()
	for range max(r.MaxBatches, 1) {
		due, err := r.Store.DueRenewalLookups(ctx, max(r.Batch, 1))
		if err != nil {
			return fmt.Errorf("ari: refresh: %w", err)
		}
		p := pool.New().WithErrors().WithContext(ctx).WithMaxGoroutines(max(r.Concurrency, 1))
		for _, l := range due {
			p.Go(func(ctx context.Context) error { return r.refresh(ctx, l, dirs) })
		}
		if err := p.Wait(); err != nil {
			return fmt.Errorf("ari: refresh: %w", err)
		}
		if len(due) < r.Batch {
			return nil
		}
	}
	return nil
}

// refresh looks up one certificate and records the answer. Only store
// errors and cancellation stop the tick; a CA's failure is recorded on
// the certificate and retried later.
func (r *Refresher) refresh(ctx context.Context, l store.RenewalLookup, dirs *orgDirectories) error {
	now := r.Store.Now()
	ri := l.Known
	ri.OrganizationID, ri.SHA256 = l.OrganizationID, l.SHA256
	cert, err := x509.ParseCertificate(l.DER)
	dir, client := "", r.Client
	if err == nil {
		if dir, client, err = dirs.match(ctx, l.OrganizationID, cert); err != nil {
			return err
		}
	}
	if dir != ri.DirectoryURL {
		// Another CA, or none: what the last one said no longer holds.
		ri = store.RenewalInfo{OrganizationID: ri.OrganizationID, SHA256: ri.SHA256, DirectoryURL: dir}
	}
	if dir == "" {
		ri.NextFetchAt = now.Add(unknownIssuerRecheck)
		return r.Store.SaveRenewalInfo(ctx, ri)
	}

	var info Info
	err = dirs.breaker.check(dir)
	if err == nil {
		info, err = client.Lookup(ctx, dir, cert)
		dirs.breaker.record(dir, err)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ri.Failures++
		ri.LastError = truncate(err.Error(), maxErrorText)
		ri.NextFetchAt = now.Add(backoff(ri.Failures, err))
		r.Log.Warn("renewal info lookup failed", "organization", ri.OrganizationID, "sha256", ri.SHA256, "err", err)
		return r.Store.SaveRenewalInfo(ctx, ri)
	}
	moved := ri.WindowStart != nil && info.Window.Start.Before(ri.WindowStart.Add(-movedTolerance))
	changed := ri.WindowStart == nil || !info.Window.Start.Equal(*ri.WindowStart) || !info.Window.End.Equal(*ri.WindowEnd)
	if changed {
		ri.PreviousStart, ri.PreviousEnd = ri.WindowStart, ri.WindowEnd
	}
	ri.WindowStart, ri.WindowEnd = &info.Window.Start, &info.Window.End
	ri.ExplanationURL, ri.FetchedAt, ri.NextFetchAt = info.ExplanationURL, &now, now.Add(info.RetryAfter)
	ri.Failures, ri.LastError = 0, ""
	// The alert goes first: should saving fail, the next tick finds the
	// move again and the alert's key makes recording it again a no-op.
	if moved {
		if err := r.alert(ctx, ri); err != nil {
			return err
		}
	}
	if err := r.Store.SaveRenewalInfo(ctx, ri); err != nil {
		return err
	}
	// Statuses rest on the window: the stored chains are judged again
	// against the new one, rather than at their next check.
	if changed && r.WindowChanged != nil {
		return r.WindowChanged(ctx, ri.OrganizationID)
	}
	return nil
}

// alert records a notice for every domain of the organization serving
// the certificate, in bounded batches.
func (r *Refresher) alert(ctx context.Context, ri store.RenewalInfo) error {
	ids, err := r.Store.DomainsServingLeaf(ctx, ri.OrganizationID, ri.SHA256)
	if err != nil {
		return fmt.Errorf("ari: alert: %w", err)
	}
	recorded := 0
	for start := 0; start < len(ids); start += alertBatch {
		in, err := r.Store.LoadDomainBatch(ctx, ri.OrganizationID, ids[start:min(start+alertBatch, len(ids))])
		if err != nil {
			return fmt.Errorf("ari: alert: %w", err)
		}
		n, err := r.Store.RecordEvaluation(ctx, alerts.WindowMovedEarlier(in, ri.SHA256, ri, r.BaseURL))
		if err != nil {
			return fmt.Errorf("ari: alert: %w", err)
		}
		recorded += n
	}
	r.Log.Warn("renewal window moved earlier", "organization", ri.OrganizationID, "sha256", ri.SHA256,
		"start", ri.WindowStart, "previous_start", ri.PreviousStart, "domains", len(ids), "alerts", recorded)
	if recorded > 0 && r.Recorded != nil {
		r.Recorded()
	}
	return nil
}

// alertBatch bounds the domains loaded at once to alert.
const alertBatch = 1000

// backoff is how long to wait after the n-th failure in a row: the CA's
// Retry-After when it sent one, a day for a certificate it does not know,
// else doubling from MinRetry up to MaxRetry.
func backoff(n int, err error) time.Duration {
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		return se.RetryAfter
	}
	if errors.Is(err, ErrUnknownCertificate) || errors.Is(err, ErrNoRenewalInfo) || errors.Is(err, ErrNoCertID) {
		return MaxRetry
	}
	d := MinRetry
	for i := 1; i < n && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		n--
	}
	return s[:n]
}
