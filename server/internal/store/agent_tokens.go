package store

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Agent token rotation. A graceful rotation keeps the agent working
// throughout: it is requested (RequestAgentTokenRotation), the agent fetches
// its next token (SetNextAgentToken) while its current one still works, and
// the first request made with the next token makes it the only one
// (AgentByToken). A revoking rotation (ReplaceAgentToken) swaps the token at
// once, for an agent whose token leaked or that cannot be reached.

// Token rotation modes, as recorded in the audit log.
const (
	RotateGraceful = "graceful"
	RotateRevoke   = "revoke"
)

// AgentByToken finds the organization's agent that a token hash belongs
// to: its current token, or the next one of a graceful rotation, which then
// replaces the current one for good.
func (s *Store) AgentByToken(ctx context.Context, orgID, tokenHash string) (Agent, error) {
	var a Agent
	err := s.db.WithContext(ctx).Omit("Targets").
		Where("organization_id = ? AND (token_hash = ? OR next_token_hash = ?)", orgID, tokenHash, tokenHash).Take(&a).Error
	if err != nil {
		return Agent{}, fmt.Errorf("store: agent by token: %w", notFound(err))
	}
	if a.NextTokenHash == nil || subtle.ConstantTimeCompare([]byte(*a.NextTokenHash), []byte(tokenHash)) != 1 {
		return a, nil
	}
	if err := s.promoteNextToken(ctx, &a); err != nil {
		return Agent{}, err
	}
	return a, nil
}

// promoteNextToken makes the agent's next token its current one. The
// update is conditional on the next token, so concurrent first requests
// with it promote once.
func (s *Store) promoteNextToken(ctx context.Context, a *Agent) error {
	now := s.now()
	hash := *a.NextTokenHash
	err := s.change(ctx, a.OrganizationID, "agent.token_rotated", "agent", map[string]string{"prefix": a.NextPrefix}, func(tx *gorm.DB) (string, error) {
		res := tx.Model(&Agent{}).Where("organization_id = ? AND id = ? AND next_token_hash = ?", a.OrganizationID, a.ID, hash).
			Updates(map[string]any{"token_hash": hash, "prefix": a.NextPrefix, "next_token_hash": nil, "next_prefix": "",
				"token_rotation_requested_at": nil, "token_rotated_at": now, "updated_at": now})
		if res.Error != nil {
			return "", res.Error
		}
		if res.RowsAffected == 0 {
			return "", errAlreadyPromoted
		}
		return a.ID, nil
	})
	if err != nil && !errors.Is(err, errAlreadyPromoted) {
		return fmt.Errorf("store: promote agent %s token: %w", a.ID, err)
	}
	a.TokenHash, a.Prefix, a.NextTokenHash, a.NextPrefix = hash, a.NextPrefix, nil, ""
	a.TokenRotationRequestedAt, a.TokenRotatedAt = nil, &now
	return nil
}

// errAlreadyPromoted rolls back the audit entry of a promotion that a
// concurrent request made first.
var errAlreadyPromoted = errors.New("next token already promoted")

// RequestAgentTokenRotation starts a graceful rotation: the agent is to
// fetch a next token; until it uses it, its current token works.
func (s *Store) RequestAgentTokenRotation(ctx context.Context, orgID, id string) (Agent, error) {
	now := s.now()
	err := s.change(ctx, orgID, "agent.token_rotate", "agent", map[string]string{"mode": RotateGraceful}, func(tx *gorm.DB) (string, error) {
		res := tx.Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, id).
			Updates(map[string]any{"token_rotation_requested_at": now, "updated_at": now})
		return id, affected(res)
	})
	if err != nil {
		return Agent{}, fmt.Errorf("store: request agent %s token rotation: %w", id, err)
	}
	return s.GetAgent(ctx, orgID, id)
}

// SetNextAgentToken stores the hash of the token the agent fetched to
// rotate to; a next token fetched before and never used is replaced.
func (s *Store) SetNextAgentToken(ctx context.Context, orgID, id, tokenHash, prefix string) error {
	err := s.change(ctx, orgID, "agent.token_issue", "agent", map[string]string{"prefix": prefix}, func(tx *gorm.DB) (string, error) {
		res := tx.Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, id).
			Updates(map[string]any{"next_token_hash": tokenHash, "next_prefix": prefix, "updated_at": s.now()})
		return id, affected(res)
	})
	if err != nil {
		return fmt.Errorf("store: set agent %s next token: %w", id, err)
	}
	return nil
}

// ReplaceAgentToken gives the agent a new token at once: the current one,
// and any next one of a graceful rotation, stop working.
func (s *Store) ReplaceAgentToken(ctx context.Context, orgID, id, tokenHash, prefix string) (Agent, error) {
	now := s.now()
	err := s.change(ctx, orgID, "agent.token_rotate", "agent", map[string]string{"mode": RotateRevoke, "prefix": prefix}, func(tx *gorm.DB) (string, error) {
		res := tx.Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, id).
			Updates(map[string]any{"token_hash": tokenHash, "prefix": prefix, "next_token_hash": nil, "next_prefix": "",
				"token_rotation_requested_at": nil, "token_rotated_at": now, "updated_at": now})
		return id, affected(res)
	})
	if err != nil {
		return Agent{}, fmt.Errorf("store: replace agent %s token: %w", id, err)
	}
	return s.GetAgent(ctx, orgID, id)
}
