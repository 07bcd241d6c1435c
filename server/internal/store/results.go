package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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
	Address        string
	DurationMS     int64 `gorm:"column:duration_ms"`
	TLSVersion     string
	CipherSuite    string
	Error          string
	ErrorKind      string
	HandshakeError string
	LeafSHA256     string `gorm:"column:leaf_sha256"`
	// NotAfter is the earliest expiry in the chain: the real deadline.
	NotAfter *time.Time
	// Chain lists the fingerprints in the order the peer presented them.
	Chain []string `gorm:"-"`
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
}

// ResultSet is everything one agent batch stores.
type ResultSet struct {
	BatchID      string
	AgentID      string
	Observations []Observation
	Certificates []Certificate
	// Rejected is the JSON list of refused items, kept for replays.
	Rejected string
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
func (s *Store) SaveResults(ctx context.Context, orgID string, rs ResultSet) (ResultBatch, error) {
	now := s.now()
	batch := ResultBatch{
		OrganizationID: orgID, BatchID: rs.BatchID, AgentID: &rs.AgentID,
		Accepted: len(rs.Observations), Rejected: rs.Rejected, CreatedAt: now,
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&batch)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			if err := tx.Where("organization_id = ? AND batch_id = ?", orgID, rs.BatchID).Take(&batch).Error; err != nil {
				return err
			}
			return ErrDuplicateBatch
		}
		return saveObservations(tx, orgID, rs, now)
	})
	if err != nil && !errors.Is(err, ErrDuplicateBatch) {
		return ResultBatch{}, fmt.Errorf("store: save batch %q: %w", rs.BatchID, err)
	}
	return batch, err
}

func saveObservations(tx *gorm.DB, orgID string, rs ResultSet, now time.Time) error {
	if len(rs.Certificates) > 0 {
		for i := range rs.Certificates {
			rs.Certificates[i].CreatedAt = now
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rs.Certificates, certificateBatch).Error; err != nil {
			return fmt.Errorf("certificates: %w", err)
		}
	}
	if len(rs.Observations) == 0 {
		return nil
	}
	var chain []ObservationCertificate
	latest := make(map[string]*Observation)
	for i := range rs.Observations {
		o := &rs.Observations[i]
		o.OrganizationID = orgID
		o.ReceivedAt = now
		o.BatchID = rs.BatchID
		for pos, sha := range o.Chain {
			chain = append(chain, ObservationCertificate{ObservationID: o.ID, Position: pos, SHA256: sha})
		}
		if o.DomainID != nil {
			if prev := latest[*o.DomainID]; prev == nil || !o.ObservedAt.Before(prev.ObservedAt) {
				latest[*o.DomainID] = o
			}
		}
	}
	if err := tx.CreateInBatches(rs.Observations, observationBatch).Error; err != nil {
		return fmt.Errorf("observations: %w", err)
	}
	if len(chain) > 0 {
		if err := tx.CreateInBatches(chain, chainBatch).Error; err != nil {
			return fmt.Errorf("chains: %w", err)
		}
	}
	return upsertStates(tx, latest)
}

// upsertStates moves each domain's latest state forward; an older result
// arriving late (a spooled batch) never overwrites a newer one.
func upsertStates(tx *gorm.DB, latest map[string]*Observation) error {
	if len(latest) == 0 {
		return nil
	}
	states := make([]DomainState, 0, len(latest))
	for id, o := range latest {
		states = append(states, DomainState{
			DomainID: id, ObservationID: o.ID, CheckedAt: o.ObservedAt,
			Error: o.Error, ErrorKind: o.ErrorKind, LeafSHA256: o.LeafSHA256, NotAfter: o.NotAfter,
		})
	}
	upsert := clause.OnConflict{
		Columns:   []clause.Column{{Name: "domain_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"observation_id", "checked_at", "error", "error_kind", "leaf_sha256", "not_after"}),
		Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "excluded.checked_at >= domain_states.checked_at"}}},
	}
	if err := tx.Clauses(upsert).CreateInBatches(states, observationBatch).Error; err != nil {
		return fmt.Errorf("domain states: %w", err)
	}
	return nil
}
