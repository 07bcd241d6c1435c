package store

import (
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Domain statuses, derived from the latest check at read time so that they
// age with the clock without any job rewriting rows.
const (
	StatusPending     = "pending"
	StatusOK          = "ok"
	StatusExpiring    = "expiring"
	StatusExpired     = "expired"
	StatusInvalid     = "invalid"
	StatusUnreachable = "unreachable"
)

// A domain's status has a part that does not age, its state kind, stored in
// domains.state_kind at ingest, and a part that does: an invalid or valid
// chain is expired once its not_after has passed, and a valid one expiring
// within the organization's threshold. Kinds:
//   - pending: never checked (the column's default);
//   - unreachable: the latest check failed or brought no chain;
//   - invalid: a chain the analysis judged invalid;
//   - valid: any other chain.
const stateKindSQL = `CASE WHEN s.error <> '' OR s.not_after IS NULL THEN 'unreachable'
	WHEN s.verdict_status = 'invalid' THEN 'invalid' ELSE 'valid' END`

// statusSQL is the status of a row of domains; its two parameters are now
// and now plus the organization's expiring threshold. statusCondition
// selects the same statuses as index ranges: the two must agree.
const statusSQL = `CASE
	WHEN domains.state_kind IN ('pending', 'unreachable') THEN domains.state_kind
	WHEN domains.state_not_after <= ? THEN 'expired'
	WHEN domains.state_kind = 'invalid' THEN 'invalid'
	WHEN domains.state_not_after <= ? THEN 'expiring'
	ELSE 'ok' END`

// statusCondition is the WHERE clause selecting the domains of a status, as
// ranges over (state_kind, state_not_after) that an index serves.
func statusCondition(status string, now, soon time.Time) (string, []any) {
	switch status {
	case StatusPending, StatusUnreachable:
		return "domains.state_kind = ?", []any{status}
	case StatusExpired:
		return "domains.state_kind IN ('invalid', 'valid') AND domains.state_not_after <= ?", []any{now}
	case StatusInvalid:
		return "domains.state_kind = 'invalid' AND domains.state_not_after > ?", []any{now}
	case StatusExpiring:
		return "domains.state_kind = 'valid' AND domains.state_not_after > ? AND domains.state_not_after <= ?", []any{now, soon}
	case StatusOK:
		return "domains.state_kind = 'valid' AND domains.state_not_after > ?", []any{soon}
	}
	// Callers validate the status; an unknown one selects nothing.
	return "1 = 0", nil
}

// copyListColumns copies the domains' latest states, as domain_states holds
// them after an upsert, into the columns the domain list sorts and filters
// by. It copies rather than takes the observations, so that a late result
// that did not move the state changes nothing.
func copyListColumns(tx *gorm.DB, domainIDs []string) error {
	ids := slices.Sorted(slices.Values(domainIDs)) // the order upsertStates locks rows in
	for start := 0; start < len(ids); start += observationBatch {
		chunk := ids[start:min(start+observationBatch, len(ids))]
		err := tx.Exec(`UPDATE domains SET state_checked_at = s.checked_at, state_not_after = s.not_after,
			state_kind = `+stateKindSQL+`
			FROM domain_states s WHERE s.domain_id = domains.id AND domains.id IN ?`, chunk).Error
		if err != nil {
			return fmt.Errorf("domain list columns: %w", err)
		}
	}
	return nil
}
