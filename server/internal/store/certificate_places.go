package store

import (
	"context"
	"fmt"
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
// certificate now. One short query per certificate, each a range of the
// (sha256, domain_id) index, so a CA certificate behind every domain costs
// no more than a leaf behind one.
func (s *Store) FirstServers(ctx context.Context, orgID string, shas []string, n int) (map[string][]ServingDomain, error) {
	out := map[string][]ServingDomain{}
	for _, sha := range shas {
		var list []ServingDomain
		err := s.db.WithContext(ctx).Table("domain_chains dc").
			Select("d.id AS domain_id, d.host, d.port, d.protocol, dc.position").
			Joins("JOIN domains d ON d.id = dc.domain_id").
			Where("dc.sha256 = ? AND d.organization_id = ?", sha, orgID).
			Order("dc.domain_id").Limit(n).Find(&list).Error
		if err != nil {
			return nil, fmt.Errorf("store: servers of certificate %s: %w", sha, err)
		}
		out[sha] = list
	}
	return out, nil
}
