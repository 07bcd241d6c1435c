package store

import (
	"context"
	"os"
	"strings"
	"time"

	"gorm.io/gorm"
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

// RawSMTPPassword reads an organization's SMTP password column as stored.
func RawSMTPPassword(ctx context.Context, s *Store, orgID string) (string, error) {
	var pw string
	err := s.db.WithContext(ctx).Raw("SELECT password FROM smtp_relays WHERE organization_id = ?", orgID).Scan(&pw).Error
	return pw, err
}

// SetRawSMTPPassword writes an organization's SMTP password column as is.
func SetRawSMTPPassword(ctx context.Context, s *Store, orgID, pw string) error {
	return s.db.WithContext(ctx).Model(&SMTPRelay{}).Where("organization_id = ?", orgID).UpdateColumn("password", pw).Error
}

// CountRows counts the rows of a table, for tests of what is kept.
func CountRows(ctx context.Context, s *Store, table string) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Table(table).Count(&n).Error
	return n, err
}

// DatabaseBytes vacuums the PostgreSQL schema of s and answers the size of
// all its tables with their indexes and TOAST, for benchmarks of growth.
func DatabaseBytes(ctx context.Context, s *Store) (int64, error) {
	var tables []string
	if err := s.db.WithContext(ctx).Raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").Scan(&tables).Error; err != nil {
		return 0, err
	}
	if err := s.db.WithContext(ctx).Exec("VACUUM ANALYZE " + strings.Join(tables, ", ")).Error; err != nil {
		return 0, err
	}
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c
		JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = current_schema() AND c.relkind = 'r'`).Scan(&n).Error
	return n, err
}

// MakeLegacySample makes an observation look as one stored before
// change-only history: no last-seen time, no sample key.
func MakeLegacySample(ctx context.Context, s *Store, id string) error {
	err := s.db.WithContext(ctx).Exec("UPDATE observations SET last_observed_at = NULL, sample_key = '' WHERE id = ?", id).Error
	if err != nil {
		return err
	}
	// Migration 00034 copies the sample's (empty) key into its state.
	return s.db.WithContext(ctx).Exec("UPDATE domain_states SET sample_key = '' WHERE observation_id = ?", id).Error
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

// supersededSQL is the reference for superseded_by: for a served leaf, the
// newest other served leaf of the organization with the same subject and a
// shared name, issued after it and outliving it.
const supersededSQL = `COALESCE((SELECT newer.sha256 FROM certificate_names mine
	JOIN certificate_names theirs ON theirs.name = mine.name
	JOIN org_certificates newer ON newer.organization_id = org_certificates.organization_id AND newer.sha256 = theirs.sha256
	WHERE mine.sha256 = org_certificates.sha256 AND newer.leaf_serving > 0 AND newer.subject = org_certificates.subject
		AND newer.not_before > org_certificates.not_before AND newer.not_after > org_certificates.not_after
	ORDER BY newer.not_before DESC, newer.not_after DESC, newer.sha256 LIMIT 1), '')`

// trustSQL is the reference for trust_status: what a monitored domain last
// said of the certificate, or else its latest discovery.
const trustSQL = `COALESCE((SELECT s.trust_status FROM domain_states s
	JOIN domains d ON d.id = s.domain_id
	WHERE s.leaf_sha256 = org_certificates.sha256 AND d.organization_id = org_certificates.organization_id
	ORDER BY s.checked_at DESC LIMIT 1), (SELECT e.trust_status FROM discovered_endpoints e
	WHERE e.leaf_sha256 = org_certificates.sha256 AND e.organization_id = org_certificates.organization_id
	ORDER BY e.last_seen_at DESC LIMIT 1), '')`

// MigrateTo applies the migrations up to version only: a database as an
// older server left it.
func MigrateTo(ctx context.Context, s *Store, version int64) error {
	provider, err := s.migrations()
	if err != nil {
		return err
	}
	_, err = provider.UpTo(ctx, version)
	return err
}

// ExecRaw runs a statement as is, to write rows as an older server did.
func ExecRaw(ctx context.Context, s *Store, sql string, args ...any) error {
	return s.db.WithContext(ctx).Exec(sql, args...).Error
}

// SetMetricsChunk sets how many rows one read of the exposition holds, so
// that a small organization spans several reads; it returns the undo.
func SetMetricsChunk(n int) func() {
	old := metricsChunk
	metricsChunk = n
	return func() { metricsChunk = old }
}

// WatchDomainWrites makes the database note the id of every domains row an
// UPDATE writes, in the table domain_writes, for tests of what a check
// leaves alone.
func WatchDomainWrites(ctx context.Context, s *Store) error {
	sql := `CREATE TABLE domain_writes (domain_id TEXT);
		CREATE TRIGGER domain_writes AFTER UPDATE ON domains BEGIN INSERT INTO domain_writes VALUES (NEW.id); END;`
	if s.dialect == Postgres {
		sql = `CREATE TABLE domain_writes (domain_id TEXT);
		CREATE FUNCTION note_domain_write() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN INSERT INTO domain_writes VALUES (NEW.id); RETURN NEW; END $$;
		CREATE TRIGGER domain_writes AFTER UPDATE ON domains FOR EACH ROW EXECUTE FUNCTION note_domain_write();`
	}
	return ExecScript(ctx, s, sql)
}

// SampleKeyOf is the key ingest gives an observation's sample.
func SampleKeyOf(o Observation) string { return sampleKey(o) }

// Setting reads a run-time parameter of one of the store's connections.
func Setting(ctx context.Context, s *Store, name string) (string, error) {
	var v string
	err := s.db.WithContext(ctx).Raw("SELECT current_setting(?)", name).Scan(&v).Error
	return v, err
}

// RawAgentCAKeys reads the agent CA's key columns as stored.
func RawAgentCAKeys(ctx context.Context, s *Store) (root, issuing string, err error) {
	var row AgentCA
	err = s.db.WithContext(ctx).Where("id = ?", agentCAID).Take(&row).Error
	return row.RootKey, row.IssuingKey, err
}

// ExpiryDaysCounted answers the expiry clusters' days as the query before
// the expiry aggregate counted them: every deadline of the range, by day.
func ExpiryDaysCounted(ctx context.Context, s *Store, orgID string, from, to time.Time, minimum int) ([]ExpiryCluster, error) {
	return s.countExpiryDays(ctx, orgID, from, to, minimum)
}

// StaleEndpointsJoined answers the stale-endpoint insight as the query
// before domains.state_stale and superseded_name did: every stale leaf's
// domains looked up and sorted, the name joined per endpoint.
func StaleEndpointsJoined(ctx context.Context, s *Store, orgID, domainID string) ([]StaleEndpoint, error) {
	const joined = `
