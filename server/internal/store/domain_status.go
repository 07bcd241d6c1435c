package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"certinel.dev/server/internal/lifecycle"
)

// A domain's status has a part that does not age, its state kind, stored in
// domains.state_kind at ingest, and parts that do: the instants its chain
// expires (state_not_after), is overdue for renewal (state_due_at, the
// window's end) and becomes urgent (state_urgent_at). Rows get their
// status and problems from lifecycle.State at read time; filters and
// counts select the same with the conditions below, which an index
// serves. The kinds are those of lifecycle.Kind.
var stateKindSQL = fmt.Sprintf(`CASE WHEN s.error <> '' OR s.not_after IS NULL THEN '%s'
	WHEN s.verdict_status = '%s' THEN '%s' ELSE '%s' END`,
	lifecycle.KindUnreachable, lifecycle.StatusInvalid, lifecycle.KindInvalid, lifecycle.KindValid)

// withChain selects the kinds that have a chain.
var withChain = fmt.Sprintf("domains.state_kind IN ('%s', '%s')", lifecycle.KindValid, lifecycle.KindInvalid)

// statusCondition is the WHERE clause selecting the domains listed under a
// status at now, as lifecycle.State.Listed says: a filter names a problem,
// so that a chain both untrusted and expiring is under both. floorDays is
// the organization's absolute floor (0: none).
func statusCondition(status string, now time.Time, floorDays int) (string, []any) {
	soon := now.Add(time.Duration(floorDays) * lifecycle.Day)
	overdue := "domains.state_due_at <= ?"
	urgent := "(domains.state_urgent_at <= ? OR (" + overdue + " AND domains.state_not_after <= ?))"
	live := withChain + " AND domains.state_not_after > ?"
	switch lifecycle.Status(status) {
	case lifecycle.StatusPending, lifecycle.StatusUnreachable:
		return "domains.state_kind = ?", []any{status}
	case lifecycle.StatusInvalid:
		return "domains.state_kind = ?", []any{lifecycle.KindInvalid}
	case lifecycle.StatusExpired:
		return withChain + " AND domains.state_not_after <= ?", []any{now}
	case lifecycle.StatusDue:
		return live + " AND " + overdue, []any{now, now}
	case lifecycle.StatusExpiring:
		if !soon.After(now) {
			// Without a floor a live chain is never past soon: the
			// condition is urgency alone, one range of its index.
			return live + " AND domains.state_urgent_at <= ?", []any{now, now}
		}
		return live + " AND " + urgent, []any{now, now, now, soon}
	case lifecycle.StatusOK:
		// A missing instant (a state stored before windows existed) never
		// makes a chain due or urgent, as in lifecycle.State.
		return "domains.state_kind = ? AND domains.state_not_after > ?" +
			" AND (domains.state_due_at IS NULL OR domains.state_due_at > ?)" +
			" AND (domains.state_urgent_at IS NULL OR domains.state_urgent_at > ?)", []any{lifecycle.KindValid, now, now, now}
	}
	// Callers validate the status; an unknown one selects nothing.
	return "1 = 0", nil
}

// stateOf is the part of a row the status derives from.
func stateOf(kind string, notAfter, dueAt, urgentAt *time.Time) lifecycle.State {
	return lifecycle.State{Kind: lifecycle.Kind(kind), Deadline: notAfter, WindowEnd: dueAt, UrgentAt: urgentAt}
}

// splitProblems reads a stored, comma-separated list of problem codes.
func splitProblems(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// copyListColumns copies the domains' latest states, as domain_states holds
// them after an upsert, into the columns the domain list sorts and filters
// by. It copies rather than takes the observations, so that a late result
// that did not move the state changes nothing; and it writes only the rows
// whose columns differ, so that a check that changes nothing leaves the
// domain's row and its many indexes alone. With the leaf it sets
// state_stale as the inventory summary says now (see markStale), and it
// moves the expiry aggregate along (applyExpiry).
func copyListColumns(tx *gorm.DB, domainIDs []string) error {
	ids := slices.Sorted(slices.Values(domainIDs)) // the order upsertStates locks rows in
	unchanged := "domains.state_kind = " + stateKindSQL + " AND domains.state_leaf_sha256 = s.leaf_sha256 AND " + strings.Join([]string{
		sameValue("domains.state_not_after", "s.not_after"),
		sameValue("domains.state_due_at", "s.window_end"),
		sameValue("domains.state_urgent_at", "s.urgent_at"),
	}, " AND ")
	expiry := expiryDeltas{}
	for start := 0; start < len(ids); start += observationBatch {
		chunk := ids[start:min(start+observationBatch, len(ids))]
		before, err := listedExpiries(tx, chunk)
		if err != nil {
			return err
		}
		var after []listedExpiry
		err = tx.Raw(`UPDATE domains SET state_not_after = s.not_after, state_leaf_sha256 = s.leaf_sha256,
			state_due_at = s.window_end, state_urgent_at = s.urgent_at, state_kind = `+stateKindSQL+`,
			state_stale = `+staleLeafSQL("s.leaf_sha256")+`
			FROM domain_states s WHERE s.domain_id = domains.id AND domains.id IN ? AND NOT (`+unchanged+`)
			RETURNING `+listedExpiryColumns(tx, "domains"), chunk).
			Scan(&after).Error
		if err != nil {
			return fmt.Errorf("domain list columns: %w", err)
		}
		for _, a := range after {
			expiry.add(before[a.ID], -1)
			expiry.add(a, 1)
		}
	}
	return applyExpiry(tx, expiry)
}

// sameValue is SQL saying that two columns hold the same value or are both
// NULL, in both dialects.
func sameValue(a, b string) string {
	return fmt.Sprintf("(%s = %s OR (%s IS NULL AND %s IS NULL))", a, b, a, b)
}
