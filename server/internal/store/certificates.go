package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// inOrgInventory limits certificates to those the organization has seen:
// certificates are stored once for everyone, but each tenant sees its own.
const inOrgInventory = `EXISTS (SELECT 1 FROM org_certificates oc
	WHERE oc.sha256 = certificates.sha256 AND oc.organization_id = ?)`

// KnownCertificateBySKI finds a certificate of the organization's inventory
// by subject key ID, with its DER, or ErrNotFound.
func (s *Store) KnownCertificateBySKI(ctx context.Context, orgID, ski string) (Certificate, error) {
	var c Certificate
	err := s.db.WithContext(ctx).Where("subject_key_id = ? AND "+inOrgInventory, ski, orgID).Take(&c).Error
	if err != nil {
		return Certificate{}, fmt.Errorf("store: certificate by key id: %w", notFound(err))
	}
	return c, nil
}

// InventoryItem is a certificate as the organization's inventory lists it.
type InventoryItem struct {
	Certificate `gorm:"embedded"`
	FirstSeen   scanTime
	LastSeen    scanTime
	// Serving counts the organization's domains whose current chain holds it.
	Serving int
	// Trust is the trust status of the latest chain serving it as a leaf.
	Trust string
}

// CertificateFilter selects inventory entries.
type CertificateFilter struct {
	Query         string // subject, issuer or fingerprint prefix
	Issuer        string
	KeyType       string
	ExpiresBefore *time.Time
	Trust         string
	CA            *bool
	Serving       *bool
	// Revocation keeps certificates whose last revocation check found this
	// state (a revocation.State, which this package cannot import).
	Revocation string
	// Tag and AgentID keep certificates a domain with this tag, or checked
	// by this agent, serves now.
	Tag     string
	AgentID string
	// Sort is one of CertificateSorts; empty is soonest expiry first.
	Sort string
}

// CertificateSorts maps each inventory order to its summary column; a
// leading "-" reverses it. Each is a range of an index led by the
// organization (migrations 00017 and 00052), ties broken by fingerprint.
var CertificateSorts = map[string]string{
	"not_after": "not_after", "subject": "subject", "issuer": "issuer", "serving": "serving", "first_seen": "first_seen",
}

// certificateOrder is the ORDER BY of a sort over the summary aliased as
// alias; the fingerprint follows the same direction, so that a backward
// index scan serves a descending order.
func certificateOrder(sort, alias string) string {
	dir := ""
	if strings.HasPrefix(sort, "-") {
		sort, dir = sort[1:], " DESC"
	}
	col, ok := CertificateSorts[sort]
	if !ok {
		col = "not_after"
	}
	return alias + "." + col + dir + ", " + alias + ".sha256" + dir
}

// inventory reads the organization's summary rows with their certificates;
// every filter and the order use the summary's own columns, so a page costs
// the same whatever the number of endpoints behind it.
func (s *Store) inventory(ctx context.Context, orgID string) *gorm.DB {
	return withCertificates(s.db.WithContext(ctx).Table("org_certificates oc").Where("oc.organization_id = ?", orgID))
}

const inventoryColumns = "certificates.*, oc.first_seen, oc.last_seen, oc.serving, oc.trust_status AS trust"

func withCertificates(q *gorm.DB) *gorm.DB {
	return q.Select(inventoryColumns).Joins("JOIN certificates ON certificates.sha256 = oc.sha256")
}

