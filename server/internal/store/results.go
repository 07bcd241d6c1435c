package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"certinel.dev/server/internal/lifecycle"
)

// ErrDuplicateBatch means the batch ID was already received; the first
// outcome is returned with it.
var ErrDuplicateBatch = errors.New("batch already received")

// Certificate is a parsed certificate, stored once per SHA-256 fingerprint.
type Certificate struct {
	SHA256    string `gorm:"column:sha256;primaryKey"`
	DER       []byte `gorm:"column:der"`
	Subject   string
	Issuer    string
	Serial    string
	NotBefore time.Time
	NotAfter  time.Time
	CreatedAt time.Time

	SHA1               string `gorm:"column:sha1"`
	SPKISHA256         string `gorm:"column:spki_sha256"`
	KeyType            string
	KeyBits            int
	SignatureAlgorithm string
	IsCA               bool `gorm:"column:is_ca"`
	SubjectKeyID       string
	AuthorityKeyID     string
	// Facts is the JSON of everything else the inventory shows.
	Facts string
	// Names are the DNS names the certificate covers, lower-case.
	Names []string `gorm:"-"`
}

// CertificateName indexes a certificate by a DNS name it covers.
type CertificateName struct {
	SHA256 string `gorm:"column:sha256"`
	Name   string
}

// Observation is one handshake result for one target.
type Observation struct {
	ID             string
	OrganizationID string
	DomainID       *string
	AgentID        *string
	BatchID        string
	ObservedAt     time.Time
	ReceivedAt     time.Time
	// A stored observation stands for a run of checks that changed
	// nothing (see samples.go): LastObservedAt is the latest of them,
	// Checks how many there were, SampleKey what they had in common.
	LastObservedAt time.Time
	Checks         int
	SampleKey      string
	Address        string
	DurationMS     int64 `gorm:"column:duration_ms"`
	TLSVersion     string
	CipherSuite    string
	KeyExchange    string
	Error          string
	ErrorKind      string
	HandshakeError string
	LeafSHA256     string `gorm:"column:leaf_sha256"`
	// NotAfter is the earliest expiry in the chain: the real deadline.
	NotAfter *time.Time
	// Verdict is the JSON of the analysis; VerdictStatus, TrustStatus and
	// Problems summarise it for lists and alerting.
	Verdict       string
	TrustStatus   string
	VerdictStatus string   `gorm:"-"`
	Problems      []string `gorm:"-"`
	// Renewal is the chain's renewal plan; zero without a chain.
	Renewal lifecycle.Plan `gorm:"-"`
	// Chain lists the fingerprints in the order the peer presented them.
	Chain []string `gorm:"-"`
	// PostQuantum (see certs.PostQuantum), ChainKey and JudgedUntil go to
	// the domain's state (see DomainState).
	PostQuantum bool       `gorm:"-"`
	ChainKey    string     `gorm:"-"`
	JudgedUntil *time.Time `gorm:"-"`
	// Index is the result's position in the agent's batch: a result the
	// database refuses is rejected by it.
	Index int `gorm:"-"`
}

// ObservationCertificate places a certificate in an observation's chain.
type ObservationCertificate struct {
	ObservationID string
	Position      int
	SHA256        string `gorm:"column:sha256"`
}

// ResultBatch remembers a received batch so that a replay changes nothing.
type ResultBatch struct {
	OrganizationID string
	BatchID        string
	AgentID        *string
	Accepted       int
	Rejected       string
	CreatedAt      time.Time
	// MadeDue says that storing the batch made domains due for
	// evaluation; a replay answers false.
	MadeDue bool `gorm:"-"`
}

