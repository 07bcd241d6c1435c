package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// GetAlert loads one event of the organization.
func (s *Store) GetAlert(ctx context.Context, orgID, id string) (Alert, error) {
	var a Alert
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&a).Error; err != nil {
		return Alert{}, fmt.Errorf("store: get alert %s: %w", id, notFound(err))
	}
	return a, nil
}

// Snooze silences an open event: until a time (no reminder, and no notice
// should it resolve meanwhile), or until it changes (no reminder until it
// resolves, which is sent; a new problem of its domain is a new event and
// is sent anyway). Both unset lifts it.
type Snooze struct {
	Until       *time.Time
	UntilChange bool
}

// AcknowledgeAlert marks an open event as taken care of by the caller,
// which stops its reminders, or takes that back (ack false). An event no
// longer open is a conflict.
func (s *Store) AcknowledgeAlert(ctx context.Context, orgID, id string, ack bool) (Alert, error) {
	set := map[string]any{"acknowledged_at": nil, "acknowledged_by": ""}
	action := "alert.unacknowledge"
	if ack {
		set = map[string]any{"acknowledged_at": s.now(), "acknowledged_by": actorFrom(ctx).Label}
		action = "alert.acknowledge"
	}
	return s.changeOpenAlert(ctx, orgID, id, action, nil, set)
}

// SnoozeAlert sets or lifts an open event's snooze.
func (s *Store) SnoozeAlert(ctx context.Context, orgID, id string, z Snooze) (Alert, error) {
	action, details := "alert.unsnooze", map[string]any{}
	if z.Until != nil || z.UntilChange {
		action = "alert.snooze"
		details["until_change"] = z.UntilChange
		if z.Until != nil {
			u := z.Until.UTC()
			z.Until, details["until"] = &u, u
		}
	}
	return s.changeOpenAlert(ctx, orgID, id, action, details, map[string]any{"snoozed_until": z.Until, "snooze_until_change": z.UntilChange})
}

// changeOpenAlert updates an open event, audits it, and makes its domain,
// or else its agent, due, so that its reminders follow the change.
func (s *Store) changeOpenAlert(ctx context.Context, orgID, id, action string, details any, set map[string]any) (Alert, error) {
	now := s.now()
	err := s.change(ctx, orgID, action, "alert", details, func(tx *gorm.DB) (string, error) {
		var a Alert
		if err := tx.Where("organization_id = ? AND id = ?", orgID, id).Take(&a).Error; err != nil {
			return "", notFound(err)
		}
		if a.State != AlertOpen {
			return "", fmt.Errorf("alert is %s: %w", a.State, ErrConflict)
		}
		if err := tx.Model(&Alert{}).Where("organization_id = ? AND id = ?", orgID, id).Updates(set).Error; err != nil {
			return "", err
		}
		if a.DomainID != nil {
			return id, markDue(tx, orgID, []string{*a.DomainID}, now)
		}
		if a.AgentID != nil {
			return id, tx.Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, *a.AgentID).Update("eval_due_at", now).Error
		}
		return id, nil
	})
	if err != nil {
		return Alert{}, fmt.Errorf("store: %s %s: %w", action, id, err)
	}
	return s.GetAlert(ctx, orgID, id)
}

// outageType is the type of an outage event (notify.TypeUnreachable,
// which the store does not import).
const outageType = "unreachable"

// EmptyOutages says which of the given open outages have no open member
// left, to resolve them.
func (s *Store) EmptyOutages(ctx context.Context, orgID string, ids []string) ([]Alert, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []Alert
	err := s.db.WithContext(ctx).Where("organization_id = ? AND id IN ? AND "+openAlert, orgID, ids).
		Where("NOT EXISTS (SELECT 1 FROM alerts m WHERE m.group_id = alerts.id AND m.state = ?)", AlertOpen).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: empty outages: %w", err)
	}
	return out, nil
}
