package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RevocationStatus is what the server last found of one certificate an
// organization serves: revoked or not, by OCSP or CRL. State is one of
// revocation.State; LastError says why it is unavailable.
type RevocationStatus struct {
	OrganizationID string `gorm:"primaryKey"`
	SHA256         string `gorm:"column:sha256;primaryKey"`
	State          string
	Source         string
	RevokedAt      *time.Time
	Reason         string
	CheckedAt      *time.Time
	ThisUpdate     *time.Time
	NextUpdate     *time.Time
	NextCheckAt    time.Time
	Failures       int
	LastError      string
	// CRLURL and OCSPURL are the URLs the certificate names, which keep
	// their revocation_sources rows.
	CRLURL  string `gorm:"column:crl_url"`
	OCSPURL string `gorm:"column:ocsp_url"`
	// StapleSHA256 keys the OCSP response last stapled with the
	// certificate, which needs no verifying again before StapleRecheckAt;
	// StapleError says why it was not trusted.
	StapleSHA256    string `gorm:"column:staple_sha256"`
	StapleError     string
	StapleRecheckAt *time.Time
}

// TableName keeps the singular name the migration gave the table.
func (RevocationStatus) TableName() string { return "revocation_status" }

// RevocationCheck is a certificate due for a check, with the certificate
// that issued it as a chain of the organization serves it (nil when none
// does), and what is known of it so far (the zero value the first time).
type RevocationCheck struct {
	OrganizationID string
	SHA256         string  `gorm:"column:sha256"`
	DER            []byte  `gorm:"column:der"`
	IssuerSHA256   *string `gorm:"column:issuer_sha256"`
	IssuerDER      []byte  `gorm:"-"`
	// AgentID and AgentName name an agent of the organization checking a
	// domain that serves the certificate (nil when only the server
	// does): the one that can reach what the server may not.
	AgentID   *string          `gorm:"column:agent_id"`
	AgentName *string          `gorm:"-"`
	Known     RevocationStatus `gorm:"-"`
}

// servedIssuer picks, for the certificate of org_certificates oc, the
// certificate that follows it in a chain one of the organization's
// domains serves: the issuer as the organization's servers present it.
const servedIssuer = `(SELECT MIN(nx.sha256) FROM domain_chains dc
	JOIN domain_chains nx ON nx.domain_id = dc.domain_id AND nx.position = dc.position + 1
	WHERE dc.organization_id = oc.organization_id AND dc.sha256 = oc.sha256)`

// revocationPending is the state of a status row not checked yet
// (revocation.StatePending, which this package cannot import).
const revocationPending = "pending"

// addRevocationRows gives the certificates of shas the organization now
// serves a status row, due at once, unless they have one: leaves and
// intermediates that have not expired (self-issued roots are not checked).
// With a row from the first sight, the refresher finds what is due on
// the next_check_at index alone. shas are sorted, like every write
// concurrent batches share.
func addRevocationRows(tx *gorm.DB, orgID string, shas []string, now time.Time) error {
	for start := 0; start < len(shas); start += certificateBatch {
		err := tx.Exec(`INSERT INTO revocation_status (organization_id, sha256, state, next_check_at)
			SELECT organization_id, sha256, ?, ? FROM org_certificates
			WHERE organization_id = ? AND sha256 IN ? AND serving > 0 AND not_after > ? AND subject <> issuer
			ORDER BY sha256
			ON CONFLICT (organization_id, sha256) DO NOTHING`,
			revocationPending, now, orgID, shas[start:min(start+certificateBatch, len(shas))], now).Error
		if err != nil {
			return fmt.Errorf("revocation rows: %w", err)
		}
	}
	return nil
}

// servedAgent picks, for the certificate of org_certificates oc, an agent
// of the organization that checks a domain serving it.
const servedAgent = `(SELECT MIN(d.agent_id) FROM domain_chains dc
	JOIN domains d ON d.id = dc.domain_id
	WHERE dc.organization_id = oc.organization_id AND dc.sha256 = oc.sha256 AND d.agent_id IS NOT NULL)`

