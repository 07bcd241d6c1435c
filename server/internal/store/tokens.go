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

// TokenGrant is a usable API token with the current role of the member who
// created it. A token acts with no more rights than that role allows now,
// so demoting its creator caps it at once.
type TokenGrant struct {
	Token       APIToken
	CreatorRole string
	// RequireAgentMTLS is the organization's setting: read with the token,
	// as every agent request made with tokens checks it.
	RequireAgentMTLS bool
}

// APITokenByHash finds a usable token (not revoked, not expired, its creator
// still a member of the token's organization) and records its use.
func (s *Store) APITokenByHash(ctx context.Context, tokenHash string) (TokenGrant, error) {
	now := s.now()
	db := s.db.WithContext(ctx)
	var row struct {
		APIToken
		CreatorRole      string
		RequireAgentMTLS bool `gorm:"column:require_agent_mtls"`
	}
	err := db.Table("api_tokens t").Select("t.*, m.role AS creator_role, o.require_agent_mtls").
		Joins("JOIN memberships m ON m.organization_id = t.organization_id AND m.user_id = t.created_by").
		Joins("JOIN organizations o ON o.id = t.organization_id").
		Where("t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)", tokenHash, now).
		Take(&row).Error
	if err != nil {
		return TokenGrant{}, fmt.Errorf("store: api token: %w", notFound(err))
	}
	t := row.APIToken
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= lastUsedGranularity {
		if err := db.Model(&APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now).Error; err != nil {
			return TokenGrant{}, fmt.Errorf("store: api token last use: %w", err)
		}
		t.LastUsedAt = &now
	}
	return TokenGrant{Token: t, CreatorRole: row.CreatorRole, RequireAgentMTLS: row.RequireAgentMTLS}, nil
}

// revokeTokensOf revokes, inside tx, the live tokens a user created in an
// organization, each with its own audit entry: a token must not outlive its
// creator's membership.
func (s *Store) revokeTokensOf(ctx context.Context, tx *gorm.DB, orgID, userID, reason string) error {
	var live []APIToken
	if err := tx.Where("organization_id = ? AND created_by = ? AND revoked_at IS NULL", orgID, userID).Order("id").Find(&live).Error; err != nil {
		return fmt.Errorf("tokens of %s: %w", userID, err)
	}
	for _, t := range live {
		if err := tx.Model(&APIToken{}).Where("id = ?", t.ID).Update("revoked_at", s.now()).Error; err != nil {
			return fmt.Errorf("revoke token %s: %w", t.ID, err)
		}
		if err := s.audit(ctx, tx, orgID, "token.revoke", "token", t.ID, map[string]string{"name": t.Name, "reason": reason}); err != nil {
			return err
		}
	}
	return nil
}
