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

// staleSQL works on certificates, not endpoints: the organization's served
// leaves (from the inventory summary) with their names; per name and
// subject the newest of them; a leaf is stale when that newest one was
// issued after it and also outlives it. Each leaf is then joined to the
// domains serving it, and each domain keeps its newest replacement, shown
// on the first domain (by host and port) that serves it. Every step is
// linear in served leaves and their names, however many endpoints share a
// name.
const staleSQL = `
WITH served AS (
	SELECT oc.sha256, oc.subject, oc.not_before, oc.not_after, n.name
	FROM org_certificates oc JOIN certificate_names n ON n.sha256 = oc.sha256
	WHERE oc.organization_id = @org AND oc.leaf_serving > 0
), ranked AS (
	SELECT served.*, ROW_NUMBER() OVER (PARTITION BY name, subject
		ORDER BY not_before DESC, not_after DESC, sha256) AS place
	FROM served
), stale AS (
	SELECT s.sha256 AS served_sha256, s.name, n.sha256 AS newer_sha256, n.not_before AS newer_not_before
	FROM served s JOIN ranked n ON n.place = 1 AND n.name = s.name AND n.subject = s.subject
	WHERE n.not_before > s.not_before AND n.not_after > s.not_after
), per_domain AS (
	SELECT d.id AS domain_id, d.host, d.port, st.name, st.served_sha256, st.newer_sha256,
		ROW_NUMBER() OVER (PARTITION BY d.id ORDER BY st.newer_not_before DESC, st.name) AS place
	FROM stale st
	JOIN domain_states s ON s.leaf_sha256 = st.served_sha256
	JOIN domains d ON d.id = s.domain_id AND d.organization_id = @org
	WHERE @domain = '' OR d.id = @domain
)
SELECT p.domain_id, p.host, p.port, p.name, p.served_sha256, p.newer_sha256,
	d2.id AS newer_domain_id, d2.host AS newer_host, d2.port AS newer_port
FROM (SELECT * FROM per_domain WHERE place = 1 ORDER BY host, port, domain_id LIMIT @limit) p
JOIN domains d2 ON d2.id = (SELECT s2.domain_id FROM domain_states s2 JOIN domains dd ON dd.id = s2.domain_id
	WHERE s2.leaf_sha256 = p.newer_sha256 AND dd.organization_id = @org
	ORDER BY dd.host, dd.port, dd.id LIMIT 1)
ORDER BY p.host, p.port, p.domain_id`

// StaleEndpoints finds stale endpoints of the organization, one line per
// domain with the newest certificate that replaces it; domainID limits the
// search to one domain when not empty.
func (s *Store) StaleEndpoints(ctx context.Context, orgID, domainID string) ([]StaleEndpoint, error) {
	out := []StaleEndpoint{}
	err := s.db.WithContext(ctx).Raw(staleSQL, map[string]any{"org": orgID, "domain": domainID, "limit": maxStaleEndpoints}).
		Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: stale endpoints: %w", err)
	}
	return out, nil
}
