package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MaxAgentRevocationFetches bounds the fetches waiting for one agent: a
// network full of certificates naming distinct URLs must not grow its
// target list without limit. Past it, requests wait for a later refresh.
const MaxAgentRevocationFetches = 500

// RevocationFetch asks an agent to fetch a CRL or an OCSP answer for the
// server. Kind is "crl" or "ocsp"; CertSHA256 and OCSPRequest are the
// certificate asked about and the DER request, for OCSP only.
type RevocationFetch struct {
	ID             string
	OrganizationID string
	AgentID        string
	Kind           string
	URL            string `gorm:"column:url"`
	CertSHA256     string `gorm:"column:cert_sha256"`
	OCSPRequest    []byte `gorm:"column:ocsp_request"`
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// RequestRevocationFetch records f for its agent, or renews the expiry
// (and OCSP request) of the same one asked before. Past
// MaxAgentRevocationFetches waiting for the agent, a new one is not
// recorded; queued tells whether it was.
func (s *Store) RequestRevocationFetch(ctx context.Context, f RevocationFetch) (queued bool, err error) {
	err = s.transact(ctx, func(tx *gorm.DB) error {
		var known RevocationFetch
		err := tx.Where("organization_id = ? AND agent_id = ? AND kind = ? AND url = ? AND cert_sha256 = ?",
			f.OrganizationID, f.AgentID, f.Kind, f.URL, f.CertSHA256).Take(&known).Error
		switch {
		case err == nil:
			queued = true
			return tx.Model(&known).Updates(map[string]any{"expires_at": f.ExpiresAt, "ocsp_request": f.OCSPRequest}).Error
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		var n int64
		if err := tx.Model(&RevocationFetch{}).Where("agent_id = ? AND expires_at > ?", f.AgentID, s.now()).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxAgentRevocationFetches {
			return nil
		}
		f.ID, f.CreatedAt, queued = NewID(), s.now(), true
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&f).Error
	})
	if err != nil {
		return false, fmt.Errorf("store: request revocation fetch %s: %w", f.URL, err)
	}
	return queued, nil
}

// AgentRevocationFetches lists up to limit unexpired fetches waiting for
// the agent, oldest first.
func (s *Store) AgentRevocationFetches(ctx context.Context, orgID, agentID string, limit int) ([]RevocationFetch, error) {
	var out []RevocationFetch
	err := s.db.WithContext(ctx).Where("organization_id = ? AND agent_id = ? AND expires_at > ?", orgID, agentID, s.now()).
		Order("created_at, id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: revocation fetches of agent %s: %w", agentID, err)
	}
	return out, nil
}

// TakeRevocationFetch removes and returns the fetch id waiting for the
// agent: ErrNotFound when the agent was not asked it (another agent's,
// another organization's, expired or already answered).
func (s *Store) TakeRevocationFetch(ctx context.Context, orgID, agentID, id string) (RevocationFetch, error) {
	var f RevocationFetch
	err := s.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ? AND organization_id = ? AND agent_id = ? AND expires_at > ?", id, orgID, agentID, s.now()).
			Take(&f).Error; err != nil {
			return err
		}
		return tx.Delete(&RevocationFetch{}, "id = ?", f.ID).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return RevocationFetch{}, fmt.Errorf("store: revocation fetch %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return RevocationFetch{}, fmt.Errorf("store: take revocation fetch %s: %w", id, err)
	}
	return f, nil
}

// pruneRevocationFetches forgets the fetches no agent answered in time.
func (s *Store) pruneRevocationFetches(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", s.now()).Delete(&RevocationFetch{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: prune revocation fetches: %w", res.Error)
	}
	return res.RowsAffected, nil
}
