package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MaxBackendsKept bounds the backends kept per domain, beyond the agent's
// own cut (probe.MaxBackends), against an agent that sends more.
const MaxBackendsKept = 32

// DomainBackend is the latest check of one address behind a domain's name:
// the certificate it served (leaf fingerprint and validity) or why it
// could not be checked.
type DomainBackend struct {
	DomainID       string
	Address        string // IP literal, without port
	OrganizationID string
	LeafSHA256     string `gorm:"column:leaf_sha256"` // empty when the check failed
	NotBefore      *time.Time
	NotAfter       *time.Time
	ErrorKind      string
	Error          string
	ObservedAt     time.Time
}

// BackendBatch is what one batch stores about backends.
type BackendBatch struct {
	// Rows are the backends the batch checked, the latest check of each.
	Rows []DomainBackend
	// DomainIDs are the domains the batch checked: their rows observed
	// before Since (addresses their names no longer resolve to) go.
	DomainIDs []string
	Since     time.Time
	// Flagged are the domains whose backends flagged for failed uptake
	// changed: they are due for alert evaluation.
	Flagged []string
}

// DomainBackends returns the backends of the organization's domains ids
// observed at or after since, by domain, in address order.
func (s *Store) DomainBackends(ctx context.Context, orgID string, ids []string, since time.Time) (map[string][]DomainBackend, error) {
	out := make(map[string][]DomainBackend, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		var rows []DomainBackend
		err := s.db.WithContext(ctx).Where("organization_id = ? AND domain_id IN ? AND observed_at >= ?", orgID, chunk, since).
			Order("domain_id, address").Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("store: backends of %d domains: %w", len(ids), err)
		}
		for _, r := range rows {
			out[r.DomainID] = append(out[r.DomainID], r)
		}
	}
	return out, nil
}

// saveBackends upserts the batch's backends in key order (batches touching
// the same domains then lock their rows in one order) without moving a
// row back to an older check, and deletes the rows of the batch's domains
// not observed since b.Since. The caller makes b.Flagged due for
// evaluation with the batch's other due domains (see markDue).
func saveBackends(tx *gorm.DB, orgID string, b BackendBatch) error {
	if len(b.DomainIDs) == 0 {
		return nil
	}
	rows := slices.Clone(b.Rows)
	for i := range rows {
		rows[i].OrganizationID = orgID
		fit(MaxShortText, &rows[i].Address, &rows[i].LeafSHA256, &rows[i].ErrorKind)
		fit(maxLongText, &rows[i].Error)
	}
	slices.SortFunc(rows, func(a, c DomainBackend) int {
		return cmp.Or(strings.Compare(a.DomainID, c.DomainID), strings.Compare(a.Address, c.Address), c.ObservedAt.Compare(a.ObservedAt))
	})
	// The latest check of each address comes first: keep it alone.
	rows = slices.CompactFunc(rows, func(a, c DomainBackend) bool { return a.DomainID == c.DomainID && a.Address == c.Address })
	if err := upsertBackends(tx, rows); err != nil {
		return fmt.Errorf("domain backends: %w", err)
	}
	ids := slices.Sorted(slices.Values(b.DomainIDs))
	for chunk := range slices.Chunk(slices.Compact(ids), 500) {
		err := tx.Where("organization_id = ? AND domain_id IN ? AND observed_at < ?", orgID, chunk, b.Since).Delete(&DomainBackend{}).Error
		if err != nil {
			return fmt.Errorf("domain backends gone: %w", err)
		}
	}
	return nil
}

// backendMoved are the columns a newer check of a held backend moves,
// and backendNewer the rule that an older one moves nothing.
var backendMoved = []string{"leaf_sha256", "not_before", "not_after", "error_kind", "error", "observed_at"}

const backendNewer = "excluded.observed_at >= domain_backends.observed_at"

// upsertBackends writes the rows in their order. On PostgreSQL they go as
// one array a column (as repeats do, see repeatValues): nine parameters
// and one statement text whatever the batch's size, so the statement stays
// prepared; SQLite gets GORM's VALUES list.
func upsertBackends(tx *gorm.DB, rows []DomainBackend) error {
	if len(rows) == 0 {
		return nil
	}
	if tx.Dialector.Name() != "postgres" {
		upsert := clause.OnConflict{
			Columns:   []clause.Column{{Name: "domain_id"}, {Name: "address"}},
			DoUpdates: clause.AssignmentColumns(backendMoved),
			Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: backendNewer}}},
		}
		return tx.Clauses(upsert).CreateInBatches(rows, observationBatch).Error
	}
	set := make([]string, len(backendMoved))
	for i, c := range backendMoved {
		set[i] = c + " = excluded." + c
	}
	sql := `INSERT INTO domain_backends
		(domain_id, address, organization_id, leaf_sha256, not_before, not_after, error_kind, error, observed_at)
		SELECT domain_id, address, organization_id, leaf_sha256, not_before, not_after, error_kind, error, observed_at
		FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]),
			CAST(? AS TIMESTAMPTZ[]), CAST(? AS TIMESTAMPTZ[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TIMESTAMPTZ[]))
			WITH ORDINALITY AS v(domain_id, address, organization_id, leaf_sha256, not_before, not_after, error_kind, error, observed_at, n)
		ORDER BY n
		ON CONFLICT (domain_id, address) DO UPDATE SET ` + strings.Join(set, ", ") + ` WHERE ` + backendNewer
	for chunk := range slices.Chunk(rows, observationBatch) {
		err := tx.Exec(sql,
			arrayOf(chunk, func(r DomainBackend) string { return r.DomainID }),
			arrayOf(chunk, func(r DomainBackend) string { return r.Address }),
			arrayOf(chunk, func(r DomainBackend) string { return r.OrganizationID }),
			arrayOf(chunk, func(r DomainBackend) string { return r.LeafSHA256 }),
			arrayOf(chunk, func(r DomainBackend) *time.Time { return r.NotBefore }),
			arrayOf(chunk, func(r DomainBackend) *time.Time { return r.NotAfter }),
			arrayOf(chunk, func(r DomainBackend) string { return r.ErrorKind }),
			arrayOf(chunk, func(r DomainBackend) string { return r.Error }),
			arrayOf(chunk, func(r DomainBackend) time.Time { return r.ObservedAt })).Error
		if err != nil {
			return err
		}
	}
	return nil
}
