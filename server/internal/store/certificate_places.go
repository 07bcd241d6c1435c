package store

import (
	"context"
	"fmt"
	"time"
)

// CertificateNames lists the DNS names each certificate covers, sorted.
// Names belong to the certificate, not to a tenant: callers pass the
// fingerprints of a page of the organization's own inventory.
func (s *Store) CertificateNames(ctx context.Context, shas []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(shas) == 0 {
		return out, nil
	}
	var rows []struct{ SHA256, Name string }
	err := s.db.WithContext(ctx).Table("certificate_names").Select("sha256, name").
		Where("sha256 IN ?", shas).Order("sha256, name").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: names of certificates: %w", err)
	}
	for _, r := range rows {
		out[r.SHA256] = append(out[r.SHA256], r.Name)
	}
	return out, nil
}

// FirstServers lists up to n of the organization's domains serving each
// certificate now, the first by domain id. Each certificate's are a range
// of the (organization_id, sha256, domain_id) index, so a CA certificate
// behind every domain costs no more than a leaf behind one, whatever other
// organizations it serves: through the (sha256, domain_id) index, a CA
// shared by 10,000 organizations had each page read the chain rows of all
// of them (2 to 5 s a page at 1,000,000 domains). On PostgreSQL one statement reads
// every certificate's range (a lateral join): a query per certificate cost
// a round trip each, a hundred per page of the inventory. SQLite, in the
// server's process, has no round trip to save.
func (s *Store) FirstServers(ctx context.Context, orgID string, shas []string, n int) (map[string][]ServingDomain, error) {
	out := map[string][]ServingDomain{}
	if len(shas) == 0 {
		return out, nil
	}
	if s.dialect == Postgres {
		var rows []struct {
			SHA256 string `gorm:"column:sha256"`
			ServingDomain
		}
		err := s.db.WithContext(ctx).Raw(`SELECT oc.sha256, f.* FROM org_certificates oc CROSS JOIN LATERAL (
			SELECT d.id AS domain_id, d.host, d.port, d.protocol, dc.position FROM domain_chains dc JOIN domains d ON d.id = dc.domain_id
			WHERE dc.organization_id = oc.organization_id AND dc.sha256 = oc.sha256 ORDER BY dc.domain_id LIMIT ?) AS f
			WHERE oc.organization_id = ? AND oc.sha256 IN ? ORDER BY oc.sha256, f.domain_id, f.position`, n, orgID, shas).
			Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("store: servers of certificates: %w", err)
		}
		for _, sha := range shas {
			out[sha] = []ServingDomain{}
		}
		for _, r := range rows {
			out[r.SHA256] = append(out[r.SHA256], r.ServingDomain)
		}
		return out, nil
	}
	for _, sha := range shas {
		var list []ServingDomain
		err := s.db.WithContext(ctx).Table("domain_chains dc").
			Select("d.id AS domain_id, d.host, d.port, d.protocol, dc.position").
			Joins("JOIN domains d ON d.id = dc.domain_id").
			Where("dc.organization_id = ? AND dc.sha256 = ?", orgID, sha).
			Order("dc.domain_id").Limit(n).Find(&list).Error
		if err != nil {
			return nil, fmt.Errorf("store: servers of certificate %s: %w", sha, err)
		}
		out[sha] = list
	}
	return out, nil
}

// CertificateServing is one endpoint that served a certificate as its
// leaf: when first and last (within sample retention), how many checks,
// and, if it moved on, when and to which certificate.
type CertificateServing struct {
	DomainID   string
	Host       string
	Port       int
	Protocol   string
	FirstSeen  time.Time
	LastSeen   time.Time
	Checks     int
	ReplacedAt *time.Time
	ReplacedBy string
}

// CertificateHistory lists the organization's endpoints that served a
// certificate as their leaf, the most recently seen first, from the kept
// samples and the recorded changes (both ranges of the indexes of
// migration 00052).
func (s *Store) CertificateHistory(ctx context.Context, orgID, sha256 string) ([]CertificateServing, error) {
	var rows []struct {
		DomainID, Host, Protocol string
		Port                     int
		FirstSeen, LastSeen      scanTime
		Checks                   int
	}
	err := s.db.WithContext(ctx).Table("observations o").
		Select("o.domain_id, d.host, d.port, d.protocol, MIN(o.observed_at) AS first_seen, MAX(COALESCE(o.last_observed_at, o.observed_at)) AS last_seen, SUM(o.checks) AS checks").
		Joins("JOIN domains d ON d.id = o.domain_id AND d.organization_id = o.organization_id").
		Where("o.organization_id = ? AND o.leaf_sha256 = ?", orgID, sha256).
		Group("o.domain_id, d.host, d.port, d.protocol").Order("last_seen DESC").Limit(200).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: history of certificate %s: %w", sha256, err)
	}
	var changes []CertificateChange
	err = s.db.WithContext(ctx).Where("organization_id = ? AND old_sha256 = ?", orgID, sha256).Order("observed_at").Find(&changes).Error
	if err != nil {
		return nil, fmt.Errorf("store: replacements of certificate %s: %w", sha256, err)
	}
	out := make([]CertificateServing, len(rows))
	for i, r := range rows {
		out[i] = CertificateServing{DomainID: r.DomainID, Host: r.Host, Port: r.Port, Protocol: r.Protocol,
			FirstSeen: r.FirstSeen.Time, LastSeen: r.LastSeen.Time, Checks: r.Checks}
		// The last replacement after it was last seen is the one that stuck.
		for _, ch := range changes {
			if ch.DomainID == r.DomainID && !ch.ObservedAt.Before(r.LastSeen.Time) {
				at := ch.ObservedAt
				out[i].ReplacedAt, out[i].ReplacedBy = &at, ch.NewSHA256
				break
			}
		}
	}
	return out, nil
}