// ResultSet is everything one agent batch stores.
type ResultSet struct {
	BatchID      string
	AgentID      string
	Observations []Observation
	Certificates []Certificate
	// Discovered are the endpoints discovery results found; their
	// observations are among Observations, without a domain.
	Discovered []DiscoveredEndpoint
	// Repeats are the checks that presented their domain's current chain
	// again, stored without judging (see saveRepeats).
	Repeats []Repeat
	// Kept counts the results stored apart before the batch (CRL files
	// become revocation sources); they are accepted with it.
	Kept int
	// Rejected is the JSON list of refused items ({"index", "error"}), kept
	// for replays; the store adds the results the database refuses.
	Rejected string
	// Backends are the checks of the addresses behind domains' names;
	// BackendOnly counts the results stored only there, because another
	// backend's check speaks for their domain (see monitor's backends.go).
	Backends    BackendBatch
	BackendOnly int
}

// Insert sizes keep every statement under both databases' parameter limits.
const (
	observationBatch = 1000
	certificateBatch = 1000
	chainBatch       = 5000
)

// AgentTargetIDs returns the IDs of the domains assigned to an agent.
func (s *Store) AgentTargetIDs(ctx context.Context, orgID, agentID string) (map[string]bool, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&Domain{}).Where("organization_id = ? AND agent_id = ?", orgID, agentID).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: target ids of agent %s: %w", agentID, err)
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// SaveResults stores a batch in one transaction: the batch marker,
// certificates (deduplicated), observations with their ordered chains, and
// the latest state of each domain. A batch ID seen before stores nothing and
// answers ErrDuplicateBatch with the first outcome.
//
// A value the database still refuses does not sink the batch: the batch is
// stored again result by result, and the results that cannot be kept are
// added to its rejected list (see saveResultsApart).
func (s *Store) SaveResults(ctx context.Context, orgID string, rs ResultSet) (ResultBatch, error) {
	rs = storableResults(rs)
	now := s.now()
	batch := ResultBatch{
		OrganizationID: orgID, BatchID: rs.BatchID, AgentID: &rs.AgentID,
		Accepted: len(rs.Observations) + len(rs.Repeats) + rs.BackendOnly + rs.Kept, Rejected: rs.Rejected, CreatedAt: now,
	}
	err := s.transact(ctx, func(tx *gorm.DB) error { return saveBatch(tx, orgID, rs, &batch, now) })
	if isDataError(err) {
		return s.saveResultsApart(ctx, orgID, rs, now)
	}
	if err != nil && !errors.Is(err, ErrDuplicateBatch) {
		return ResultBatch{}, fmt.Errorf("store: save batch %q: %w", rs.BatchID, err)
	}
	return batch, err
}

// saveBatch is SaveResults's transaction. Rows that concurrent batches
// share are locked table by table in one order (the domain states first,
// the evaluation schedule last), each table's keys in sorted order.
func saveBatch(tx *gorm.DB, orgID string, rs ResultSet, batch *ResultBatch, now time.Time) error {
	if err := claimBatch(tx, batch); err != nil {
		return err
	}
	if err := lockStates(tx, rs); err != nil {
		return err
	}
	if err := saveRepeats(tx, orgID, rs.Repeats, now); err != nil {
		return err
	}
	checked, err := saveObservations(tx, orgID, rs, now)
	if err != nil {
		return err
	}
	if err := saveBackends(tx, orgID, rs.Backends); err != nil {
		return err
	}
	if err := upsertDiscovered(tx, orgID, rs.Discovered); err != nil {
		return err
	}
	due, err := markChecked(tx, orgID, checked, rs.Backends.Flagged, now)
	batch.MadeDue = len(due) > 0
	return err
}

// claimBatch records the batch marker. A batch ID seen before answers
// ErrDuplicateBatch, with batch set to the first outcome.
func claimBatch(tx *gorm.DB, batch *ResultBatch) error {
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(batch)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		if err := tx.Where("organization_id = ? AND batch_id = ?", batch.OrganizationID, batch.BatchID).Take(batch).Error; err != nil {
			return err
		}
		return ErrDuplicateBatch
	}
	return nil
}