// ListCertificates lists the organization's inventory, soonest expiry first.
// The count reads the summary alone; only the page joins the certificates.
// The total is exact but under the agent filter (see countCertificates).
func (s *Store) ListCertificates(ctx context.Context, orgID string, f CertificateFilter, page Page) ([]InventoryItem, int64, error) {
	q := s.db.WithContext(ctx).Table("org_certificates oc").Where("oc.organization_id = ?", orgID)
	if f.Query != "" {
		search, err := s.textSearch(ctx, f.Query)
		if err != nil {
			return nil, 0, err
		}
		q = q.Where(search)
	}
	if f.Issuer != "" {
		q = q.Where("oc.issuer LIKE ? ESCAPE '\\'", "%"+escapeLike(f.Issuer)+"%")
	}
	if f.KeyType != "" {
		q = q.Where("oc.key_type = ?", f.KeyType)
	}
	if f.ExpiresBefore != nil {
		q = q.Where("oc.not_after < ?", f.ExpiresBefore.UTC())
	}
	if f.CA != nil {
		q = q.Where("oc.is_ca = ?", *f.CA)
	}
	if f.Trust != "" {
		q = q.Where("oc.trust_status = ?", f.Trust)
	}
	if f.Serving != nil {
		op := "="
		if *f.Serving {
			op = ">"
		}
		q = q.Where("oc.serving " + op + " 0")
	}
	if f.Revocation != "" {
		// The status's primary key (organization_id, sha256) answers each row.
		q = q.Where(`EXISTS (SELECT 1 FROM revocation_status rs
			WHERE rs.organization_id = oc.organization_id AND rs.sha256 = oc.sha256 AND rs.state = ?)`, f.Revocation)
	}
	if f.Tag != "" {
		q = q.Where(`oc.sha256 IN (SELECT dc.sha256 FROM domain_tags t JOIN domain_chains dc ON dc.domain_id = t.domain_id
			WHERE t.organization_id = ? AND t.tag = ?)`, orgID, f.Tag)
	}
	if f.AgentID != "" {
		cond, err := s.agentCondition(ctx, orgID, f.AgentID)
		if err != nil {
			return nil, 0, err
		}
		q = q.Where(cond, orgID, f.AgentID)
	}
	if f.Query != "" || f.Issuer != "" {
		return s.searchCertificates(ctx, q, f.Sort, page)
	}
	total, err := s.countCertificates(q, f)
	if err != nil {
		return nil, 0, fmt.Errorf("store: count certificates: %w", err)
	}
	var out []InventoryItem
	if err := withCertificates(q).Order(certificateOrder(f.Sort, "oc")).Limit(page.Limit()).Offset(page.Offset()).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("store: list certificates: %w", err)
	}
	return out, total, nil
}

// agentCondition keeps the summary rows a chain of one of the agent's
// domains holds. An agent with few domains is read as the set of their
// chains, which is small. One with more than ExactCountBound is probed per
// summary row through the (sha256, domain_id) index instead, so that the
// page and the bounded count stop early: its set would hold nearly every
// chain of the organization, built whole before the first row. OFFSET 0
// keeps PostgreSQL from turning the probe back into that set (a semi-join).
func (s *Store) agentCondition(ctx context.Context, orgID, agentID string) (string, error) {
	var many int64
	capped := s.orgDomains(ctx, orgID).Select("1").Where("domains.agent_id = ?", agentID).Limit(ExactCountBound + 1)
	if err := s.db.WithContext(ctx).Table("(?) AS capped", capped).Count(&many).Error; err != nil {
		return "", fmt.Errorf("store: count agent domains: %w", err)
	}
	if many <= ExactCountBound {
		return `oc.sha256 IN (SELECT dc.sha256 FROM domains d JOIN domain_chains dc ON dc.domain_id = d.id
			WHERE d.organization_id = ? AND d.agent_id = ?)`, nil
	}
	fence := ""
	if s.dialect == Postgres {
		fence = " OFFSET 0"
	}
	return `EXISTS (SELECT 1 FROM domain_chains dc JOIN domains d ON d.id = dc.domain_id
		WHERE dc.sha256 = oc.sha256 AND d.organization_id = ? AND d.agent_id = ?` + fence + `)`, nil
}

// countCertificates counts the inventory rows q selects. The agent filter
// probes every summary row for a chain of one of the agent's domains, about
// 9 µs each: an agent that checks 100,000 domains made the exact count cost
// most of a second. Its count is bounded as the domain list's is (exact up
// to ExactCountBound, estimated beyond); the other filters read the summary
// alone and are counted exactly.
func (s *Store) countCertificates(q *gorm.DB, f CertificateFilter) (int64, error) {
	if f.boundedCount() {
		return s.boundedCount(q)
	}
	var total int64
	err := q.Session(&gorm.Session{}).Select("COUNT(*)").Scan(&total).Error
	return total, err
}

