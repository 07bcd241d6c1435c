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
// deadlines. The whole days inside the range are read from the expiry
// aggregate, one row a day; the range's partial first and last days are
// counted from the domain list's expiry index, which holds the served
// leaf. Each cluster then reads its sample as a range of the same index.
func (s *Store) ExpiryClusters(ctx context.Context, orgID string, from, to time.Time, minimum, sample int) ([]ExpiryCluster, error) {
	from, to = from.UTC(), to.UTC()
	firstWhole := from.Truncate(24 * time.Hour)
	if firstWhole.Before(from) {
		firstWhole = firstWhole.AddDate(0, 0, 1)
	}
	lastWhole := to.Truncate(24 * time.Hour)
	if lastWhole.Before(firstWhole) { // the range lies within one day
		firstWhole, lastWhole = to, to
	}
	head, err := s.countExpiryDays(ctx, orgID, from, firstWhole, minimum)
	if err != nil {
		return nil, err
	}
	var whole []ExpiryCluster
	err = s.db.WithContext(ctx).Table("expiry_days").Select("expires_on AS date, endpoints, certificates").
		Where("organization_id = ? AND expires_on >= ? AND expires_on < ? AND endpoints >= ?",
			orgID, expiryDay(firstWhole), expiryDay(lastWhole), minimum).
		Order("expires_on").Find(&whole).Error
	if err != nil {
		return nil, fmt.Errorf("store: expiry clusters: %w", err)
	}
	tail, err := s.countExpiryDays(ctx, orgID, lastWhole, to, minimum)
	if err != nil {
		return nil, err
	}
	out := append(append(head, whole...), tail...)
	if err := s.sampleClusters(ctx, orgID, out, from, to, sample); err != nil {
		return nil, err
	}
	return out, nil
}

// sampleClusters reads each cluster's earliest deadlines, at most sample,
// as a range of the expiry index: the cluster's day within [from, to).
// PostgreSQL reads every range in one statement, a LATERAL join over the
// ranges given as VALUES, so that a 90-day answer is one round trip and
// one small plan; SQLite, in process, takes a query per cluster.
func (s *Store) sampleClusters(ctx context.Context, orgID string, out []ExpiryCluster, from, to time.Time, sample int) error {
	if len(out) == 0 {
		return nil
	}
	starts, ends := make([]time.Time, len(out)), make([]time.Time, len(out))
	for i := range out {
		day, err := time.Parse(time.DateOnly, out[i].Date)
		if err != nil {
			return fmt.Errorf("store: expiry cluster day %q: %w", out[i].Date, err)
		}
		starts[i], ends[i] = day, day.AddDate(0, 0, 1)
		if starts[i].Before(from) {
			starts[i] = from
		}
		if ends[i].After(to) {
			ends[i] = to
		}
	}
	const columns = "d.id AS domain_id, d.host, d.port, d.state_leaf_sha256 AS leaf_sha256, d.state_not_after AS not_after"
	if s.dialect == SQLite {
		for i := range out {
			err := s.db.WithContext(ctx).Table("domains d").Select(columns).
				Where("d.organization_id = ? AND d.state_not_after >= ? AND d.state_not_after < ?", orgID, starts[i], ends[i]).
				Order("d.state_not_after, d.id").Limit(sample).Find(&out[i].Sample).Error
			if err != nil {
				return fmt.Errorf("store: expiry cluster %s: %w", out[i].Date, err)
			}
		}
		return nil
	}
	values, args := make([]string, len(out)), make([]any, 0, 2*len(out)+2)
	for i := range out {
		values[i] = fmt.Sprintf("(%d, ?::timestamptz, ?::timestamptz)", i)
		args = append(args, starts[i], ends[i])
	}
	var rows []struct {
		N int
		Deadline
	}
	err := s.db.WithContext(ctx).Raw(`SELECT r.n, `+columns+`
		FROM (VALUES `+strings.Join(values, ", ")+`) AS r(n, start, stop)
		CROSS JOIN LATERAL (SELECT id, host, port, state_leaf_sha256, state_not_after FROM domains
			WHERE organization_id = ? AND state_not_after >= r.start AND state_not_after < r.stop
			ORDER BY state_not_after, id LIMIT ?) d
		ORDER BY r.n, d.state_not_after, d.id`, append(args, orgID, sample)...).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("store: expiry cluster samples: %w", err)
	}
	for _, r := range rows {
		out[r.N].Sample = append(out[r.N].Sample, r.Deadline)
	}
	return nil
}

// countExpiryDays counts the deadlines in [from, to) by day, the days with
// at least minimum of them, from the domain list's expiry index.
func (s *Store) countExpiryDays(ctx context.Context, orgID string, from, to time.Time, minimum int) ([]ExpiryCluster, error) {
	if !from.Before(to) {
		return nil, nil
	}
	day := expiryDaySQL(s.db, "d")
	var out []ExpiryCluster
	err := s.db.WithContext(ctx).Table("domains d").
		Select(day+" AS date, COUNT(*) AS endpoints, COUNT(DISTINCT d.state_leaf_sha256) AS certificates").
		Where("d.organization_id = ? AND d.state_not_after >= ? AND d.state_not_after < ?", orgID, from, to).
		Group(day).Having("COUNT(*) >= ?", minimum).Order("date").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: expiry clusters: %w", err)
	}
	return out, nil
}
