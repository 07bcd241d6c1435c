package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RevocationSource is what the server last found at one CRL or OCSP
// responder URL the certificates of an organization name. Kind is
// revocation.SourceCRL or SourceOCSP; the CRL fields are empty for a
// responder. CRLNumber is decimal ("" when the CRL has none);
// NumberSince is when it last increased; RegressedFrom is the higher
// number recorded before a fetch returned a lower one. Judging these is
// the revocation package's.
type RevocationSource struct {
	OrganizationID string `gorm:"primaryKey"`
	Kind           string `gorm:"primaryKey"`
	URL            string `gorm:"column:url;primaryKey"`
	Issuer         string
	IssuerKeyID    string `gorm:"column:issuer_key_id"`
	CRLNumber      string `gorm:"column:crl_number"`
	NumberSince    *time.Time
	RegressedFrom  string
	ThisUpdate     *time.Time
	NextUpdate     *time.Time
	SizeBytes      int
	// AnsweredAt is when a CRL was last loaded or the responder last
	// answered; CheckedAt when it was last asked.
	AnsweredAt *time.Time
	CheckedAt  time.Time
	LastError  string
	Failures   int
	// AttentionAt is the earliest time the source may be unhealthy, set
	// by the revocation package; the alert evaluation reads the sources
	// past it.
	AttentionAt *time.Time
	UpdatedAt   time.Time
	// Origin is where the CRL or answer last came from: "fetched" by the
	// server, pushed by an "agent" (AgentID), or "uploaded" (then URL is
	// a pseudo-URL and DER the CRL, which nothing can fetch again).
	Origin  string
	AgentID string `gorm:"column:agent_id"`
	DER     []byte `gorm:"column:der"`
}

// ListedRevocationSource is a source as listed, with the name of the agent
// that pushed it ("" for none).
type ListedRevocationSource struct {
	RevocationSource `gorm:"embedded"`
	AgentName        string
}

// Origins of a revocation source.
const (
	OriginFetched  = "fetched"
	OriginAgent    = "agent"
	OriginUploaded = "uploaded"
)

// RevocationSourcesByURL returns the organization's records of the given
// URLs of one kind, by URL.
func (s *Store) RevocationSourcesByURL(ctx context.Context, orgID, kind string, urls []string) (map[string]RevocationSource, error) {
	out := make(map[string]RevocationSource, len(urls))
	for start := 0; start < len(urls); start += observationBatch {
		var rows []RevocationSource
		err := s.db.WithContext(ctx).Omit("der").Where("organization_id = ? AND kind = ? AND url IN ?", orgID, kind,
			urls[start:min(start+observationBatch, len(urls))]).Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("store: revocation sources: %w", err)
		}
		for _, r := range rows {
			out[r.URL] = r
		}
	}
	return out, nil
}

// SaveRevocationSource records what a fetch found.
func (s *Store) SaveRevocationSource(ctx context.Context, src RevocationSource) error {
	if src.Origin == "" {
		src.Origin = OriginFetched
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "organization_id"}, {Name: "kind"}, {Name: "url"}},
		UpdateAll: true,
	}).Create(&src).Error
	if err != nil {
		return fmt.Errorf("store: save revocation source %s: %w", src.URL, err)
	}
	return nil
}

// ListRevocationSources pages through the organization's CRLs and OCSP
// responders, CRLs first, by URL.
func (s *Store) ListRevocationSources(ctx context.Context, orgID string, page Page) ([]ListedRevocationSource, int64, error) {
	q := s.db.WithContext(ctx).Model(&RevocationSource{}).Where("revocation_sources.organization_id = ?", orgID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count revocation sources: %w", err)
	}
	var rows []ListedRevocationSource
	err := q.Select(sourceColumns + ", COALESCE(a.name, '') AS agent_name").
		Joins("LEFT JOIN agents a ON a.id = revocation_sources.agent_id AND a.organization_id = revocation_sources.organization_id").
		Order("kind, url").Limit(page.Limit()).Offset(page.Offset()).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("store: list revocation sources: %w", err)
	}
	return rows, total, nil
}

// sourceColumns are those a list reads: all but an uploaded CRL's DER.
const sourceColumns = `revocation_sources.organization_id, revocation_sources.kind, revocation_sources.url,
	revocation_sources.issuer, revocation_sources.issuer_key_id, revocation_sources.crl_number, revocation_sources.number_since,
	revocation_sources.regressed_from, revocation_sources.this_update, revocation_sources.next_update,
	revocation_sources.size_bytes, revocation_sources.answered_at, revocation_sources.checked_at, revocation_sources.last_error,
	revocation_sources.failures, revocation_sources.attention_at, revocation_sources.updated_at, revocation_sources.origin,
	revocation_sources.agent_id`

// UploadedCRLs returns the organization's uploaded CRLs, DER included.
func (s *Store) UploadedCRLs(ctx context.Context, orgID string) ([]RevocationSource, error) {
	var rows []RevocationSource
	err := s.db.WithContext(ctx).Where("organization_id = ? AND origin = ?", orgID, OriginUploaded).
		Order("url").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: uploaded CRLs: %w", err)
	}
	return rows, nil
}

// pruneRevocationSources forgets the CRLs and responders no certificate
// status names any more, so that the table follows the statuses, which
// follow what is served; uploaded CRLs stay, as a user put them there.
func (s *Store) pruneRevocationSources(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where(`origin <> 'uploaded' AND NOT EXISTS (SELECT 1 FROM revocation_status rs
		WHERE rs.organization_id = revocation_sources.organization_id
		AND ((revocation_sources.kind = 'crl' AND rs.crl_url = revocation_sources.url)
		  OR (revocation_sources.kind = 'ocsp' AND rs.ocsp_url = revocation_sources.url)))`).
		Delete(&RevocationSource{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: prune revocation sources: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// SaveUploadedCRL records a CRL a user uploaded, with an audit entry in
// the same transaction.
func (s *Store) SaveUploadedCRL(ctx context.Context, src RevocationSource) error {
	src.Origin = OriginUploaded
	details := map[string]any{"issuer": src.Issuer, "crl_number": src.CRLNumber, "next_update": src.NextUpdate}
	err := s.change(ctx, src.OrganizationID, "revocation_source.upload", "revocation_source", details, func(tx *gorm.DB) (string, error) {
		return src.URL, tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "organization_id"}, {Name: "kind"}, {Name: "url"}},
			UpdateAll: true,
		}).Create(&src).Error
	})
	if err != nil {
		return fmt.Errorf("store: save uploaded CRL %s: %w", src.URL, err)
	}
	return nil
}

// OrgCertificatesDER returns the DER of up to limit certificates the
// organization serves now: where the issuer of an uploaded CRL is looked
// for.
func (s *Store) OrgCertificatesDER(ctx context.Context, orgID string, limit int) ([][]byte, error) {
	var rows []struct {
		DER []byte `gorm:"column:der"`
	}
	err := s.db.WithContext(ctx).Table("org_certificates oc").Select("c.der").Joins("JOIN certificates c ON c.sha256 = oc.sha256").
		Where("oc.organization_id = ? AND oc.serving > 0", orgID).Order("oc.sha256").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: certificates of %s: %w", orgID, err)
	}
	out := make([][]byte, len(rows))
	for i, r := range rows {
		out[i] = r.DER
	}
	return out, nil
}
