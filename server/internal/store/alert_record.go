package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Evaluation is what one evaluation decided, recorded in one transaction.
type Evaluation struct {
	// Fired are new events. One whose dedup key exists already (another
	// pass or replica recorded it) is skipped, and so is its notification.
	Fired []Alert
	// Resolutions close open events, each with a notice event.
	Resolutions []Resolution
	// Notifications are the messages to send.
	Notifications []Notification
	// Joins adds events recorded before, never sent, to the agent outage
	// that speaks for them (outage ID to event IDs).
	Joins map[string][]string
}

// Resolution closes open alerts with one notice.
type Resolution struct {
	AlertIDs []string
	Notice   Alert
}

// Notification is one message, listing one or more events, for each of
// its channels.
type Notification struct {
	OrganizationID string
	ChannelIDs     []string
	Events         []NotifiedEvent
	// Undeliverable says, by channel ID, why a channel cannot deliver at
	// all (email with no SMTP relay): its message is recorded failed with
	// that reason, one attempt, and never queued, so the outbox does not
	// claim and send what is bound to fail while the event still shows
	// as not delivered.
	Undeliverable map[string]string
}

// NotifiedEvent is an event as one notification carries it.
type NotifiedEvent struct {
	AlertID string
	// Payload is the event's JSON as this message says it (a reminder
	// differs from the first notice).
	Payload string
	// Again marks an event recorded before (a reminder, or one held back
	// until now). It is sent only if its notified_at is still Previous,
	// so that two passes never send it twice.
	Again    bool
	Previous *time.Time
}

// RecordEvaluation writes new events, resolutions and notifications with
// their outbox rows. It returns how many events were new or sent again.
func (s *Store) RecordEvaluation(ctx context.Context, ev Evaluation) (int, error) {
	now := s.now()
	recorded := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		notices := make([]Alert, len(ev.Resolutions))
		for i, r := range ev.Resolutions {
			notices[i] = r.Notice
		}
		inserted, err := insertAlerts(tx, slices.Concat(ev.Fired, notices))
		if err != nil {
			return err
		}
		recorded += len(inserted)
		var closing []string
		for _, r := range ev.Resolutions {
			if inserted[r.Notice.ID] {
				closing = append(closing, r.AlertIDs...)
			}
		}
		for start := 0; start < len(closing); start += observationBatch {
			chunk := closing[start:min(start+observationBatch, len(closing))]
			if err := tx.Model(&Alert{}).Where("id IN ? AND "+openAlert, chunk).
				Updates(map[string]any{"state": AlertResolved, "resolved_at": now}).Error; err != nil {
				return fmt.Errorf("resolve alerts: %w", err)
			}
		}
		for outage, ids := range ev.Joins {
			if err := tx.Model(&Alert{}).Where("id IN ? AND notified_at IS NULL AND "+openAlert, ids).
				Updates(map[string]any{"group_id": outage, "notified_at": now}).Error; err != nil {
				return fmt.Errorf("join outage: %w", err)
			}
		}
		n, err := writeNotifications(tx, ev.Notifications, inserted, now)
		recorded += n
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: record evaluation: %w", err)
	}
	return recorded, nil
}

// writeNotifications writes the outbox rows of the notifications, keeping
// of each the events that are new or still due, and returns how many
// events were sent again.
func writeNotifications(tx *gorm.DB, list []Notification, inserted map[string]bool, now time.Time) (int, error) {
	again := 0
	var rows []OutboxRow
	var links []outboxAlert
	var failed []DeliveryAttempt
	for _, n := range list {
		var kept []NotifiedEvent
		for _, e := range n.Events {
			if !e.Again {
				if inserted[e.AlertID] {
					kept = append(kept, e)
				}
				continue
			}
			ok, err := claimNotification(tx, e, now)
			if err != nil {
				return 0, err
			}
			if ok {
				again++
				kept = append(kept, e)
			}
		}
		if len(kept) == 0 {
			continue
		}
		payload := kept[0].Payload
		if len(kept) > 1 {
			parts := make([]string, len(kept))
			for i, e := range kept {
				parts[i] = e.Payload
			}
			payload = "[" + strings.Join(parts, ",") + "]"
		}
		for _, ch := range n.ChannelIDs {
			row := OutboxRow{ID: NewID(), OrganizationID: n.OrganizationID, AlertID: kept[0].AlertID, ChannelID: ch,
				Kind: "event", Payload: payload, Status: OutboxPending, NextAttemptAt: now, CreatedAt: now}
			if why := n.Undeliverable[ch]; why != "" {
				row.Status, row.Attempts, row.LastError = OutboxFailed, 1, why
				failed = append(failed, DeliveryAttempt{ID: NewID(), OutboxID: row.ID, AttemptedAt: now, Error: why})
			}
			rows = append(rows, row)
			for _, e := range kept {
				links = append(links, outboxAlert{OutboxID: row.ID, AlertID: e.AlertID})
			}
		}
	}
	if len(rows) == 0 {
		return again, nil
	}
	if err := tx.CreateInBatches(rows, observationBatch).Error; err != nil {
		return 0, fmt.Errorf("outbox: %w", err)
	}
	if err := tx.CreateInBatches(links, observationBatch).Error; err != nil {
		return 0, fmt.Errorf("outbox events: %w", err)
	}
	if len(failed) > 0 {
		if err := tx.CreateInBatches(failed, observationBatch).Error; err != nil {
			return 0, fmt.Errorf("undeliverable attempts: %w", err)
		}
	}
	return again, nil
}

// claimNotification moves an open event's notified_at from what the
// evaluation read to now, and says whether it did.
func claimNotification(tx *gorm.DB, e NotifiedEvent, now time.Time) (bool, error) {
	q := tx.Model(&Alert{}).Where("id = ? AND "+openAlert, e.AlertID)
	if e.Previous == nil {
		q = q.Where("notified_at IS NULL")
	} else {
		q = q.Where("notified_at = ?", *e.Previous)
	}
	res := q.Update("notified_at", now)
	if res.Error != nil {
		return false, fmt.Errorf("notify again: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// outboxAlert links a delivery to an event it carries.
type outboxAlert struct {
	OutboxID string
	AlertID  string
}

func (outboxAlert) TableName() string { return "outbox_alerts" }

// insertAlerts inserts what is new and reports which IDs it wrote.
func insertAlerts(tx *gorm.DB, list []Alert) (map[string]bool, error) {
	inserted := make(map[string]bool)
	for start := 0; start < len(list); start += observationBatch {
		chunk := list[start:min(start+observationBatch, len(list))]
		ids := make([]string, len(chunk))
		for i, a := range chunk {
			ids[i] = a.ID
			if a.RuleIDs == nil {
				chunk[i].RuleIDs = []string{a.RuleID}
			}
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&chunk).Error; err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		var got []string
		if err := tx.Model(&Alert{}).Where("id IN ?", ids).Pluck("id", &got).Error; err != nil {
			return nil, fmt.Errorf("alerts written: %w", err)
		}
		for _, id := range got {
			inserted[id] = true
		}
	}
	return inserted, nil
}
