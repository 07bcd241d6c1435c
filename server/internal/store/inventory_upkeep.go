package store

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The inventory summary (org_certificates.serving, leaf_serving and
// trust_status) says what the organization's current domain states say of
// each certificate. The counts move by deltas, from the chain a state held
// to the chain that replaces it, because recounting a shared intermediate
// would read every chain that ever held it; the trust verdict is recomputed
// for the leaves a change touches, which is an indexed lookup each.

// servingDelta is how much a certificate's two counts move.
type servingDelta struct{ serving, leaf int }

// heldState is the part of a domain's current state that ingest compares
// a new result with: its sample, what the summary counts and what the
// alert rules judge.
type heldState struct {
	DomainID      string
	ObservationID string
	SampleKey     string
	LeafSHA256    string `gorm:"column:leaf_sha256"`
	CheckedAt     scanTime
	Error         string
	ErrorKind     string
	NotAfter      *scanTime
	VerdictStatus string
	TrustStatus   string
	Problems      string
	WindowEnd     *scanTime
	UrgentAt      *scanTime
	// ConsecutiveFailures is what a failure that repeats this one counts
	// from (see markChecked).
	ConsecutiveFailures int
}

// listedAlike says whether a new result leaves the domain list's columns
// as they were: copyListColumns derives them from whether the check
// failed, the leaf, the expiry, the verdict, the window's end and the
// urgency.
func (p heldState) listedAlike(o *Observation) bool {
	var next DomainState
	next.setRenewal(o.Renewal)
	return p.Error != "" == (o.Error != "") && p.LeafSHA256 == o.LeafSHA256 && p.VerdictStatus == o.VerdictStatus &&
		sameInstant(p.NotAfter, o.NotAfter) && sameInstant(p.WindowEnd, next.WindowEnd) && sameInstant(p.UrgentAt, next.UrgentAt)
}

// sameInstant compares a stored time with a new one at the precision the
// databases keep (PostgreSQL: microseconds).
func sameInstant(stored *scanTime, t *time.Time) bool {
	if stored == nil || t == nil {
		return stored == nil && t == nil
	}
	return stored.Time.Truncate(time.Microsecond).Equal(t.Truncate(time.Microsecond))
}

// judgedAlike says whether a new result leaves everything the alert rules
// read as it was but the count of failures in a row, so the domain needs
// no evaluation unless that count reaches one the rules wait for: a
// failure that repeats the held one moves only the count.
func (p heldState) judgedAlike(o *Observation) bool {
	sameExpiry := (p.NotAfter == nil) == (o.NotAfter == nil) && (p.NotAfter == nil || p.NotAfter.Time.Equal(*o.NotAfter))
	return sameExpiry && p.Error == o.Error && p.ErrorKind == o.ErrorKind && p.LeafSHA256 == o.LeafSHA256 &&
		p.VerdictStatus == o.VerdictStatus && p.TrustStatus == o.TrustStatus && p.Problems == strings.Join(o.Problems, ",")
}

// DomainChain places a certificate in a domain's current chain.
type DomainChain struct {
	DomainID string
	Position int
	SHA256   string `gorm:"column:sha256"`
	// OrganizationID is the domain's, for lookups within an organization.
	OrganizationID string
}

// saveStatesCounted moves each domain's state forward (upsertStates) and
// the inventory summary with it, and returns the domains whose judged
// state moved, which are due for evaluation, and the repeated failures.
// prev are the states before, locked by the caller (see lockStates), so a
// concurrent batch for the same domain counts from the state this one
// leaves, never from the same old one.
//
// ids are latest's keys, sorted.
func saveStatesCounted(tx *gorm.DB, orgID string, ids []string, latest map[string]*Observation, prev map[string]heldState, now time.Time) (checkedDue, error) {
	// A result folded into the current sample has its chain: only the
	// others may have moved, and only their old chains are read.
	var resampled []string
	for _, id := range ids {
		if p, held := prev[id]; held && p.SampleKey != latest[id].SampleKey {
			resampled = append(resampled, id)
		}
	}
	chains, err := chainsOf(tx, resampled)
	if err != nil {
		return checkedDue{}, err
	}
	if err := upsertStates(tx, orgID, latest); err != nil {
		return checkedDue{}, err
	}
	var moved, listed []string
	var due checkedDue
	delta := servingDeltas{}
	for _, id := range ids {
		o := latest[id]
		p, held := prev[id]
		if held && o.ObservedAt.Before(p.CheckedAt.Time) {
			continue // a late result: upsertStates kept the newer state
		}
		switch {
		case !held || !p.judgedAlike(o):
			due.moved = append(due.moved, id)
		case o.Error != "":
			due.fail(id, p.ConsecutiveFailures+1)
		}
		if !held || !p.listedAlike(o) {
			listed = append(listed, id)
		}
		if held && p.SampleKey == o.SampleKey {
			continue // the same chain: nothing to count or replace
		}
		if held {
			delta.add(p.LeafSHA256, chains[id], -1)
		}
		delta.add(o.LeafSHA256, o.Chain, 1)
		if !slices.Equal(chains[id], o.Chain) {
			moved = append(moved, id)
		}
	}
	if err := copyListColumns(tx, listed); err != nil {
		return checkedDue{}, err
	}
	if err := replaceChains(tx, moved, latest); err != nil {
		return checkedDue{}, err
	}
	leaves, err := applyServing(tx, orgID, delta)
	if err != nil {
		return checkedDue{}, err
	}
	if err := addRevocationRows(tx, orgID, delta.added(), now); err != nil {
		return checkedDue{}, err
	}
	stale, err := trustDiffers(tx, orgID, latest)
	if err != nil {
		return checkedDue{}, err
	}
	if err := refreshTrust(tx, orgID, append(slices.Clone(leaves), stale...)); err != nil {
		return checkedDue{}, err
	}
	return due, refreshSuperseded(tx, orgID, leaves)
}

// servingDeltas are the moves of a change, by fingerprint.
type servingDeltas map[string]servingDelta

// added lists, sorted, the certificates more domains serve than before:
// the only ones that may be served for the first time.
func (m servingDeltas) added() []string {
	var out []string
	for sha, d := range m {
		if d.serving > 0 {
			out = append(out, sha)
		}
	}
	slices.Sort(out)
	return out
}

// add counts a state's leaf and chain in (sign 1) or out (sign -1); a
// chain holding a certificate twice still counts one domain.
func (m servingDeltas) add(leaf string, chain []string, sign int) {
	for _, sha := range distinct(chain) {
		d := m[sha]
		d.serving += sign
		m[sha] = d
	}
	if leaf != "" {
		d := m[leaf]
		d.leaf += sign
		m[leaf] = d
	}
}

// trustDiffers lists the leaves whose summary says another trust verdict
// than the batch's latest states: a check that changes nothing costs one
// read here, and no write.
func trustDiffers(tx *gorm.DB, orgID string, latest map[string]*Observation) ([]string, error) {
	said := map[string]string{}
	for _, o := range latest {
		if o.LeafSHA256 != "" {
			said[o.LeafSHA256] = o.TrustStatus
		}
	}
	shas := make([]string, 0, len(said))
	for sha := range said {
		shas = append(shas, sha)
	}
	var out []string
	for start := 0; start < len(shas); start += certificateBatch {
		var rows []struct {
			SHA256      string `gorm:"column:sha256"`
			TrustStatus string
		}
		err := tx.Table("org_certificates").Select("sha256, trust_status").
			Where("organization_id = ? AND sha256 IN ?", orgID, shas[start:min(start+certificateBatch, len(shas))]).
			Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("inventory trust: %w", err)
		}
		for _, r := range rows {
			if said[r.SHA256] != r.TrustStatus {
				out = append(out, r.SHA256)
			}
		}
	}
	return out, nil
}