WITH stale AS MATERIALIZED (
	SELECT sha256, superseded_by FROM org_certificates
	WHERE organization_id = @org AND superseded_by <> '' AND leaf_serving > 0
), page AS MATERIALIZED (
	SELECT d.id AS domain_id, d.host, d.port, st.sha256 AS served_sha256, st.superseded_by AS newer_sha256
	FROM stale st
	JOIN domains d ON d.organization_id = @org AND d.state_leaf_sha256 = st.sha256
	WHERE (@domain = '' OR d.id = @domain)
	ORDER BY d.host, d.port, d.id LIMIT @limit
), named AS MATERIALIZED (
	SELECT p.*,
		(SELECT MIN(mine.name) FROM certificate_names mine JOIN certificate_names theirs ON theirs.name = mine.name
			WHERE mine.sha256 = p.served_sha256 AND theirs.sha256 = p.newer_sha256) AS name,
		(SELECT dd.id FROM domains dd WHERE dd.organization_id = @org AND dd.state_leaf_sha256 = p.newer_sha256
			ORDER BY dd.host, dd.port, dd.id LIMIT 1) AS newer_domain_id
	FROM page p
)
SELECT n.domain_id, n.host, n.port, n.served_sha256, n.newer_sha256, COALESCE(n.name, '') AS name,
	n.newer_domain_id, d2.host AS newer_host, d2.port AS newer_port
