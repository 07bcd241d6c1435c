package store

import (
	"fmt"

	"gorm.io/gorm"
)

// syncCheckTimes copies the check time of the given domains' states into
// domain_checks, the narrow table the last-check sort reads (migration
// 00072). The time is written with the state and copied here in the same
// transaction, so the two never differ; domain_states keeps it out of its
// indexes, so that a check that changes nothing updates the state in place.
// domainIDs must be sorted: rows are locked in domain order, as every batch
// locks states.
func syncCheckTimes(tx *gorm.DB, domainIDs []string) error {
	for start := 0; start < len(domainIDs); start += observationBatch {
		err := tx.Exec(`INSERT INTO domain_checks (domain_id, organization_id, checked_at)
			SELECT domain_id, organization_id, checked_at FROM domain_states WHERE domain_id IN ? ORDER BY domain_id
			ON CONFLICT (domain_id) DO UPDATE SET checked_at = excluded.checked_at
			WHERE domain_checks.checked_at <> excluded.checked_at`,
			domainIDs[start:min(start+observationBatch, len(domainIDs))]).Error
		if err != nil {
			return fmt.Errorf("check times: %w", err)
		}
	}
	return nil
}
