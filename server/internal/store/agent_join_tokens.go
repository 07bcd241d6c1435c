package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AgentJoinToken lets an agent enroll once: it trades the token and a
// certificate request for its client certificate. Only the hash is kept.
type AgentJoinToken struct {
	ID             string
	OrganizationID string
	AgentID        string
	TokenHash      string
	Prefix         string
	ExpiresAt      time.Time
	UsedAt         *time.Time
	CreatedAt      time.Time
}

// CreateAgentJoinToken stores a join token for one of the organization's
// agents.
func (s *Store) CreateAgentJoinToken(ctx context.Context, orgID, agentID, tokenHash, prefix string, ttl time.Duration) (AgentJoinToken, error) {
	now := s.now()
	t := AgentJoinToken{ID: NewID(), OrganizationID: orgID, AgentID: agentID, TokenHash: tokenHash, Prefix: prefix,
		ExpiresAt: now.Add(ttl), CreatedAt: now}
	details := map[string]any{"prefix": prefix, "expires_at": t.ExpiresAt}
	err := s.change(ctx, orgID, "agent.join_token_create", "agent", details, func(tx *gorm.DB) (string, error) {
		// The agent must be the organization's: another's answers not found.
		if err := affected(tx.Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, agentID).Update("updated_at", now)); err != nil {
			return "", err
		}
		return agentID, tx.Create(&t).Error
	})
	if err != nil {
		return AgentJoinToken{}, fmt.Errorf("store: create join token for agent %s: %w", agentID, err)
	}
	return t, nil
}

// SpendAgentJoinToken uses up a join token, found by its hash, and returns
// it. A token already used, unknown or expired answers ErrNotFound; an
// expired one is spent all the same, so that no later try finds it usable.
// The organization is not known before the token names it.
func (s *Store) SpendAgentJoinToken(ctx context.Context, tokenHash string) (AgentJoinToken, error) {
	now := s.now()
	db := s.db.WithContext(ctx)
	// The conditional update is the lock: of two enrollments racing with
	// one token, only one changes the row.
	res := db.Model(&AgentJoinToken{}).Where("token_hash = ? AND used_at IS NULL", tokenHash).Update("used_at", now)
	if err := affected(res); err != nil {
		return AgentJoinToken{}, fmt.Errorf("store: spend join token: %w", err)
	}
	var t AgentJoinToken
	if err := db.Where("token_hash = ?", tokenHash).Take(&t).Error; err != nil {
		return AgentJoinToken{}, fmt.Errorf("store: spend join token: %w", notFound(err))
	}
	if !now.Before(t.ExpiresAt) {
		return AgentJoinToken{}, fmt.Errorf("store: spend join token: expired: %w", ErrNotFound)
	}
	return t, nil
}
