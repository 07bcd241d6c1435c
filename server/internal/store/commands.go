package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// CommandsChannel is the PostgreSQL NOTIFY channel that wakes the replica
// holding an agent's control channel; the payload is the agent's ID.
const CommandsChannel = "certinel_agent_commands"

// Command lifetimes: a command nobody picked up within commandTTL is
// dropped (the agent's schedule covers it by then), and one handed out but
// not acknowledged within redeliverAfter is handed out again.
const (
	commandTTL     = time.Hour
	redeliverAfter = 45 * time.Second
	// maxPendingCommands bounds what one poll hands out.
	maxPendingCommands = 100
)

// AgentCommand is one instruction waiting for an agent's control channel.
type AgentCommand struct {
	ID             string
	OrganizationID string
	AgentID        string
	Kind           string
	// Payload is the command's JSON arguments.
	Payload     string
	CreatedAt   time.Time
	DeliveredAt *time.Time
	ExpiresAt   time.Time
}

// EnqueueCommand stores a command for an agent of the organization and, on
// PostgreSQL, notifies every replica in the same transaction, so that the
// wake-up arrives only once the row is visible. An agent of another
// organization is ErrNotFound.
func (s *Store) EnqueueCommand(ctx context.Context, orgID, agentID, kind, payload string) error {
	now := s.now()
	cmd := AgentCommand{ID: NewID(), OrganizationID: orgID, AgentID: agentID, Kind: kind, Payload: payload,
		CreatedAt: now, ExpiresAt: now.Add(commandTTL)}
	err := s.transact(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, agentID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if err := tx.Create(&cmd).Error; err != nil {
			return err
		}
		if s.dialect == Postgres {
			return tx.Exec("SELECT pg_notify(?, ?)", CommandsChannel, agentID).Error
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: enqueue %s command for agent %s: %w", kind, agentID, err)
	}
	return nil
}

// TakeCommands hands out the agent's commands that were never delivered, or
// delivered without an acknowledgement for a while, oldest first, and marks
// them delivered now.
func (s *Store) TakeCommands(ctx context.Context, orgID, agentID string) ([]AgentCommand, error) {
	now := s.now()
	var out []AgentCommand
	err := s.transact(ctx, func(tx *gorm.DB) error {
		q := tx.Where("organization_id = ? AND agent_id = ? AND expires_at > ?", orgID, agentID, now).
			Where("delivered_at IS NULL OR delivered_at < ?", now.Add(-redeliverAfter)).
			Order("created_at, id").Limit(maxPendingCommands)
		if s.dialect == Postgres {
			q = q.Clauses(lockForUpdate)
		}
		if err := q.Find(&out).Error; err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		ids := make([]string, len(out))
		for i := range out {
			ids[i] = out[i].ID
			out[i].DeliveredAt = &now
		}
		return tx.Model(&AgentCommand{}).Where("id IN ?", ids).Update("delivered_at", now).Error
	})
	if err != nil {
		return nil, fmt.Errorf("store: take commands of agent %s: %w", agentID, err)
	}
	return out, nil
}

// AckCommands deletes the commands the agent confirmed it received.
func (s *Store) AckCommands(ctx context.Context, orgID, agentID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.db.WithContext(ctx).Where("organization_id = ? AND agent_id = ? AND id IN ?", orgID, agentID, ids).
		Delete(&AgentCommand{}).Error
	if err != nil {
		return fmt.Errorf("store: ack commands of agent %s: %w", agentID, err)
	}
	return nil
}
