package store

import (
	"context"
	"fmt"
)

// StaleEndpoint is a domain still serving a certificate after a newer one
// for the same name and subject appeared on another of the organization's
// endpoints: a process that never reloaded, or a forgotten copy.
type StaleEndpoint struct {
	DomainID      string
	Host          string
	Port          int
	Name          string
	ServedSHA256  string `gorm:"column:served_sha256"`
	NewerSHA256   string `gorm:"column:newer_sha256"`
	NewerDomainID string
	NewerHost     string
	NewerPort     int
}

// maxStaleEndpoints caps the answer: the first domains by host and port.
const maxStaleEndpoints = 1000

// staleSQL walks the first domains of the domains_stale index, which
// holds, in the page's order, the domains serving a superseded leaf
// (domains.state_stale, kept at ingest), and reads the newer leaf and the
// name shown off the inventory summary (superseded_by and superseded_name,
// also kept at ingest). The page's leaves are all superseded; saying so
// again lets the planner look each one up in the summary's partial index
// (org_certificates_superseded, by organization and leaf) instead of
// reading the whole summary. The first domain serving the newer leaf is
// joined last (newerServerJoin).
const staleSQL = `
WITH page AS MATERIALIZED (
	SELECT d.id AS domain_id, d.host, d.port, d.state_leaf_sha256 AS served_sha256
	FROM domains d
	WHERE d.organization_id = @org AND d.state_stale AND %s
	ORDER BY d.host, d.port, d.id LIMIT @limit
)
SELECT p.domain_id, p.host, p.port, p.served_sha256, oc.superseded_by AS newer_sha256, oc.superseded_name AS name,
	n.id AS newer_domain_id, n.host AS newer_host, n.port AS newer_port
FROM page p JOIN org_certificates oc ON oc.organization_id = @org AND oc.sha256 = p.served_sha256
	AND oc.superseded_by <> ''
%s
ORDER BY p.host, p.port, p.domain_id`

// firstServerSQL is the first domain (by host and port) serving the newer
// leaf: the first entry of the domains_leaf index for it.
const firstServerSQL = `SELECT %s FROM domains dd WHERE dd.organization_id = @org AND dd.state_leaf_sha256 = oc.superseded_by
	ORDER BY dd.host, dd.port, dd.id LIMIT 1`

// newerServerJoin joins each row to the first domain serving its newer
// leaf. PostgreSQL takes the domain's id, host and port off the
// domains_leaf entry itself, a LATERAL join, instead of looking the domain
// up again by id; SQLite, without LATERAL, finds the id and then the row.
func (s *Store) newerServerJoin() string {
	if s.dialect == Postgres {
		return "CROSS JOIN LATERAL (" + fmt.Sprintf(firstServerSQL, "dd.id, dd.host, dd.port") + ") n"
	}
	return "JOIN domains n ON n.id = (" + fmt.Sprintf(firstServerSQL, "dd.id") + ")"
}

// StaleEndpoints finds stale endpoints of the organization, one line per
// domain with the newest certificate that replaces it; domainID limits the
// search to one domain when not empty.
func (s *Store) StaleEndpoints(ctx context.Context, orgID, domainID string) ([]StaleEndpoint, error) {
	out := []StaleEndpoint{}
	// One statement per shape, so that neither plan has to serve both.
	onDomain := "TRUE"
	if domainID != "" {
		onDomain = "d.id = @domain"
	}
	err := s.db.WithContext(ctx).Raw(fmt.Sprintf(staleSQL, onDomain, s.newerServerJoin()),
		map[string]any{"org": orgID, "domain": domainID, "limit": maxStaleEndpoints}).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: stale endpoints: %w", err)
	}
	return out, nil
}
