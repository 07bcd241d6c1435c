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
	return s.domainSamples(ctx, orgID, domainID, "error <> ''", limit)
}

// DomainSamples lists the latest samples of a domain, failed or not, the
// most recently seen first: each stands for a run of identical checks, so
// a few cover the whole retention of a domain that rarely changes.
func (s *Store) DomainSamples(ctx context.Context, orgID, domainID string, limit int) ([]Observation, error) {
	return s.domainSamples(ctx, orgID, domainID, "1 = 1", limit)
}

func (s *Store) domainSamples(ctx context.Context, orgID, domainID, cond string, limit int) ([]Observation, error) {
	var out []Observation
	err := s.db.WithContext(ctx).Where("organization_id = ? AND domain_id = ? AND "+cond, orgID, domainID).
		Order("COALESCE(last_observed_at, observed_at) DESC, id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: samples of domain %s: %w", domainID, err)
	}
	return out, nil
}
