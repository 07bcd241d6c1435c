package monitor

import (
	"crypto/x509"
	"fmt"
	"maps"
	"slices"

	"certinel.dev/server/internal/certs"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// stapleBook is what a batch's stapled OCSP responses change of its
// leaves' revocation statuses.
type stapleBook struct {
	// known are the stored statuses loaded with the batch; changed those
	// the batch's staples changed, saved once the results are stored.
	known, changed map[string]store.RevocationStatus
	stapler        *revocation.Stapler
	// flipped tells whether a staple found a certificate revoked, or no
	// longer revoked, as the refresher's Changed does.
	flipped bool
}

// status is the latest the batch knows of a certificate's status.
func (b *stapleBook) status(sha string) (store.RevocationStatus, bool) {
	if rs, ok := b.changed[sha]; ok {
		return rs, true
	}
	rs, ok := b.known[sha]
	return rs, ok
}

// readStaple verifies the OCSP response stapled with a monitored domain's
// chain (a discovered endpoint's is not read: only what domains serve has
// a revocation status), unless it is the one last verified and what it said still holds
// (agents report the same staple on every check), and lets the verdict of
// the result see a revocation it tells. A staple that does not verify
// changes nothing but its error on the status. The result's own fate does
// not depend on its staple.
func (j *judge) readStaple(r wire.Result, chain []*certs.Cert) error {
	if len(chain) == 0 {
		return nil
	}
	sha := chain[0].Facts.SHA256
	rs, stored := j.staples.status(sha)
	key, bad, ok := revocation.StapleOf(r)
	if !ok {
		if stored && rs.StapleError != "" {
			revocation.ForgetStaple(&rs)
			j.staples.change(sha, rs)
		}
		return nil
	}
	now := j.now()
	if revocation.StapleUnchanged(rs, key, now) {
		return nil
	}
	if !stored {
		// The first staple seen for the certificate: what else is known of
		// it was not loaded with the batch, and must not be lost.
		found, err := j.store.RevocationStatuses(j.ctx, j.orgID, []string{sha})
		if err != nil {
			return fmt.Errorf("staple: %w", err)
		}
		rs = found[sha]
	}
	st := bad
	if st.State == "" {
		if j.staples.stapler == nil {
			j.staples.stapler = revocation.NewStapler(j.orgID, j.roots, j.orgRoots.pool)
		}
		var next *x509.Certificate
		if len(chain) > 1 {
			next = chain[1].X509
		}
		var err error
		if st, err = j.staples.stapler.Verify(j.ctx, key, chain[0].X509, next, now); err != nil {
			return fmt.Errorf("staple: %w", err)
		}
	}
	was := rs.State == string(revocation.StateRevoked)
	rs.OrganizationID, rs.SHA256 = j.orgID, sha
	revocation.RecordStaple(&rs, key, st, now)
	j.staples.flipped = j.staples.flipped || was != (rs.State == string(revocation.StateRevoked))
	j.staples.change(sha, rs)
	j.setRevoked(sha, rs)
	return nil
}

func (b *stapleBook) change(sha string, rs store.RevocationStatus) {
	if b.changed == nil {
		b.changed = make(map[string]store.RevocationStatus)
	}
	b.changed[sha] = rs
}

// save stores the statuses the staples of the accepted results changed,
// in fingerprint order.
func (b *stapleBook) save(j *judge, accepted []store.Observation) error {
	leaves := make(map[string]bool, len(accepted))
	for _, o := range accepted {
		leaves[o.LeafSHA256] = true
	}
	for _, sha := range slices.Sorted(maps.Keys(b.changed)) {
		if leaves[sha] {
			if err := j.store.SaveRevocationStatus(j.ctx, b.changed[sha]); err != nil {
				return err
			}
		}
	}
	return nil
}