// DueRevocationChecks lists up to limit status rows due for a check, of
// leaves and intermediates some organization's domain serves now and that
// have not expired. Only due rows are read (by the next_check_at index),
// and they are taken in turns across organizations: every organization's
// most overdue row, then every second one, and so on, so that one
// organization's backlog does not starve the others.
func (s *Store) DueRevocationChecks(ctx context.Context, limit int) ([]RevocationCheck, error) {
	due := s.db.Table("revocation_status").
		Select("*, ROW_NUMBER() OVER (PARTITION BY organization_id ORDER BY next_check_at, sha256) AS turn").
		Where("next_check_at <= ?", s.now())
	return s.revocationChecks(ctx, s.db.Table("(?) rs", due), "rs.turn, rs.next_check_at, rs.organization_id, rs.sha256", limit)
}

// RevocationChecksNaming lists the organization's served certificates
// whose last check asked the CRL (kind "crl") or responder ("ocsp") at
// url, at most limit of them.
func (s *Store) RevocationChecksNaming(ctx context.Context, orgID, kind, url string, limit int) ([]RevocationCheck, error) {
	column := "rs.crl_url"
	if kind == "ocsp" {
		column = "rs.ocsp_url"
	}
	rows := s.db.Table("revocation_status rs").Where("rs.organization_id = ? AND "+column+" = ?", orgID, url)
	return s.revocationChecks(ctx, rows, "rs.sha256", limit)
}

// RevocationCheckOf returns one served certificate of the organization,
// ErrNotFound when it serves no such certificate.
func (s *Store) RevocationCheckOf(ctx context.Context, orgID, sha256 string) (RevocationCheck, error) {
	row := s.db.Table("revocation_status rs").Where("rs.organization_id = ? AND rs.sha256 = ?", orgID, sha256)
	found, err := s.revocationChecks(ctx, row, "rs.sha256", 1)
	if err != nil {
		return RevocationCheck{}, err
	}
	if len(found) == 0 {
		return RevocationCheck{}, fmt.Errorf("store: revocation check %s: %w", sha256, ErrNotFound)
	}
	return found[0], nil
}

// revocationChecks lists up to limit of the status rows of from (a
// query aliased rs), in order, whose certificates are served now and
// have not expired, with their served issuer and agent.
func (s *Store) revocationChecks(ctx context.Context, from *gorm.DB, order string, limit int) ([]RevocationCheck, error) {
	now := s.now()
	var rows []struct {
		RevocationCheck `gorm:"embedded"`
		Known           RevocationStatus `gorm:"embedded;embeddedPrefix:rs_"`
	}
	err := from.WithContext(ctx).
		Select(`rs.organization_id, rs.sha256, c.der, `+servedIssuer+` AS issuer_sha256, `+servedAgent+` AS agent_id,
			rs.organization_id AS rs_organization_id, rs.sha256 AS rs_sha256, rs.state AS rs_state, rs.source AS rs_source,
			rs.revoked_at AS rs_revoked_at, rs.reason AS rs_reason, rs.checked_at AS rs_checked_at,
			rs.this_update AS rs_this_update, rs.next_update AS rs_next_update, rs.next_check_at AS rs_next_check_at,
			rs.failures AS rs_failures, rs.last_error AS rs_last_error, rs.crl_url AS rs_crl_url, rs.ocsp_url AS rs_ocsp_url,
			rs.staple_sha256 AS rs_staple_sha256, rs.staple_error AS rs_staple_error, rs.staple_recheck_at AS rs_staple_recheck_at`).
		Joins("JOIN org_certificates oc ON oc.organization_id = rs.organization_id AND oc.sha256 = rs.sha256").
		Joins("JOIN certificates c ON c.sha256 = rs.sha256").
		Where("oc.serving > 0 AND oc.not_after > ?", now).
		Order(order).Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: revocation checks: %w", err)
	}
	out := make([]RevocationCheck, len(rows))
	var issuers []string
	for i, r := range rows {
		out[i] = r.RevocationCheck
		out[i].Known = r.Known
		if r.IssuerSHA256 != nil {
			issuers = append(issuers, *r.IssuerSHA256)
		}
	}
	der, err := s.certificateDER(ctx, issuers)
	if err != nil {
		return nil, fmt.Errorf("store: revocation checks: %w", err)
	}
	if err := s.agentNames(ctx, out); err != nil {
		return nil, fmt.Errorf("store: revocation checks: %w", err)
	}
	for i := range out {
		if out[i].IssuerSHA256 != nil {
			out[i].IssuerDER = der[*out[i].IssuerSHA256]
		}
	}
	return out, nil
}

