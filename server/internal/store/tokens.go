package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Scopes of an API token.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
	ScopeAgent = "agent"
)

// APIToken is a credential for scripts and agents; only its hash is kept.
type APIToken struct {
	ID             string
	OrganizationID string
	Name           string
	Scope          string
	Prefix         string
	TokenHash      string
	CreatedBy      *string
	CreatedAt      time.Time
	ExpiresAt      *time.Time
	LastUsedAt     *time.Time
	RevokedAt      *time.Time
}

// lastUsedGranularity keeps token use from writing to the database on every
// request: last_used_at is refreshed at most this often.
const lastUsedGranularity = time.Minute

// CreateAPIToken stores a new token.
func (s *Store) CreateAPIToken(ctx context.Context, orgID string, t APIToken) (APIToken, error) {
	t.ID = NewID()
	t.OrganizationID = orgID
	t.CreatedAt = s.now()
	err := s.change(ctx, orgID, "token.create", "token", map[string]string{"name": t.Name, "scope": t.Scope}, func(tx *gorm.DB) (string, error) {
		return t.ID, tx.Create(&t).Error
	})
	if err != nil {
		return APIToken{}, fmt.Errorf("store: create api token: %w", err)
	}
	return t, nil
}

// ListAPITokens lists an organization's tokens, revoked ones included, newest first.
func (s *Store) ListAPITokens(ctx context.Context, orgID string, page Page) ([]APIToken, int64, error) {
	q := s.db.WithContext(ctx).Model(&APIToken{}).Where("organization_id = ?", orgID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count api tokens: %w", err)
	}
	var out []APIToken
	if err := q.Order("created_at DESC, id").Limit(page.Limit()).Offset(page.Offset()).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("store: list api tokens: %w", err)
	}
	return out, total, nil
}

// RevokeAPIToken marks a token revoked; revoking twice keeps the first time.
func (s *Store) RevokeAPIToken(ctx context.Context, orgID, id string) error {
	var t APIToken
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&t).Error; err != nil {
		return fmt.Errorf("store: revoke api token %s: %w", id, notFound(err))
	}
	if t.RevokedAt != nil {
		return nil
	}
	err := s.change(ctx, orgID, "token.revoke", "token", map[string]string{"name": t.Name}, func(tx *gorm.DB) (string, error) {
		return id, tx.Model(&APIToken{}).Where("organization_id = ? AND id = ?", orgID, id).Update("revoked_at", s.now()).Error
	})
	if err != nil {
		return fmt.Errorf("store: revoke api token %s: %w", id, err)
	}
	return nil
}

// APITokenByHash finds a usable token (not revoked, not expired) and
// records its use.
func (s *Store) APITokenByHash(ctx context.Context, tokenHash string) (APIToken, error) {
	now := s.now()
	db := s.db.WithContext(ctx)
	var t APIToken
	err := db.Where("token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", tokenHash, now).Take(&t).Error
	if err != nil {
		return APIToken{}, fmt.Errorf("store: api token: %w", notFound(err))
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= lastUsedGranularity {
		if err := db.Model(&APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now).Error; err != nil {
			return APIToken{}, fmt.Errorf("store: api token last use: %w", err)
		}
		t.LastUsedAt = &now
	}
	return t, nil
}
