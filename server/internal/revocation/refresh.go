package revocation

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/sourcegraph/conc/pool"

	"certinel.dev/server/internal/safetext"
	"certinel.dev/server/internal/store"
)

// Pacing of checks.
const (
	// MinRecheck and MaxRecheck bound when a certificate is checked again
	// after an answer, which is at the answer's next update: more often
	// than hourly is abuse of the CA, less than daily misses a revocation
	// for too long.
	MinRecheck = time.Hour
	MaxRecheck = 24 * time.Hour
	// maxErrorText bounds the stored reason of an unavailable status.
	maxErrorText = 500
)

// Refresher checks the revocation of every leaf and intermediate the
// organizations serve, against the issuer their chains present. It runs
// as a periodic job (the job lease keeps it to one replica per tick);
// each check sets when the next is due, so a tick only checks what is
// due.
type Refresher struct {
	Store   *store.Store
	Checker *Checker
	Log     *slog.Logger
	// Roots (the system's; nil: none) and OrgRoots (an organization's CA
	// bundles; nil: none) are where the issuer of a certificate served
	// without it is looked for, as for an intermediate sent without its
	// root.
	Roots    *x509.CertPool
	OrgRoots func(ctx context.Context, orgID string) (*x509.CertPool, error)
	// Changed, when set, hears of every organization one of whose
	// certificates was found revoked, or no longer revoked, to have its
	// stored chains judged again.
	Changed func(ctx context.Context, orgID string) error
	// Batch bounds the certificates one query loads, MaxBatches the
	// batches of one tick (the rest wait for the next), Concurrency the
	// checks in flight.
	Batch, MaxBatches, Concurrency int
}

// Run is one tick.
func (r *Refresher) Run(ctx context.Context) error {
	if _, err := r.Store.PruneRevocationStatus(ctx); err != nil {
		return fmt.Errorf("revocation: refresh: %w", err)
	}
	pass := r.Checker.NewPass()
	roots := r.anchors()
	var mu sync.Mutex
	changed := map[string]bool{}
	used := usedSources{}
	err := r.checkDue(ctx, pass, roots, func(rs store.RevocationStatus, flipped bool) {
		mu.Lock()
		defer mu.Unlock()
		changed[rs.OrganizationID] = changed[rs.OrganizationID] || flipped
		used.add(rs)
	})
	// What was learnt is kept even when the tick stopped: the statuses
	// are saved, and the organizations known changed are told.
	err = errors.Join(err, r.saveSources(ctx, pass, used))
	if r.Changed != nil {
		for _, orgID := range slices.Sorted(maps.Keys(changed)) {
			if changed[orgID] {
				err = errors.Join(err, r.Changed(ctx, orgID))
			}
		}
	}
	if err != nil {
		return fmt.Errorf("revocation: refresh: %w", err)
	}
	return nil
}

// checkDue checks the due certificates batch by batch.
func (r *Refresher) checkDue(ctx context.Context, pass *Pass, roots *anchors, checked func(rs store.RevocationStatus, flipped bool)) error {
	for range max(r.MaxBatches, 1) {
		due, err := r.Store.DueRevocationChecks(ctx, max(r.Batch, 1))
		if err != nil {
			return err
		}
		p := pool.New().WithErrors().WithContext(ctx).WithMaxGoroutines(max(r.Concurrency, 1))
		for _, c := range due {
			p.Go(func(ctx context.Context) error {
				rs, flipped, err := r.check(ctx, pass, roots, c)
				if err == nil {
					checked(rs, flipped)
				}
				return err
			})
		}
		if err := p.Wait(); err != nil {
			return err
		}
		if len(due) < r.Batch {
			return nil
		}
	}
	return nil
}

// check checks one certificate and records the answer; flipped tells
// whether it turned revoked or back. Only store errors and cancellation
// stop the tick: what the CA's servers do is recorded on the certificate.
func (r *Refresher) check(ctx context.Context, pass *Pass, roots *anchors, c store.RevocationCheck) (rs store.RevocationStatus, flipped bool, err error) {
	cert, issuer, st, err := r.subject(ctx, roots, c)
	if err != nil {
		return c.Known, false, err
	}
	if cert != nil {
		st = pass.Check(ctx, cert, issuer)
		if st.State == StateUnavailable && issuedBy(cert, issuer) {
			// A CRL uploaded for the issuer answers when its own did not.
			up, ok, err := pass.uploaded.answer(ctx, r.Store, c.OrganizationID, cert, issuer, r.Checker.now)
			if err != nil {
				return c.Known, false, err
			}
			if ok {
				up.Refused, st = st.Refused, up
			}
		}
		if len(st.Refused) > 0 {
			if st, err = r.askAgent(ctx, c, st); err != nil {
				return c.Known, false, err
			}
		}
	}
	if ctx.Err() != nil {
		return c.Known, false, ctx.Err()
	}
	return r.save(ctx, c, cert, st)
}