// agentNames fills in the names of the checks' agents.
func (s *Store) agentNames(ctx context.Context, checks []RevocationCheck) error {
	var ids []string
	for _, c := range checks {
		if c.AgentID != nil && !slices.Contains(ids, *c.AgentID) {
			ids = append(ids, *c.AgentID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []struct{ ID, Name string }
	if err := s.db.WithContext(ctx).Table("agents").Select("id, name").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return fmt.Errorf("agent names: %w", err)
	}
	for i := range checks {
		for _, r := range rows {
			if checks[i].AgentID != nil && *checks[i].AgentID == r.ID {
				checks[i].AgentName = &r.Name
			}
		}
	}
	return nil
}

// certificateDER reads the DER of the given certificates, by SHA-256.
func (s *Store) certificateDER(ctx context.Context, sha256s []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(sha256s))
	for start := 0; start < len(sha256s); start += observationBatch {
		var rows []struct {
			SHA256 string `gorm:"column:sha256"`
			DER    []byte `gorm:"column:der"`
		}
		err := s.db.WithContext(ctx).Table("certificates").Select("sha256, der").
			Where("sha256 IN ?", sha256s[start:min(start+observationBatch, len(sha256s))]).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("certificate DER: %w", err)
		}
		for _, r := range rows {
			out[r.SHA256] = r.DER
		}
	}
	return out, nil
}

// SaveRevocationStatus records the outcome of a check.
func (s *Store) SaveRevocationStatus(ctx context.Context, rs RevocationStatus) error {
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "organization_id"}, {Name: "sha256"}},
		UpdateAll: true,
	}).Create(&rs).Error
	if err != nil {
		return fmt.Errorf("store: save revocation status %s: %w", rs.SHA256, err)
	}
	return nil
}

// PruneRevocationStatus forgets the status of certificates no domain of
// their organization serves any more, or that expired, so that the table
// follows what is served and checked, not what ever was (and no row stays
// due for ever), and then the CRLs and responders only they named.
func (s *Store) PruneRevocationStatus(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where(`NOT EXISTS (SELECT 1 FROM org_certificates oc
		WHERE oc.organization_id = revocation_status.organization_id AND oc.sha256 = revocation_status.sha256
		AND oc.serving > 0 AND oc.not_after > ?)`, s.now()).
		Delete(&RevocationStatus{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: prune revocation status: %w", res.Error)
	}
	sources, err := s.pruneRevocationSources(ctx)
	if err != nil {
		return res.RowsAffected, err
	}
	fetches, err := s.pruneRevocationFetches(ctx)
	return res.RowsAffected + sources + fetches, err
}

// RevocationStatuses returns the organization's known statuses of those of
// the given certificates it has one for, by SHA-256.
func (s *Store) RevocationStatuses(ctx context.Context, orgID string, sha256s []string) (map[string]RevocationStatus, error) {
	return s.revocationStatuses(ctx, orgID, sha256s, "")
}

// RevokedOrStapled returns the statuses of those of the given
// certificates the organization knows revoked or saw stapled, by SHA-256:
// what judging a chain and reading its staple need, in fewer rows than
// every status. "revoked" is revocation.StateRevoked, which this package
// cannot import.
func (s *Store) RevokedOrStapled(ctx context.Context, orgID string, sha256s []string) (map[string]RevocationStatus, error) {
	return s.revocationStatuses(ctx, orgID, sha256s, "state = 'revoked' OR staple_sha256 <> ''")
}

// revocationStatuses reads statuses in chunks, those matching where
// unless it is "".
func (s *Store) revocationStatuses(ctx context.Context, orgID string, sha256s []string, where string) (map[string]RevocationStatus, error) {
	out := make(map[string]RevocationStatus)
	for start := 0; start < len(sha256s); start += observationBatch {
		q := s.db.WithContext(ctx).Where("organization_id = ? AND sha256 IN ?", orgID, sha256s[start:min(start+observationBatch, len(sha256s))])
		if where != "" {
			q = q.Where(where)
		}
		var rows []RevocationStatus
		if err := q.Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("store: revocation statuses: %w", err)
		}
		for _, r := range rows {
			out[r.SHA256] = r
		}
	}
	return out, nil
}