// lockStates locks, in domain order, the current states of every domain
// the batch checked, before the batch writes anything that concurrent
// batches share. The states are locked once, in one key order: locking
// the repeats' states and then the judged results' states, each set
// sorted on its own, would let two batches with the sets crossed each
// hold what the other waits for.
func lockStates(tx *gorm.DB, rs ResultSet) error {
	ids := make([]string, 0, len(rs.Repeats)+len(rs.Observations))
	for _, r := range rs.Repeats {
		ids = append(ids, r.DomainID)
	}
	for _, o := range rs.Observations {
		if o.DomainID != nil {
			ids = append(ids, *o.DomainID)
		}
	}
	return lockStateRows(tx, ids)
}

// lockStateRows locks the current states of the given domains, in domain
// order, for the rest of the transaction. SQLite has a single writer and
// no row locks.
func lockStateRows(tx *gorm.DB, domainIDs []string) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	ids := slices.Compact(slices.Sorted(slices.Values(domainIDs)))
	for chunk := range slices.Chunk(ids, observationBatch) {
		var locked []string
		err := tx.Table("domain_states").Where("domain_id IN ?", chunk).Order("domain_id").
			Clauses(lockForUpdate).Pluck("domain_id", &locked).Error
		if err != nil {
			return fmt.Errorf("lock domain states: %w", err)
		}
	}
	return nil
}

// saveObservations writes the rows that concurrent batches share
// (certificates, their names, the organization's certificate list, domain
// states) in key order: transactions that lock such rows in one order wait
// for each other in turn, never in a cycle, so they cannot deadlock. The
// caller has locked the states (lockStates). It returns what is due for
// evaluation, for the caller to mark once with the batch's others (see
// markChecked).
func saveObservations(tx *gorm.DB, orgID string, rs ResultSet, now time.Time) (checkedDue, error) {
	if len(rs.Certificates) > 0 {
		slices.SortFunc(rs.Certificates, func(a, b Certificate) int { return strings.Compare(a.SHA256, b.SHA256) })
		fresh, err := insertNewCertificates(tx, rs.Certificates, now)
		if err != nil {
			return checkedDue{}, err
		}
		if err := upsertOrgCertificates(tx, orgID, rs.Certificates, now); err != nil {
			return checkedDue{}, err
		}
		var names []CertificateName
		for _, c := range fresh {
			for _, n := range c.Names {
				names = append(names, CertificateName{SHA256: c.SHA256, Name: n})
			}
		}
		if len(names) > 0 {
			slices.SortFunc(names, func(a, b CertificateName) int {
				return cmp.Or(strings.Compare(a.SHA256, b.SHA256), strings.Compare(a.Name, b.Name))
			})
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(names, chainBatch).Error; err != nil {
				return checkedDue{}, fmt.Errorf("certificate names: %w", err)
			}
		}
	}
	if len(rs.Observations) == 0 {
		return checkedDue{}, nil
	}
	latest := make(map[string]*Observation)
	for i := range rs.Observations {
		o := &rs.Observations[i]
		o.OrganizationID = orgID
		o.ReceivedAt = now
		o.BatchID = rs.BatchID
		if o.DomainID != nil {
			if prev := latest[*o.DomainID]; prev == nil || !o.ObservedAt.Before(prev.ObservedAt) {
				latest[*o.DomainID] = o
			}
		}
	}
	checked := slices.Sorted(maps.Keys(latest))
	prev, err := heldStates(tx, checked)
	if err != nil {
		return checkedDue{}, err
	}
	if err := saveSamples(tx, rs.Observations, prev); err != nil {
		return checkedDue{}, err
	}
	if err := recordChanges(tx, orgID, checked, latest, prev); err != nil {
		return checkedDue{}, err
	}
	if err := completeCheckRequests(tx, orgID, checked, now); err != nil {
		return checkedDue{}, err
	}
	return saveStatesCounted(tx, orgID, checked, latest, prev, now)
}

