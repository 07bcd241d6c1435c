package store

import (
	"context"
	"os"
	"strings"
)

// RawChannelConfig reads a channel's config column as stored, for tests that
// check what the database holds.
func RawChannelConfig(ctx context.Context, s *Store, id string) (string, error) {
	var cfg string
	err := s.db.WithContext(ctx).Raw("SELECT config FROM channels WHERE id = ?", id).Scan(&cfg).Error
	return cfg, err
}

// SetRawChannelConfig writes a channel's config column as is, as a server
// from before encryption (or someone with database access) would.
func SetRawChannelConfig(ctx context.Context, s *Store, id, cfg string) error {
	return s.db.WithContext(ctx).Model(&Channel{}).Where("id = ?", id).UpdateColumn("config", cfg).Error
}

// InventoryDrift lists the organization's certificates whose summary
// (serving, leaf_serving, trust_status, superseded_by) differs from a recount over the
// current domain states, the way the inventory was computed before it had
// a summary.
func InventoryDrift(ctx context.Context, s *Store, orgID string) ([]string, error) {
	var drift []string
	err := s.db.WithContext(ctx).Table("org_certificates").Where("organization_id = ?", orgID).
		Where(`serving <> (SELECT COUNT(DISTINCT s.domain_id) FROM domain_states s
			JOIN observation_certificates ocs ON ocs.observation_id = s.observation_id
			JOIN domains d ON d.id = s.domain_id
			WHERE ocs.sha256 = org_certificates.sha256 AND d.organization_id = org_certificates.organization_id)
		OR leaf_serving <> (SELECT COUNT(*) FROM domain_states s JOIN domains d ON d.id = s.domain_id
			WHERE s.leaf_sha256 = org_certificates.sha256 AND d.organization_id = org_certificates.organization_id)
		OR trust_status <> `+trustSQL+`
		OR (leaf_serving > 0 AND superseded_by <> `+supersededSQL+`)`).
		Order("sha256").Pluck("sha256", &drift).Error
	return drift, err
}

// ExecScript runs SQL statements as one script (PostgreSQL's simple query
// protocol), for benchmarks that seed volume.
func ExecScript(ctx context.Context, s *Store, sql string) error {
	db, err := s.db.DB()
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, sql)
	return err
}

// RefillInventorySummary fills the inventory summary of seeded rows the way
// migration 00017 fills an existing database.
func RefillInventorySummary(ctx context.Context, s *Store) error {
	up, err := os.ReadFile("migrations/postgres/00017_inventory_summary.sql")
	if err != nil {
		return err
	}
	text := string(up)
	chains := text[strings.Index(text, "INSERT INTO domain_chains"):]
	chains = chains[:strings.Index(chains, ";")+1]
	start := strings.Index(text, "UPDATE org_certificates")
	end := strings.Index(text, "-- The inventory's order")
	return ExecScript(ctx, s, chains+"\n"+text[start:end])
}