// boundedCount says whether ListCertificates bounds the count of f's
// matches; a search counts its matches on the scan that finds them.
func (f CertificateFilter) boundedCount() bool {
	return f.AgentID != "" && f.Query == "" && f.Issuer == ""
}

// CertificateTotalIsExact says whether the total ListCertificates answered
// for f is a count rather than an estimate.
func (s *Store) CertificateTotalIsExact(f CertificateFilter, total int64) bool {
	return !f.boundedCount() || s.CountIsExact(total)
}

// searchCertificates answers a text search in one pass over the summary:
// no index serves a pattern, so the count rides on the scan that finds the
// page, and only the page is joined to the certificates. (Two statements
// would scan twice.)
func (s *Store) searchCertificates(ctx context.Context, q *gorm.DB, sort string, page Page) ([]InventoryItem, int64, error) {
	// The window is counted before the order is applied, so that no plan
	// walks the expiry index to feed it.
	counted := q.Session(&gorm.Session{}).Select("oc.*, COUNT(*) OVER () AS total")
	matches := s.db.WithContext(ctx).Table("(?) AS m", counted).Order(certificateOrder(sort, "m")).
		Limit(page.Limit()).Offset(page.Offset())
	var rows []struct {
		InventoryItem `gorm:"embedded"`
		Total         int64
	}
	err := s.db.WithContext(ctx).Table("(?) AS oc", matches).Select(inventoryColumns + ", oc.total").
		Joins("JOIN certificates ON certificates.sha256 = oc.sha256").Order(certificateOrder(sort, "oc")).Find(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("store: search certificates: %w", err)
	}
	if len(rows) == 0 && page.Offset() > 0 {
		// Past the last match the window counted nothing: count alone.
		var total int64
		if err := q.Session(&gorm.Session{}).Select("COUNT(*)").Scan(&total).Error; err != nil {
			return nil, 0, fmt.Errorf("store: count certificates: %w", err)
		}
		return []InventoryItem{}, total, nil
	}
	out := make([]InventoryItem, len(rows))
	var total int64
	for i, r := range rows {
		out[i], total = r.InventoryItem, r.Total
	}
	return out, total, nil
}

// GetCertificate loads one certificate of the organization's inventory.
func (s *Store) GetCertificate(ctx context.Context, orgID, sha256 string) (InventoryItem, error) {
	var it InventoryItem
	if err := s.inventory(ctx, orgID).Where("oc.sha256 = ?", sha256).Take(&it).Error; err != nil {
		return InventoryItem{}, fmt.Errorf("store: certificate %s: %w", sha256, notFound(err))
	}
	return it, nil
}

// ServingDomain is a domain whose current chain holds a certificate.
type ServingDomain struct {
	DomainID string
	Host     string
	Port     int
	Protocol string
	Position int
}

// CertificateServers lists the organization's domains currently serving a certificate.
func (s *Store) CertificateServers(ctx context.Context, orgID, sha256 string) ([]ServingDomain, error) {
	var out []ServingDomain
	err := s.db.WithContext(ctx).Table("domain_chains dc").
		Select("d.id AS domain_id, d.host, d.port, d.protocol, dc.position").
		Joins("JOIN domains d ON d.id = dc.domain_id").
		Where("d.organization_id = ? AND dc.sha256 = ?", orgID, sha256).
		Order("d.host, d.port").Limit(500).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: servers of certificate %s: %w", sha256, err)
	}
	return out, nil
}

// DomainChain lists the chain a domain of the organization serves now,
// leaf first; empty when its last check served none.
func (s *Store) DomainChain(ctx context.Context, orgID, domainID string) ([]ChainEntry, error) {
	var out []ChainEntry
	err := s.db.WithContext(ctx).Table("domain_chains dc").
		Select("dc.position, c.sha256, c.subject, c.issuer, c.serial, c.not_before, c.not_after").
		Joins("JOIN domains d ON d.id = dc.domain_id").
		Joins("JOIN certificates c ON c.sha256 = dc.sha256").
		Where("d.organization_id = ? AND dc.domain_id = ?", orgID, domainID).
		Order("dc.position").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: chain of domain %s: %w", domainID, err)
	}
	return out, nil
}