FROM named n JOIN domains d2 ON d2.id = n.newer_domain_id
ORDER BY n.host, n.port, n.domain_id`
	out := []StaleEndpoint{}
	err := s.db.WithContext(ctx).Raw(joined, map[string]any{"org": orgID, "domain": domainID, "limit": maxStaleEndpoints}).Scan(&out).Error
	return out, err
}

// DomainCountPlan is PostgreSQL's plan of the query counting a domain
// list's matches, for tests of which index serves it.
func DomainCountPlan(ctx context.Context, s *Store, orgID string, f DomainFilter) (string, error) {
	count, _, err := s.countQuery(ctx, orgID, f, s.now())
	if err != nil {
		return "", err
	}
	stmt := count.Session(&gorm.Session{DryRun: true}).Select("1").Limit(ExactCountBound + 1).Find(&[]int{}).Statement
	return explain(ctx, s, stmt.SQL.String(), stmt.Vars)
}

// CommonTerm exposes commonTerm to tests.
func CommonTerm(ctx context.Context, s *Store, term string) (bool, error) {
	return s.commonTerm(ctx, term)
}

// SaveResultsOnce stores a batch as SaveResults does, in one transaction
// tried once: a deadlock comes back as PostgreSQL's error instead of being
// retried.
func SaveResultsOnce(ctx context.Context, s *Store, orgID string, rs ResultSet) error {
	rs = storableResults(rs)
	now := s.now()
	batch := ResultBatch{OrganizationID: orgID, BatchID: rs.BatchID, AgentID: &rs.AgentID, Rejected: rs.Rejected, CreatedAt: now}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return saveBatch(tx, orgID, rs, &batch, now) })
}

// StateUpdates runs fn and reports how many rows of domain_states
// PostgreSQL updated meanwhile, and how many of those in place (heap-only
// tuples). The pool is cut to one connection while it runs: a backend's
// statistics reach the shared counters when it flushes them, which
// pg_stat_force_next_flush asks of the backend it runs on.
func StateUpdates(ctx context.Context, s *Store, fn func() error) (updated, hot int64, err error) {
	db, err := s.db.DB()
	if err != nil {
		return 0, 0, err
	}
	defer db.SetMaxOpenConns(db.Stats().MaxOpenConnections)
	db.SetMaxOpenConns(1)
	read := func() (u, h int64, err error) {
		if err := s.db.WithContext(ctx).Exec("SELECT pg_stat_force_next_flush()").Error; err != nil {
			return 0, 0, err
		}
		err = s.db.WithContext(ctx).Raw("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = 'domain_states'::regclass").
			Row().Scan(&u, &h)
		return u, h, err
	}
	u0, h0, err := read()
	if err != nil {
		return 0, 0, err
	}
	if err := fn(); err != nil {
		return 0, 0, err
	}
	u1, h1, err := read()
	return u1 - u0, h1 - h0, err
}

// PreparedCounts lists the statements holding a bounded count ("AS
// capped") that PostgreSQL keeps prepared on the store's connection,
// after limiting its pool to that one connection.
func PreparedCounts(ctx context.Context, s *Store) ([]string, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(1)
	var stmts []string
	err = s.db.WithContext(ctx).Raw("SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%AS capped%' AND statement NOT LIKE '%pg_prepared_statements%'").Scan(&stmts).Error
	return stmts, err
}

// SeedInventory stores certificates and adds them to an organization's
// inventory, as ingest does for the certificates of a result.
func SeedInventory(ctx context.Context, s *Store, orgID string, certs []Certificate) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := insertNewCertificates(tx, certs, s.now()); err != nil {
			return err
		}
		return upsertOrgCertificates(tx, orgID, certs, s.now())
	})
}

// CertificateSearchPlan is PostgreSQL's plan of the condition an inventory
// search sets, over the organization's summary.
func CertificateSearchPlan(ctx context.Context, s *Store, orgID, term string) (string, error) {
	search, err := s.textSearch(ctx, term)
	if err != nil {
		return "", err
	}
	q := s.db.WithContext(ctx).Table("org_certificates oc").Where("oc.organization_id = ?", orgID).Where(search)
	stmt := q.Session(&gorm.Session{DryRun: true}).Select("oc.sha256").Find(&[]string{}).Statement
	return explain(ctx, s, stmt.SQL.String(), stmt.Vars)
}

// explain is PostgreSQL's plan of a statement, one line per node.
func explain(ctx context.Context, s *Store, sql string, vars []any) (string, error) {
	rows, err := s.db.ConnPool.QueryContext(ctx, "EXPLAIN "+sql, vars...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// RowsRead counts the rows of table that scans read (by sequence or
// through an index) while fn ran, on a pool of one connection.
func RowsRead(ctx context.Context, s *Store, table string, fn func() error) (int64, error) {
	return readDuring(ctx, s, "SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) FROM pg_stat_user_tables WHERE relid = ?::regclass", table, fn)
}

// IndexEntriesRead counts the entries that scans of table's indexes read
// while fn ran (those a bitmap scan reads and then filters out included),
// on a pool of one connection.
func IndexEntriesRead(ctx context.Context, s *Store, table string, fn func() error) (int64, error) {
	return readDuring(ctx, s, "SELECT COALESCE(sum(idx_tup_read), 0)::bigint FROM pg_stat_user_indexes WHERE relid = ?::regclass", table, fn)
}

// readDuring is how much the statistic that query reads of table moved
// while fn ran, on a pool of one connection.
func readDuring(ctx context.Context, s *Store, query, table string, fn func() error) (int64, error) {
	db, err := s.db.DB()
	if err != nil {
		return 0, err
	}
	defer db.SetMaxOpenConns(db.Stats().MaxOpenConnections)
	db.SetMaxOpenConns(1)
	read := func() (n int64, err error) {
		if err := s.db.WithContext(ctx).Exec("SELECT pg_stat_force_next_flush()").Error; err != nil {
			return 0, err
		}
		err = s.db.WithContext(ctx).Raw(query, table).Row().Scan(&n)
		return n, err
	}
	before, err := read()
	if err != nil {
		return 0, err
	}
	if err := fn(); err != nil {
		return 0, err
	}
	after, err := read()
	return after - before, err
}