// subject parses the certificate of c and finds its issuer: the one its
// chain serves, else a trusted root that signed it. When the certificate
// does not parse, cert is nil and st says so.
func (r *Refresher) subject(ctx context.Context, roots *anchors, c store.RevocationCheck) (cert, issuer *x509.Certificate, st Status, err error) {
	cert, err = x509.ParseCertificate(c.DER)
	if err != nil {
		return nil, nil, unavailable("", "the certificate does not parse"), nil
	}
	var presented *x509.Certificate
	if c.IssuerDER != nil {
		presented, _ = x509.ParseCertificate(c.IssuerDER)
	}
	if issuer, err = roots.issuerOf(ctx, c.OrganizationID, cert, presented, r.Store.Now()); err != nil {
		return nil, nil, Status{}, err
	}
	return cert, issuer, Status{}, nil
}

// save records st as the status of c's certificate (cert, nil when it
// does not parse); flipped tells whether it turned revoked or back.
func (r *Refresher) save(ctx context.Context, c store.RevocationCheck, cert *x509.Certificate, st Status) (rs store.RevocationStatus, flipped bool, err error) {
	now := r.Store.Now()
	rs = c.Known
	rs.OrganizationID, rs.SHA256 = c.OrganizationID, c.SHA256
	if cert != nil {
		rs.OCSPURL, rs.CRLURL = trackable(firstHTTP(cert.OCSPServer)), trackable(firstHTTP(cert.CRLDistributionPoints))
	}
	was := rs.State == string(StateRevoked)
	record(&rs, st, now)
	if is := rs.State == string(StateRevoked); is != was {
		r.Log.Warn("revocation status changed", "organization", rs.OrganizationID, "sha256", rs.SHA256,
			"revoked", is, "source", rs.Source, "reason", rs.Reason)
		flipped = true
	} else if st.State == StateUnavailable {
		r.Log.Debug("revocation status unavailable", "organization", rs.OrganizationID, "sha256", rs.SHA256, "why", st.Why)
	}
	return rs, flipped, r.Store.SaveRevocationStatus(ctx, rs)
}

// record sets what a check found on the stored status. An answer that
// holds (see holds) stands while later checks get none, and an answer
// still current does not give way to waiting for an agent.
func record(rs *store.RevocationStatus, st Status, now time.Time) {
	rs.CheckedAt = &now
	switch st.State {
	case StateUnavailable:
		rs.Failures++
		rs.LastError = safetext.Fit(st.Why, maxErrorText)
		rs.NextCheckAt = now.Add(backoff(rs.Failures))
		if !holds(*rs, now) {
			rs.State, rs.Source = string(st.State), string(st.Source)
		}
		return
	case StateWaiting:
		rs.NextCheckAt = now.Add(MinRecheck)
		if holds(*rs, now) || current(*rs, now) {
			return
		}
		rs.State, rs.Source, rs.LastError = string(st.State), "", safetext.Fit(st.Why, maxErrorText)
		return
	}
	rs.State, rs.Source, rs.Reason = string(st.State), string(st.Source), st.Reason
	rs.RevokedAt, rs.ThisUpdate, rs.NextUpdate = timePtr(st.RevokedAt), timePtr(st.ThisUpdate), timePtr(st.NextUpdate)
	rs.Failures, rs.LastError = 0, ""
	next := MaxRecheck
	if !st.NextUpdate.IsZero() {
		next = min(max(st.NextUpdate.Sub(now), MinRecheck), MaxRecheck)
	}
	rs.NextCheckAt = now.Add(next)
}

// holds tells whether the stored answer stands against a check that got
// none, which is the rule by which the most authoritative current answer
// is kept: a revocation always, as a CA does not take one back; a stapled
// answer while it is current (until its next update, or for MaxRecheck
// when it names none), as it is signed by the same responder, which the
// server may have no way to reach (a private responder).
func holds(rs store.RevocationStatus, now time.Time) bool {
	switch {
	case rs.State == string(StateRevoked):
		return true
	case rs.Source != string(SourceStapled) || rs.State == string(StateUnavailable):
		return false
	case rs.NextUpdate != nil:
		return now.Before(*rs.NextUpdate)
	}
	return rs.ThisUpdate != nil && now.Before(rs.ThisUpdate.Add(MaxRecheck))
}

// current tells whether the stored status is an answer whose next
// update has not come yet.
func current(rs store.RevocationStatus, now time.Time) bool {
	switch State(rs.State) {
	case StateGood, StateRevoked, StateUnknown:
		return rs.NextUpdate != nil && now.Before(*rs.NextUpdate)
	}
	return false
}

// backoff is how long to wait after the n-th unavailable answer in a
// row: doubling from MinRecheck up to MaxRecheck.
func backoff(n int) time.Duration {
	d := MinRecheck
	for i := 1; i < n && d < MaxRecheck; i++ {
		d *= 2
	}
	return min(d, MaxRecheck)
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
