package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// RenewalInfo is what the issuing CA said of one certificate an
// organization serves (ACME Renewal Information). DirectoryURL is "" when
// no known CA issued it; WindowStart and WindowEnd are nil until the CA
// answered. PreviousStart and PreviousEnd hold the window before the
// last change.
type RenewalInfo struct {
	OrganizationID string `gorm:"primaryKey"`
	SHA256         string `gorm:"column:sha256;primaryKey"`
	DirectoryURL   string `gorm:"column:directory_url"`
	WindowStart    *time.Time
	WindowEnd      *time.Time
	ExplanationURL string `gorm:"column:explanation_url"`
	PreviousStart  *time.Time
	PreviousEnd    *time.Time
	FetchedAt      *time.Time
	NextFetchAt    time.Time
	Failures       int
	LastError      string
}

// TableName keeps the singular name the migration gave the table.
func (RenewalInfo) TableName() string { return "renewal_info" }

// RenewalLookup is a certificate due for a lookup, with its DER and what
// is known of it so far (the zero RenewalInfo the first time).
type RenewalLookup struct {
	OrganizationID string
	SHA256         string      `gorm:"column:sha256"`
	DER            []byte      `gorm:"column:der"`
	Known          RenewalInfo `gorm:"-"`
}

// DueRenewalLookups lists up to limit leaves that some organization's
// domain serves now, that have not expired, and whose renewal information
// was never looked up or is due again.
func (s *Store) DueRenewalLookups(ctx context.Context, limit int) ([]RenewalLookup, error) {
	now := s.now()
	var rows []struct {
		RenewalLookup `gorm:"embedded"`
		Known         RenewalInfo `gorm:"embedded;embeddedPrefix:ri_"`
	}
	err := s.db.WithContext(ctx).Table("org_certificates oc").
		Select(`oc.organization_id, oc.sha256, c.der,
			ri.organization_id AS ri_organization_id, ri.sha256 AS ri_sha256, ri.directory_url AS ri_directory_url,
			ri.window_start AS ri_window_start, ri.window_end AS ri_window_end, ri.explanation_url AS ri_explanation_url,
			ri.previous_start AS ri_previous_start, ri.previous_end AS ri_previous_end, ri.fetched_at AS ri_fetched_at,
			ri.next_fetch_at AS ri_next_fetch_at, ri.failures AS ri_failures, ri.last_error AS ri_last_error`).
		Joins("JOIN certificates c ON c.sha256 = oc.sha256").
		Joins("LEFT JOIN renewal_info ri ON ri.organization_id = oc.organization_id AND ri.sha256 = oc.sha256").
		Where("oc.leaf_serving > 0 AND oc.not_after > ? AND (ri.sha256 IS NULL OR ri.next_fetch_at <= ?)", now, now).
		Order("oc.organization_id, oc.sha256").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: due renewal lookups: %w", err)
	}
	out := make([]RenewalLookup, len(rows))
	for i, r := range rows {
		out[i] = r.RenewalLookup
		if r.Known.SHA256 != "" {
			out[i].Known = r.Known
		}
	}
	return out, nil
}

// PruneRenewalInfo forgets what was known of certificates no domain of
// their organization serves any more (renewed, or their domains deleted),
// so that the table follows what is served, not what ever was.
func (s *Store) PruneRenewalInfo(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where(`NOT EXISTS (SELECT 1 FROM org_certificates oc
		WHERE oc.organization_id = renewal_info.organization_id AND oc.sha256 = renewal_info.sha256 AND oc.leaf_serving > 0)`).
		Delete(&RenewalInfo{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: prune renewal info: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// SaveRenewalInfo records the outcome of a lookup.
func (s *Store) SaveRenewalInfo(ctx context.Context, ri RenewalInfo) error {
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "organization_id"}, {Name: "sha256"}},
		UpdateAll: true,
	}).Create(&ri).Error
	if err != nil {
		return fmt.Errorf("store: save renewal info %s: %w", ri.SHA256, err)
	}
	return nil
}

// RenewalWindows returns the CA's suggested windows for those of the given
// certificates the organization has one for, by SHA-256.
func (s *Store) RenewalWindows(ctx context.Context, orgID string, sha256s []string) (map[string]RenewalInfo, error) {
	out := make(map[string]RenewalInfo)
	for start := 0; start < len(sha256s); start += observationBatch {
		chunk := sha256s[start:min(start+observationBatch, len(sha256s))]
		var rows []RenewalInfo
		err := s.db.WithContext(ctx).Where("organization_id = ? AND sha256 IN ? AND window_start IS NOT NULL", orgID, chunk).
			Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("store: renewal windows: %w", err)
		}
		for _, r := range rows {
			out[r.SHA256] = r
		}
	}
	return out, nil
}

// RenewalInfoOf returns what is known of the certificate's renewal
// information for the organization, window or not, or ErrNotFound when
// it was never looked at or its issuer has no known ACME directory.
func (s *Store) RenewalInfoOf(ctx context.Context, orgID, sha256 string) (RenewalInfo, error) {
	var ri RenewalInfo
	err := s.db.WithContext(ctx).Where("organization_id = ? AND sha256 = ? AND directory_url <> ''", orgID, sha256).Take(&ri).Error
	if err != nil {
		return RenewalInfo{}, fmt.Errorf("store: renewal info %s: %w", sha256, notFound(err))
	}
	return ri, nil
}

// DomainsServingLeaf lists the organization's domains whose current chain
// starts with the certificate.
func (s *Store) DomainsServingLeaf(ctx context.Context, orgID, sha256 string) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Table("domain_chains dc").Joins("JOIN domains d ON d.id = dc.domain_id").
		Where("dc.sha256 = ? AND dc.position = 0 AND d.organization_id = ?", sha256, orgID).
		Order("d.id").Pluck("d.id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: domains serving %s: %w", sha256, err)
	}
	return ids, nil
}
