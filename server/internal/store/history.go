package store

import (
	"context"
	"fmt"
	"time"
)

// ChainEntry is one certificate of an observed chain, in presented order.
type ChainEntry struct {
	Position  int
	SHA256    string `gorm:"column:sha256"`
	Subject   string
	Issuer    string
	Serial    string
	NotBefore time.Time
	NotAfter  time.Time
}

// ServedCertificate is a leaf a domain served, from when to when.
type ServedCertificate struct {
	SHA256    string `gorm:"column:sha256"`
	Subject   string
	Issuer    string
	NotAfter  time.Time
	FirstSeen time.Time
	LastSeen  time.Time
	Count     int
}

// ObservationChain lists the chain of one observation of the organization.
func (s *Store) ObservationChain(ctx context.Context, orgID, observationID string) ([]ChainEntry, error) {
	var out []ChainEntry
	err := s.db.WithContext(ctx).Table("observation_certificates oc").
		Select("oc.position, c.sha256, c.subject, c.issuer, c.serial, c.not_before, c.not_after").
		Joins("JOIN observations o ON o.id = oc.observation_id").
		Joins("JOIN certificates c ON c.sha256 = oc.sha256").
		Where("o.organization_id = ? AND oc.observation_id = ?", orgID, observationID).
		Order("oc.position").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: chain of observation %s: %w", observationID, err)
	}
	return out, nil
}

// DomainHistory lists every leaf certificate a domain served, newest first,
// with how many checks saw it: a sample counts every check it stands for.
func (s *Store) DomainHistory(ctx context.Context, orgID, domainID string) ([]ServedCertificate, error) {
	var rows []struct {
		ServedCertificate
		FirstSeen scanTime
		LastSeen  scanTime
	}
	err := s.db.WithContext(ctx).Table("observations o").
		Select("c.sha256, c.subject, c.issuer, c.not_after, MIN(o.observed_at) AS first_seen, MAX(COALESCE(o.last_observed_at, o.observed_at)) AS last_seen, SUM(o.checks) AS count").
		Joins("JOIN certificates c ON c.sha256 = o.leaf_sha256").
		Where("o.organization_id = ? AND o.domain_id = ? AND o.leaf_sha256 <> ''", orgID, domainID).
		Group("c.sha256, c.subject, c.issuer, c.not_after").
		Order("last_seen DESC").Limit(200).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: history of domain %s: %w", domainID, err)
	}
	out := make([]ServedCertificate, len(rows))
	for i, r := range rows {
		out[i] = r.ServedCertificate
		out[i].FirstSeen, out[i].LastSeen = r.FirstSeen.Time, r.LastSeen.Time
	}
	return out, nil
}

// GetObservation loads one observation of the organization.
func (s *Store) GetObservation(ctx context.Context, orgID, id string) (Observation, error) {
	var o Observation
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&o).Error; err != nil {
		return Observation{}, fmt.Errorf("store: observation %s: %w", id, notFound(err))
	}
	return o, nil
}

// DomainChanges lists the certificate changes of a domain, newest first.
func (s *Store) DomainChanges(ctx context.Context, orgID, domainID string, limit int) ([]CertificateChange, error) {
	var out []CertificateChange
	err := s.db.WithContext(ctx).Where("organization_id = ? AND domain_id = ?", orgID, domainID).
		Order("observed_at DESC, id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: changes of domain %s: %w", domainID, err)
	}
	return out, nil
}

// DomainErrors lists the latest failed samples of a domain, the most
// recently seen first; a run of the same failure is one sample.
func (s *Store) DomainErrors(ctx context.Context, orgID, domainID string, limit int) ([]Observation, error) {
	var out []Observation
	err := s.db.WithContext(ctx).Where("organization_id = ? AND domain_id = ? AND error <> ''", orgID, domainID).
		Order("COALESCE(last_observed_at, observed_at) DESC, id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: errors of domain %s: %w", domainID, err)
	}
	return out, nil
}

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

// StaleEndpoints finds stale endpoints of the organization; domainID limits
// the search to one domain when not empty.
func (s *Store) StaleEndpoints(ctx context.Context, orgID, domainID string) ([]StaleEndpoint, error) {
	q := s.db.WithContext(ctx).Table("domains d").
		Select(`d.id AS domain_id, d.host, d.port, n.name, c.sha256 AS served_sha256,
			c2.sha256 AS newer_sha256, d2.id AS newer_domain_id, d2.host AS newer_host, d2.port AS newer_port`).
		Joins("JOIN domain_states s ON s.domain_id = d.id AND s.leaf_sha256 <> ''").
		Joins("JOIN certificates c ON c.sha256 = s.leaf_sha256").
		Joins("JOIN certificate_names n ON n.sha256 = c.sha256").
		Joins("JOIN certificate_names n2 ON n2.name = n.name AND n2.sha256 <> n.sha256").
		Joins("JOIN certificates c2 ON c2.sha256 = n2.sha256 AND c2.subject = c.subject AND c2.not_before > c.not_before AND c2.not_after > c.not_after").
		Joins("JOIN domain_states s2 ON s2.leaf_sha256 = c2.sha256").
		Joins("JOIN domains d2 ON d2.id = s2.domain_id AND d2.organization_id = d.organization_id").
		Where("d.organization_id = ?", orgID)
	if domainID != "" {
		q = q.Where("d.id = ?", domainID)
	}
	var rows []StaleEndpoint
	if err := q.Order("d.host, d.port, c2.not_before DESC").Limit(1000).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: stale endpoints: %w", err)
	}
	// One line per stale domain: the newest certificate that replaces it.
	out := rows[:0]
	seen := make(map[string]bool)
	for _, r := range rows {
		if !seen[r.DomainID] {
			seen[r.DomainID] = true
			out = append(out, r)
		}
	}
	return out, nil
}