// insertNewCertificates stores the certificates not stored yet (with their
// names, by the caller) and returns them. Agents report
// the same chains at every scan, so asking which are known first saves
// sending every DER and its facts again only to be ignored.
func insertNewCertificates(tx *gorm.DB, certs []Certificate, now time.Time) ([]Certificate, error) {
	var fresh []Certificate
	for start := 0; start < len(certs); start += certificateBatch {
		chunk := certs[start:min(start+certificateBatch, len(certs))]
		stored, err := knownOf(tx.Model(&Certificate{}), chunk)
		if err != nil {
			return nil, fmt.Errorf("known certificates: %w", err)
		}
		for _, c := range chunk {
			if !stored[c.SHA256] {
				c.CreatedAt = now
				fresh = append(fresh, c)
			}
		}
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	// A concurrent batch may store the same certificate in between.
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(fresh, certificateBatch).Error; err != nil {
		return nil, fmt.Errorf("certificates: %w", err)
	}
	return fresh, nil
}

// recordChanges notes every domain whose served leaf differs from the one
// in its current state, for results newer than that state. ids are
// latest's keys, sorted.
func recordChanges(tx *gorm.DB, orgID string, ids []string, latest map[string]*Observation, prev map[string]heldState) error {
	var changes []CertificateChange
	for _, id := range ids {
		o, p := latest[id], prev[id]
		if o.LeafSHA256 != "" && p.LeafSHA256 != "" && o.LeafSHA256 != p.LeafSHA256 && !o.ObservedAt.Before(p.CheckedAt.Time) {
			changes = append(changes, CertificateChange{ID: NewID(), OrganizationID: orgID, DomainID: id,
				OldSHA256: p.LeafSHA256, NewSHA256: o.LeafSHA256, ObservedAt: o.ObservedAt})
		}
	}
	if len(changes) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(changes, observationBatch).Error; err != nil {
		return fmt.Errorf("certificate changes: %w", err)
	}
	return nil
}

// setRenewal records the chain's renewal plan; a state without a chain has none.
func (st *DomainState) setRenewal(p lifecycle.Plan) {
	if w := p.Window; !w.End.IsZero() {
		st.WindowStart, st.WindowEnd, st.WindowSource, st.UrgentAt = &w.Start, &w.End, w.Source, &p.UrgentAt
	}
}

// upsertStates moves each domain's latest state forward; an older result
// arriving late (a spooled batch) never overwrites a newer one. The caller
// copies what moved into the domain list's columns (copyListColumns).
func upsertStates(tx *gorm.DB, orgID string, latest map[string]*Observation) error {
	if len(latest) == 0 {
		return nil
	}
	states := make([]DomainState, 0, len(latest))
	for id, o := range latest {
		st := DomainState{
			DomainID: id, OrganizationID: orgID, ObservationID: o.ID, SampleKey: o.SampleKey, CheckedAt: o.ObservedAt,
			Error: o.Error, ErrorKind: o.ErrorKind, LeafSHA256: o.LeafSHA256, NotAfter: o.NotAfter,
			TLSVersion: o.TLSVersion, KeyExchange: o.KeyExchange, PostQuantum: o.PostQuantum,
			VerdictStatus: o.VerdictStatus, TrustStatus: o.TrustStatus, Problems: strings.Join(o.Problems, ","),
			ChainKey: o.ChainKey, JudgedUntil: o.JudgedUntil,
		}
		st.setRenewal(o.Renewal)
		if o.Error != "" {
			st.ConsecutiveFailures, st.FailingSince = 1, &o.ObservedAt
		}
		states = append(states, st)
	}
	slices.SortFunc(states, func(a, b DomainState) int { return strings.Compare(a.DomainID, b.DomainID) })
	set := clause.AssignmentColumns([]string{"observation_id", "sample_key", "checked_at", "error", "error_kind", "leaf_sha256", "not_after", "verdict_status", "trust_status", "problems",
		"tls_version", "key_exchange", "post_quantum", "window_start", "window_end", "window_source", "urgent_at", "chain_key", "judged_until"})
	set = append(set,
		clause.Assignment{Column: clause.Column{Name: "consecutive_failures"},
			Value: gorm.Expr("CASE WHEN excluded.error <> '' THEN domain_states.consecutive_failures + 1 ELSE 0 END")},
		clause.Assignment{Column: clause.Column{Name: "failing_since"},
			Value: gorm.Expr("CASE WHEN excluded.error = '' THEN NULL ELSE COALESCE(domain_states.failing_since, excluded.checked_at) END")},
	)
	upsert := clause.OnConflict{
		Columns:   []clause.Column{{Name: "domain_id"}},
		DoUpdates: set,
		Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "excluded.checked_at >= domain_states.checked_at"}}},
	}
	if err := tx.Clauses(upsert).CreateInBatches(states, observationBatch).Error; err != nil {
		return fmt.Errorf("domain states: %w", err)
	}
	ids := make([]string, len(states))
	for i, st := range states {
		ids[i] = st.DomainID
	}
	return syncCheckTimes(tx, ids)
}

