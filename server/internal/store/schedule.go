package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// scheduleRow says when a domain must next be evaluated for alerts. A
// check or a rule change makes it due now; evaluation sets it to the next
// instant the rules' outcome changes by itself, or NULL when none does,
// and FailuresDue to the count of failures in a row at which they next
// act, or NULL when none does (0: not known, see markChecked).
type scheduleRow struct {
	DomainID       string
	OrganizationID string
	DueAt          *time.Time
	FailuresDue    *int
}

func (scheduleRow) TableName() string { return "evaluation_schedule" }

// markDue makes the domains due for evaluation at now, with their count of
// failures due not known until then. Rows are written in key order, like
// the domain states, so concurrent ingests cannot deadlock; a transaction
// calls it once, with all its domains, since two calls would each be
// sorted but not the two together (markChecked locks first what it reads).
func markDue(tx *gorm.DB, orgID string, domainIDs []string, now time.Time) error {
	if len(domainIDs) == 0 {
		return nil
	}
	ids := slices.Compact(slices.Sorted(slices.Values(domainIDs)))
	rows := make([]scheduleRow, len(ids))
	unknown := 0
	for i, id := range ids {
		rows[i] = scheduleRow{DomainID: id, OrganizationID: orgID, DueAt: &now, FailuresDue: &unknown}
	}
	upsert := clause.OnConflict{Columns: []clause.Column{{Name: "domain_id"}}, DoUpdates: clause.AssignmentColumns([]string{"due_at", "failures_due"})}
	if err := tx.Clauses(upsert).CreateInBatches(rows, observationBatch).Error; err != nil {
		return fmt.Errorf("evaluation schedule: %w", err)
	}
	return nil
}

// checkedDue is what storing checks makes due for evaluation: the domains
// whose judged state moved, and the failures that only repeat their
// domain's failure, with the count of failures in a row each reaches.
type checkedDue struct {
	moved  []string
	failed map[string]int
}

// fail notes a failure that repeats its domain's, reaching count n.
func (d *checkedDue) fail(id string, n int) {
	if d.failed == nil {
		d.failed = map[string]int{}
	}
	d.failed[id] = n
}

func (d *checkedDue) add(o checkedDue) {
	d.moved = append(d.moved, o.moved...)
	for id, n := range o.failed {
		d.fail(id, n)
	}
}

// markChecked makes due the domains a batch's checks moved, or flagged,
// and those of its repeated failures whose count reaches the one their
// schedule row says the rules next act at; it returns them all. That
// count is read under the row's lock, taken with the others in key order
// before any is written. An evaluation that runs meanwhile computes it
// from the same rules as the one before it, or a rule change set it to 0
// (markOrgDue), which makes the failure due and keeps the domain due past
// that evaluation's end (Reschedule).
func markChecked(tx *gorm.DB, orgID string, d checkedDue, flagged []string, now time.Time) ([]string, error) {
	due := append(slices.Clone(d.moved), flagged...)
	if len(d.failed) > 0 {
		ids := slices.Compact(slices.Sorted(slices.Values(append(slices.Collect(maps.Keys(d.failed)), due...))))
		scheduled := make(map[string]bool, len(d.failed))
		for chunk := range slices.Chunk(ids, observationBatch) {
			q := tx.Where("domain_id IN ?", chunk).Order("domain_id")
			if tx.Dialector.Name() == "postgres" {
				q = q.Clauses(lockForUpdate)
			}
			var rows []scheduleRow
			if err := q.Find(&rows).Error; err != nil {
				return nil, fmt.Errorf("evaluation schedule: %w", err)
			}
			for _, r := range rows {
				if n, failed := d.failed[r.DomainID]; failed {
					scheduled[r.DomainID] = true
					if r.FailuresDue != nil && n >= *r.FailuresDue {
						due = append(due, r.DomainID)
					}
				}
			}
		}
		for id := range d.failed {
			if !scheduled[id] {
				due = append(due, id) // never evaluated yet
			}
		}
	}
	return due, markDue(tx, orgID, due, now)
}

// markOrgDue makes every domain and agent of the organization due, for a
// change to its rules. It locks the rows in key order, as ingest does, so
// that the two never deadlock on PostgreSQL.
func markOrgDue(tx *gorm.DB, orgID string, now time.Time) error {
	sql := `UPDATE evaluation_schedule SET due_at = ?, failures_due = 0 WHERE domain_id IN
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

// NextDue is when a domain must next be evaluated: at an instant (zero:
// none comes by itself) or at a count of failures in a row (0: none does).
type NextDue struct {
	At       time.Time
	Failures int
}

// Reschedule ends a claim: each domain becomes due at its next time and
// count (none when missing from next). A domain checked meanwhile is due
// now, not at the claim's end: it keeps that mark, since its new state was
// not seen.
func (s *Store) Reschedule(ctx context.Context, c Claim, next map[string]NextDue) error {
	upsert := clause.OnConflict{
		Columns:   []clause.Column{{Name: "domain_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"due_at", "failures_due"}),
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
			n := next[id]
			if !n.At.IsZero() {
				t := n.At.UTC()
				rows[i].DueAt = &t
			}
			if n.Failures > 0 {
				rows[i].FailuresDue = &n.Failures
			}
		}
		return tx.Clauses(upsert).CreateInBatches(rows, observationBatch).Error
	})
	if err != nil {
		return fmt.Errorf("store: reschedule domains of %s: %w", c.OrganizationID, err)
	}
	return nil
}
