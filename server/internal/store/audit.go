package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Actor types in the audit log.
const (
	ActorUser   = "user"
	ActorToken  = "token"
	ActorSystem = "system"
)

// Actor is who makes a change: a user of the dashboard, a script's API
// token, or the system. The HTTP layer puts it in the request context.
type Actor struct {
	Type  string
	ID    string
	Label string
	IP    string
}

type actorKey struct{}

// WithActor attaches the actor of a request to its context.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

func actorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Type: ActorSystem}
}

// AuditEntry is one recorded change.
type AuditEntry struct {
	ID             string
	OrganizationID string
	ActorType      string
	ActorID        string
	ActorLabel     string
	Action         string
	TargetType     string
	TargetID       string
	IP             string `gorm:"column:ip"`
	Details        string
	CreatedAt      time.Time
}

// TableName keeps the audit log's table name singular.
func (AuditEntry) TableName() string { return "audit_log" }

// change runs fn in a transaction and records it in the audit log in the
// same transaction: a failed change leaves no entry, a successful one
// always has one. fn returns the ID of what it changed.
func (s *Store) change(ctx context.Context, orgID, action, targetType string, details any, fn func(tx *gorm.DB) (string, error)) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		id, err := fn(tx)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, orgID, action, targetType, id, details)
	})
}

func (s *Store) audit(ctx context.Context, tx *gorm.DB, orgID, action, targetType, targetID string, details any) error {
	a := actorFrom(ctx)
	raw := "{}"
	if details != nil {
		b, err := json.Marshal(details)
		if err != nil {
			return fmt.Errorf("audit details: %w", err)
		}
		raw = string(b)
	}
	e := AuditEntry{ID: NewID(), OrganizationID: orgID, ActorType: a.Type, ActorID: a.ID, ActorLabel: a.Label,
		Action: action, TargetType: targetType, TargetID: targetID, IP: a.IP, Details: raw, CreatedAt: s.now()}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Audit records an event that changes nothing else (a login, a failed
// login).
func (s *Store) Audit(ctx context.Context, orgID, action, targetType, targetID string, details any) error {
	if err := s.audit(ctx, s.db.WithContext(ctx), orgID, action, targetType, targetID, details); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