// OrgCertificate records that an organization has seen a certificate. It
// is also the inventory's summary row: the certificate's listed fields are
// copied in, and the counts are kept by saveStatesCounted.
type OrgCertificate struct {
	OrganizationID string
	SHA256         string `gorm:"column:sha256"`
	FirstSeen      time.Time
	LastSeen       time.Time

	Subject     string
	Issuer      string
	KeyType     string
	IsCA        bool `gorm:"column:is_ca"`
	NotBefore   time.Time
	NotAfter    time.Time
	Serving     int
	LeafServing int
	TrustStatus string
}

// knownOf says which of the certificates the query's table already holds.
func knownOf(q *gorm.DB, certs []Certificate) (map[string]bool, error) {
	shas := make([]string, len(certs))
	for i, c := range certs {
		shas[i] = c.SHA256
	}
	var known []string
	if err := q.Where("sha256 IN ?", shas).Pluck("sha256", &known).Error; err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(known))
	for _, sha := range known {
		out[sha] = true
	}
	return out, nil
}

// lastSeenStep is how stale an organization certificate's last_seen may
// get before a check that sees it again moves it: far below the check
// interval, and it spares rewriting every certificate of every batch (a
// shared intermediate's row would otherwise be locked by each batch in turn).
const lastSeenStep = time.Hour

// upsertOrgCertificates adds the certificates new to the organization and
// moves last_seen of the others once it is lastSeenStep old.
func upsertOrgCertificates(tx *gorm.DB, orgID string, certs []Certificate, now time.Time) error {
	for start := 0; start < len(certs); start += certificateBatch {
		chunk := certs[start:min(start+certificateBatch, len(certs))]
		held, err := knownOf(tx.Model(&OrgCertificate{}).Where("organization_id = ?", orgID), chunk)
		if err != nil {
			return fmt.Errorf("organization certificates: %w", err)
		}
		var rows []OrgCertificate
		for _, c := range chunk {
			if !held[c.SHA256] {
				rows = append(rows, OrgCertificate{OrganizationID: orgID, SHA256: c.SHA256, FirstSeen: now, LastSeen: now,
					Subject: c.Subject, Issuer: c.Issuer, KeyType: c.KeyType, IsCA: c.IsCA, NotBefore: c.NotBefore, NotAfter: c.NotAfter})
			}
		}
		// A concurrent batch may add the same certificate in between.
		if len(rows) > 0 {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
				return fmt.Errorf("organization certificates: %w", err)
			}
		}
		if len(held) > 0 {
			err := tx.Model(&OrgCertificate{}).Where("organization_id = ? AND sha256 IN ? AND last_seen < ?", orgID, slices.Sorted(maps.Keys(held)), now.Add(-lastSeenStep)).
				Update("last_seen", now).Error
			if err != nil {
				return fmt.Errorf("organization certificates: %w", err)
			}
		}
	}
	return nil
}
