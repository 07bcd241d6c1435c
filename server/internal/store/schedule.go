package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// scheduleRow says when a domain must next be evaluated for alerts. A
// check or a rule change makes it due now; evaluation sets it to the next
// instant the rules' outcome changes by itself, or NULL when none does.
type scheduleRow struct {
	DomainID       string
	OrganizationID string
	DueAt          *time.Time
}

func (scheduleRow) TableName() string { return "evaluation_schedule" }

// markDue makes the domains due for evaluation at now. Rows are written in
// key order, like the domain states, so concurrent ingests cannot deadlock;
// a transaction calls it once, with all its domains, since two calls
// would each be sorted but not the two together.
func markDue(tx *gorm.DB, orgID string, domainIDs []string, now time.Time) error {
	if len(domainIDs) == 0 {
		return nil
	}
	ids := slices.Compact(slices.Sorted(slices.Values(domainIDs)))
	rows := make([]scheduleRow, len(ids))
	for i, id := range ids {
		rows[i] = scheduleRow{DomainID: id, OrganizationID: orgID, DueAt: &now}
	}
	upsert := clause.OnConflict{Columns: []clause.Column{{Name: "domain_id"}}, DoUpdates: clause.AssignmentColumns([]string{"due_at"})}
	if err := tx.Clauses(upsert).CreateInBatches(rows, observationBatch).Error; err != nil {
		return fmt.Errorf("evaluation schedule: %w", err)
	}
	return nil
}

// markOrgDue makes every domain and agent of the organization due, for a
// change to its rules. It locks the rows in key order, as ingest does, so
// that the two never deadlock on PostgreSQL.
func markOrgDue(tx *gorm.DB, orgID string, now time.Time) error {
	sql := `UPDATE evaluation_schedule SET due_at = ? WHERE domain_id IN
		(SELECT domain_id FROM evaluation_schedule WHERE organization_id = ? ORDER BY domain_id` + forUpdate(tx) + `)`
	if err := tx.Exec(sql, now, orgID).Error; err != nil {
		return fmt.Errorf("evaluation schedule: %w", err)
	}
	return markAgentsDue(tx, orgID, now)
}

// forUpdate locks the rows a subquery selects, on PostgreSQL; SQLite has
// a single writer anyway.
func forUpdate(tx *gorm.DB) string {
	if tx.Dialector.Name() == "postgres" {
		return " FOR UPDATE"
	}
	return ""
}

// DueOrganizations lists up to limit organizations with domains due for
// evaluation, in ID order starting after the given one and wrapping
// around, so that passes serve organizations in turn. With orgID set it
// looks at that organization only. When nothing is due anywhere, it costs
// one index probe.
func (s *Store) DueOrganizations(ctx context.Context, orgID, after string, limit int) ([]string, error) {
	now := s.now()
	db := s.db.WithContext(ctx)
	probe := db.Model(&scheduleRow{}).Where("due_at <= ?", now)
	if orgID != "" {
		probe = probe.Where("organization_id = ?", orgID)
	}
	var first []string
	// Ordered, so that the plan walks the index on due_at whatever the
	// statistics say.
	if err := probe.Order("due_at").Limit(1).Pluck("organization_id", &first).Error; err != nil {
		return nil, fmt.Errorf("store: due organizations: %w", err)
	}
	if len(first) == 0 || orgID != "" {
		return first, nil
	}
	// One index probe per organization, rather than a scan of every due
	// domain to find their distinct organizations.
	due := func(cond string, args ...any) ([]string, error) {
		var ids []string
		err := db.Model(&Organization{}).Where(cond, args...).
			Where("EXISTS (SELECT 1 FROM evaluation_schedule e WHERE e.organization_id = organizations.id AND e.due_at <= ?)", now).
			Order("id").Limit(limit).Pluck("id", &ids).Error
		return ids, err
	}
	out, err := due("id > ?", after)
	if err == nil && len(out) < limit && after != "" {
		var wrapped []string
		wrapped, err = due("id <= ?", after)
		out = append(out, wrapped[:min(len(wrapped), limit-len(out))]...)
	}
	if err != nil {
		return nil, fmt.Errorf("store: due organizations: %w", err)
	}
	return out, nil
}

