package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Deadline is when a domain's current chain stops being valid.
type Deadline struct {
	DomainID   string
	Host       string
	Port       int
	LeafSHA256 string `gorm:"column:leaf_sha256"`
	NotAfter   time.Time
}

// ExpiryCluster is a calendar day (UTC) on which several of the
// organization's endpoints stop being valid together: one missed renewal
// away from a correlated outage.
type ExpiryCluster struct {
	Date         string
	Endpoints    int
	Certificates int
	// Sample is the cluster's earliest deadlines, at most as many as asked.
	Sample []Deadline `gorm:"-"`
}

// ExpiryClusters finds the days in [from, to) with at least minimum
// deadlines. The database counts them from the domain list's expiry index,
// which holds the served leaf, so the answer's size and cost follow the
// domains in the range, not all states: endpoints per day and leaf first
// and then per day, two hash aggregations where counting distinct leaves
// per day would sort every deadline. The clusters' samples are then read
// in one statement, each a range of the same index.
func (s *Store) ExpiryClusters(ctx context.Context, orgID string, from, to time.Time, minimum, sample int) ([]ExpiryCluster, error) {
	day, date := "(d.state_not_after AT TIME ZONE 'UTC')::date", "to_char(x.day, 'YYYY-MM-DD')"
	if s.dialect == SQLite {
		day, date = "date(d.state_not_after)", "x.day"
	}
	perLeaf := s.db.WithContext(ctx).Table("domains d").
		Select(day+" AS day, d.state_leaf_sha256 AS leaf, COUNT(*) AS n").
		Where("d.organization_id = ? AND d.state_not_after >= ? AND d.state_not_after < ?", orgID, from, to).
		Group(day + ", d.state_leaf_sha256")
	var out []ExpiryCluster
	err := s.db.WithContext(ctx).Table("(?) AS x", perLeaf).
		Select(date+" AS date, SUM(x.n) AS endpoints, COUNT(*) AS certificates").
		Group("x.day").Having("SUM(x.n) >= ?", minimum).Order("x.day").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: expiry clusters: %w", err)
	}
	if len(out) == 0 || sample <= 0 {
		return out, nil
	}
	if err := s.sampleClusters(ctx, orgID, out, from, to, sample); err != nil {
		return nil, err
	}
	return out, nil
}

// sampleClusters fills each cluster's sample: its earliest deadlines, one
// index range each, all in one statement (a round trip per cluster cost
// more than the ranges at 90 clusters).
func (s *Store) sampleClusters(ctx context.Context, orgID string, clusters []ExpiryCluster, from, to time.Time, sample int) error {
	parts := make([]string, len(clusters))
	var args []any
	for i, cl := range clusters {
		start, err := time.Parse(time.DateOnly, cl.Date)
		if err != nil {
			return fmt.Errorf("store: expiry cluster day %q: %w", cl.Date, err)
		}
		end := start.AddDate(0, 0, 1)
		if start.Before(from) {
			start = from
		}
		if end.After(to) {
			end = to
		}
		parts[i] = `SELECT * FROM (SELECT CAST(? AS INTEGER) AS cluster, d.id AS domain_id, d.host, d.port, d.state_leaf_sha256 AS leaf_sha256,
			d.state_not_after AS not_after FROM domains d
			WHERE d.organization_id = ? AND d.state_not_after >= ? AND d.state_not_after < ?
			ORDER BY d.state_not_after, d.id LIMIT ?) AS c`
		args = append(args, i, orgID, start, end, sample)
	}
	var rows []struct {
		Cluster  int
		Deadline `gorm:"embedded"`
	}
	err := s.db.WithContext(ctx).Raw("SELECT * FROM ("+strings.Join(parts, " UNION ALL ")+") AS s ORDER BY s.cluster, s.not_after, s.domain_id", args...).
		Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("store: expiry cluster samples: %w", err)
	}
	for _, r := range rows {
		clusters[r.Cluster].Sample = append(clusters[r.Cluster].Sample, r.Deadline)
	}
	return nil
}