// heldStates reads the current states of the given domains; a caller
// that moves them locks them first (lockStateRows).
func heldStates(tx *gorm.DB, domainIDs []string) (map[string]heldState, error) {
	out := make(map[string]heldState, len(domainIDs))
	for start := 0; start < len(domainIDs); start += observationBatch {
		var rows []heldState
		err := tx.Table("domain_states").Select("domain_id, observation_id, sample_key, leaf_sha256, checked_at, error, error_kind, not_after, verdict_status, trust_status, problems, window_end, urgent_at, consecutive_failures").
			Where("domain_id IN ?", domainIDs[start:min(start+observationBatch, len(domainIDs))]).
			Order("domain_id").Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("held states: %w", err)
		}
		for _, r := range rows {
			out[r.DomainID] = r
		}
	}
	return out, nil
}

// chainsOf reads the current chains of the given domains, in order.
func chainsOf(tx *gorm.DB, domainIDs []string) (map[string][]string, error) {
	out := make(map[string][]string, len(domainIDs))
	for start := 0; start < len(domainIDs); start += observationBatch {
		var rows []DomainChain
		err := tx.Where("domain_id IN ?", domainIDs[start:min(start+observationBatch, len(domainIDs))]).
			Order("domain_id, position").Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("held chains: %w", err)
		}
		for _, r := range rows {
			out[r.DomainID] = append(out[r.DomainID], r.SHA256)
		}
	}
	return out, nil
}