// Claim is a batch of an organization's domains taken for evaluation.
// Until is the lease: the rows say it as their due time, so that no other
// pass takes them meanwhile, and a pass that dies leaves them due again
// when it ends. Last is where the batch ends in the due order.
type Claim struct {
	OrganizationID string
	DomainIDs      []string
	Until          time.Time
	Last           *DueKey
}

// DueKey is a position in a due order: of an organization's domains, or
// of agents. The claims of one pass start after the previous one's, rather
// than walk again over the index entries of the rows it just moved, which
// stay, dead, until vacuum.
type DueKey struct {
	DueAt time.Time
	ID    string
}

// ClaimDue takes up to limit of the organization's due domains, after the
// given position if any, the longest due first. On PostgreSQL, FOR UPDATE
// SKIP LOCKED lets replicas claim side by side without taking the same
// row; SQLite has a single writer anyway.
func (s *Store) ClaimDue(ctx context.Context, orgID string, after *DueKey, limit int, lease time.Duration) (Claim, error) {
	now := s.now()
	c := Claim{OrganizationID: orgID, Until: now.Add(lease).Truncate(time.Microsecond)}
	q := "SELECT domain_id, due_at FROM evaluation_schedule WHERE organization_id = ? AND due_at <= ?"
	args := []any{orgID, now}
	if after != nil {
		q += " AND (due_at, domain_id) > (?, ?)"
		args = append(args, after.DueAt, after.ID)
	}
	q += " ORDER BY due_at, domain_id LIMIT ?"
	if s.dialect == Postgres {
		q += " FOR UPDATE SKIP LOCKED"
	}
	args = append(args, limit)
	err := s.transact(ctx, func(tx *gorm.DB) error {
		var rows []scheduleRow
		if err := tx.Raw(q, args...).Scan(&rows).Error; err != nil {
			return err
		}
		c.DomainIDs, c.Last = make([]string, len(rows)), nil
		if len(rows) == 0 {
			return nil
		}
		for i, r := range rows {
			c.DomainIDs[i] = r.DomainID
		}
		last := rows[len(rows)-1]
		c.Last = &DueKey{DueAt: *last.DueAt, ID: last.DomainID}
		return tx.Model(&scheduleRow{}).Where("domain_id IN ?", c.DomainIDs).Update("due_at", c.Until).Error
	})
	if err != nil {
		return Claim{}, fmt.Errorf("store: claim due domains of %s: %w", orgID, err)
	}
	return c, nil
}

// Reschedule ends a claim: each domain becomes due at its next time (none
// when missing from next). A domain checked meanwhile is due now, not at
// the claim's end: it keeps that mark, since its new state was not seen.
func (s *Store) Reschedule(ctx context.Context, c Claim, next map[string]time.Time) error {
	upsert := clause.OnConflict{
		Columns:   []clause.Column{{Name: "domain_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"due_at"}),
		Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "evaluation_schedule.due_at = ?", Vars: []any{c.Until}}}},
	}
	err := s.transact(ctx, func(tx *gorm.DB) error {
		// A domain deleted meanwhile has lost its row, which must not
		// come back.
		var ids []string
		if err := tx.Model(&scheduleRow{}).Where("domain_id IN ?", c.DomainIDs).Order("domain_id").Pluck("domain_id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		rows := make([]scheduleRow, len(ids))
		for i, id := range ids {
			rows[i] = scheduleRow{DomainID: id, OrganizationID: c.OrganizationID}
			if t, ok := next[id]; ok {
				t = t.UTC()
				rows[i].DueAt = &t
			}
		}
		return tx.Clauses(upsert).CreateInBatches(rows, observationBatch).Error
	})
	if err != nil {
		return fmt.Errorf("store: reschedule domains of %s: %w", c.OrganizationID, err)
	}
	return nil
}
