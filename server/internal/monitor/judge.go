package monitor

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"certinel.dev/server/internal/certs"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// judge holds what judging one batch of an organization needs, loaded once
// per batch: the CA pools, the policy, and the parsed certificates.
type judge struct {
	ctx      context.Context
	store    *store.Store
	orgID    string
	roots    *x509.CertPool
	orgRoots orgPool
	policy   certs.Policy
	cache    certCache
	trust    *certs.Cache
	known    map[string]*certs.Cert
	now      func() time.Time
	// windows are the renewal windows the CAs suggested for the batch's
	// leaves (ACME Renewal Information, as the ari job stored them); a
	// leaf without one has its window estimated from its lifetime.
	windows map[string]lifecycle.Window
	// revoked are the batch's certificates the revocation job or a staple
	// found revoked, by SHA-256.
	revoked map[string]certs.Revocation
	// staples is what the batch's stapled OCSP responses tell: the stored
	// statuses of its certificates known revoked or seen stapled, as the
	// staples leave them, by SHA-256 (see staple.go).
	staples stapleBook
}

func (in *Ingester) newJudge(ctx context.Context, orgID string) (*judge, error) {
	org, err := in.store.Organization(ctx, orgID)
	if err != nil {
		return nil, err
	}
	orgRoots, err := in.pools.get(ctx, in, orgID)
	if err != nil {
		return nil, err
	}
	policy, err := certs.ParsePolicy(org.Policy)
	if err != nil {
		// Policies are validated when saved; a bad one falls back to the
		// defaults rather than stopping ingest.
		in.log.Warn("organization policy unreadable, using defaults", "organization", orgID, "err", err)
	}
	policy.ExpiringDays = org.ExpiringThresholdDays
	return &judge{ctx: ctx, store: in.store, orgID: orgID, roots: in.roots, orgRoots: orgRoots, policy: policy,
		cache: make(certCache), trust: in.trust, known: make(map[string]*certs.Cert), now: in.store.Now}, nil
}

// batchCerts fingerprints the certificates of a batch's chains but the
// repeats', and their leaves apart. A chain that does not parse is refused
// later, with its reason.
func (j *judge) batchCerts(results []wire.Result, repeats map[int]store.Repeat) (leaves, all []string) {
	for k, r := range results {
		if _, repeat := repeats[k]; repeat {
			continue
		}
		for i, der := range r.Chain {
			c, err := j.cache.peek(der)
			if err != nil {
				break
			}
			if i == 0 {
				leaves = append(leaves, c.row.SHA256)
			}
			all = append(all, c.row.SHA256)
		}
	}
	return leaves, all
}

// load reads what the batch's chains are judged against besides
// themselves, in one query per thousand rather than one per chain: the
// CA-suggested windows of the leaves and the revocations of every
// certificate.
func (j *judge) load(leaves, all []string) error {
	if err := j.loadWindows(leaves); err != nil {
		return err
	}
	return j.loadRevocations(all)
}

// loadRevocations reads which of the certificates are known revoked.
func (j *judge) loadRevocations(shas []string) error {
	j.revoked, j.staples = nil, stapleBook{}
	if len(shas) == 0 {
		return nil
	}
	// An intermediate is in most chains of a batch: ask for it once.
	shas = slices.Compact(slices.Sorted(slices.Values(shas)))
	found, err := j.store.RevokedOrStapled(j.ctx, j.orgID, shas)
	if err != nil {
		return err
	}
	j.staples.known = found
	for sha, rs := range found {
		j.setRevoked(sha, rs)
	}
	return nil
}

// setRevoked makes the verdicts of the batch see what rs says of a
// certificate's revocation.
func (j *judge) setRevoked(sha string, rs store.RevocationStatus) {
	if rs.State != string(revocation.StateRevoked) || rs.RevokedAt == nil {
		delete(j.revoked, sha)
		return
	}
	if j.revoked == nil {
		j.revoked = make(map[string]certs.Revocation)
	}
	j.revoked[sha] = certs.Revocation{RevokedAt: *rs.RevokedAt, Reason: rs.Reason}
}

// loadWindows reads the CA-suggested windows of the leaves.
func (j *judge) loadWindows(leaves []string) error {
	j.windows = nil
	if len(leaves) == 0 {
		return nil
	}
	found, err := j.store.RenewalWindows(j.ctx, j.orgID, leaves)
	if err != nil {
		return err
	}
	j.windows = make(map[string]lifecycle.Window, len(found))
	for sha, ri := range found {
		if ri.WindowStart != nil && ri.WindowEnd != nil {
			j.windows[sha] = lifecycle.Window{Start: *ri.WindowStart, End: *ri.WindowEnd, Source: lifecycle.SourceARI}
		}
	}
	return nil
}

// knownBySKI answers certs.Input.Known from the organization's inventory,
// remembering answers for the rest of the batch.
func (j *judge) knownBySKI(aki string) *certs.Cert {
	if c, ok := j.known[aki]; ok {
		return c
	}
	// A failed lookup only loses a hint in the verdict; it must not fail ingest.
	var found *certs.Cert
	if rec, err := j.store.KnownCertificateBySKI(j.ctx, j.orgID, aki); err == nil {
		found, _ = certs.Parse(rec.DER)
	}
	j.known[aki] = found
	return found
}

// verdict judges a parsed chain for a target.
func (j *judge) verdict(chain []*certs.Cert, d store.Domain, tlsVersion string) (certs.Verdict, string, error) {
	p := j.policy
	if d.RenewAfterFraction != nil {
		p.RenewAfterFraction = *d.RenewAfterFraction
	}
	var window *lifecycle.Window
	if w, ok := j.windows[chain[0].Facts.SHA256]; ok {
		window = &w
	}
	host, sni := d.Host, d.SNI
	if d.Protocol == store.FileProtocol {
		// A file has no name it is reached by: nothing to match.
		host, sni = "", ""
	}
	v := certs.Judge(certs.Input{
		Chain: chain, Host: host, SNI: sni, Now: j.now(), Roots: j.roots, OrgRoots: j.orgRoots.pool, OrgRootsID: j.orgRoots.id,
		Known: j.knownBySKI, TLSVersion: tlsVersion, Policy: p, Cache: j.trust, Window: window, Revoked: j.revoked,
	})
	b, err := json.Marshal(v)
	if err != nil {
		return certs.Verdict{}, "", fmt.Errorf("verdict: %w", err)
	}
	return v, string(b), nil
}