// replaceChains records the new current chain of the given domains.
func replaceChains(tx *gorm.DB, domainIDs []string, latest map[string]*Observation) error {
	var rows []DomainChain
	for start := 0; start < len(domainIDs); start += observationBatch {
		if err := tx.Where("domain_id IN ?", domainIDs[start:min(start+observationBatch, len(domainIDs))]).Delete(&DomainChain{}).Error; err != nil {
			return fmt.Errorf("domain chains: %w", err)
		}
	}
	for _, id := range domainIDs {
		for pos, sha := range latest[id].Chain {
			rows = append(rows, DomainChain{DomainID: id, Position: pos, SHA256: sha, OrganizationID: latest[id].OrganizationID})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(rows, chainBatch).Error; err != nil {
		return fmt.Errorf("domain chains: %w", err)
	}
	return nil
}

// applyServing adds the deltas to the summary, one statement per distinct
// delta (renewals give a handful), in fingerprint order like every write
// concurrent batches share. It returns the leaves whose count moved.
func applyServing(tx *gorm.DB, orgID string, delta servingDeltas) ([]string, error) {
	byDelta := map[servingDelta][]string{}
	var leaves []string
	for sha, d := range delta {
		if d != (servingDelta{}) {
			byDelta[d] = append(byDelta[d], sha)
		}
		if d.leaf != 0 {
			leaves = append(leaves, sha)
		}
	}
	for d, shas := range byDelta {
		slices.Sort(shas)
		for start := 0; start < len(shas); start += certificateBatch {
			err := tx.Table("org_certificates").
				Where("organization_id = ? AND sha256 IN ?", orgID, shas[start:min(start+certificateBatch, len(shas))]).
				Updates(map[string]any{
					"serving":      gorm.Expr("serving + ?", d.serving),
					"leaf_serving": gorm.Expr("leaf_serving + ?", d.leaf),
				}).Error
			if err != nil {
				return nil, fmt.Errorf("inventory counts: %w", err)
			}
		}
	}
	return leaves, nil
}

// refreshTrust recomputes the trust verdict of the given leaves: what a
// monitored domain of the organization last said of the certificate, or
// else its latest discovery, so certificates nobody monitors yet still
// carry a verdict. The latest of each is picked here from the rows serving
// the leaves, which indexes find, and only verdicts that moved are written.
func refreshTrust(tx *gorm.DB, orgID string, leaves []string) error {
	leaves = distinct(leaves)
	for start := 0; start < len(leaves); start += certificateBatch {
		if err := refreshTrustChunk(tx, orgID, leaves[start:min(start+certificateBatch, len(leaves))]); err != nil {
			return fmt.Errorf("inventory trust: %w", err)
		}
	}
	return nil
}

// saidTrust is one verdict on a leaf and when it was given.
type saidTrust struct {
	LeafSHA256  string `gorm:"column:leaf_sha256"`
	TrustStatus string
	At          scanTime
}

func refreshTrustChunk(tx *gorm.DB, orgID string, leaves []string) error {
	var monitored, discovered []saidTrust
	// The state's own organization, not a join to domains: the join over
	// states just written, before any ANALYZE, ran for minutes in a batch
	// of 100,000 new domains.
	err := tx.Table("domain_states").Select("leaf_sha256, trust_status, checked_at AS at").
		Where("leaf_sha256 IN ? AND organization_id = ?", leaves, orgID).Find(&monitored).Error
	if err != nil {
		return err
	}
	err = tx.Table("discovered_endpoints").Select("leaf_sha256, trust_status, last_seen_at AS at").
		Where("leaf_sha256 IN ? AND organization_id = ?", leaves, orgID).Find(&discovered).Error
	if err != nil {
		return err
	}
	want := latestTrust(discovered)
	maps.Copy(want, latestTrust(monitored))
	var held []struct {
		SHA256      string `gorm:"column:sha256"`
		TrustStatus string
	}
	if err := tx.Table("org_certificates").Select("sha256, trust_status").
		Where("organization_id = ? AND sha256 IN ?", orgID, leaves).Find(&held).Error; err != nil {
		return err
	}
	moved := map[string][]string{}
	for _, h := range held {
		if w := want[h.SHA256]; w != h.TrustStatus {
			moved[w] = append(moved[w], h.SHA256)
		}
	}
	for w, shas := range moved {
		slices.Sort(shas)
		if err := tx.Table("org_certificates").Where("organization_id = ? AND sha256 IN ?", orgID, shas).
			Update("trust_status", w).Error; err != nil {
			return err
		}
	}
	return nil
}

// latestTrust keeps the latest verdict on each leaf.
func latestTrust(said []saidTrust) map[string]string {
	at := map[string]time.Time{}
	out := map[string]string{}
	for _, s := range said {
		if t, ok := at[s.LeafSHA256]; !ok || s.At.After(t) {
			at[s.LeafSHA256], out[s.LeafSHA256] = s.At.Time, s.TrustStatus
		}
	}
	return out
}

// releaseDomains takes domains about to be deleted out of the summary and
// the expiry aggregate; the caller deletes them and then calls
// refreshLeaves with the leaves returned, which the deleted states no
// longer vouch for.
func releaseDomains(tx *gorm.DB, orgID string, domainIDs []string) ([]string, error) {
	if err := lockStateRows(tx, domainIDs); err != nil {
		return nil, err
	}
	held, err := heldStates(tx, domainIDs)
	if err != nil {
		return nil, err
	}
	chains, err := chainsOf(tx, domainIDs)
	if err != nil {
		return nil, err
	}
	listed, err := listedExpiries(tx, domainIDs)
	if err != nil {
		return nil, err
	}
	delta, expiry := servingDeltas{}, expiryDeltas{}
	for _, id := range domainIDs {
		if p, ok := held[id]; ok {
			delta.add(p.LeafSHA256, chains[id], -1)
		}
		expiry.add(listed[id], -1)
	}
	if err := applyExpiry(tx, expiry); err != nil {
		return nil, err
	}
	return applyServing(tx, orgID, delta)
}

// refreshLeaves recomputes what the summary derives from the states
// serving the given leaves.
func refreshLeaves(tx *gorm.DB, orgID string, leaves []string) error {
	if err := refreshTrust(tx, orgID, slices.Clone(leaves)); err != nil {
		return err
	}
	return refreshSuperseded(tx, orgID, leaves)
}

func distinct(shas []string) []string {
	out := slices.Clone(shas)
	slices.Sort(out)
	return slices.Compact(out)
}
