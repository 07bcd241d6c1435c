package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"certinel.dev/server/internal/lifecycle"
)

// MetricsDomain is one domain with its latest check, in the shape the
// Prometheus exposition needs: the agent's name instead of its ID, and the
// status derived exactly as lists derive it.
type MetricsDomain struct {
	ID          string
	Host        string
	Port        int
	Protocol    string
	AgentName   string
	CheckedAt   *time.Time
	NotAfter    *time.Time
	WindowStart *time.Time
	WindowEnd   *time.Time
	UrgentAt    *time.Time
	StateKind   string
	Status      lifecycle.Status `gorm:"-"`
}

// metricsChunk is how many rows the exposition is handed at a time: the
// scrape's memory is that of one chunk, whatever the organization's size.
var metricsChunk = 2000

// EachMetricsDomain calls fn with every domain of the organization (of one
// of its agents when agentID is set) and its latest check, metricsChunk at
// a time, and returns how many of them each status filter lists. The rows
// come from one query read as they arrive, not loaded whole, in no
// particular order: a scraper does not need one, and sorting the hosts
// took longer than reading them. fn must not keep the slice, nor the times
// its domains point to.
func (s *Store) EachMetricsDomain(ctx context.Context, orgID, agentID string, floorDays int, fn func([]MetricsDomain) error) (map[lifecycle.Status]int64, error) {
	q := s.db.WithContext(ctx).Table("domains")
	if agentID != "" {
		q = q.Where("domains.agent_id = ?", agentID)
	}
	q = q.Select("domains.id, domains.host, domains.port, domains.protocol, COALESCE(a.name, ''), "+
		"ds.checked_at, ds.not_after, ds.window_start, ds.window_end, ds.urgent_at, domains.state_kind").
		Joins("LEFT JOIN domain_states ds ON ds.domain_id = domains.id").
		// The organization given as a value, not as domains' column: the
		// join's hash then keys on the agent's ID alone, and PostgreSQL
		// spent 10-20 ms less of a 100,000-domain scrape.
		Joins("LEFT JOIN agents a ON a.id = domains.agent_id AND a.organization_id = ?", orgID).
		Where("domains.organization_id = ?", orgID)
	c := newMetricsChunks(s.now(), floorDays, fn)
	var err error
	if s.dialect == Postgres {
		err = s.readMetricsPostgres(ctx, q, c)
	} else {
		err = readMetricsRows(q, c)
	}
	if err != nil {
		return nil, err
	}
	if err := c.flush(); err != nil {
		return nil, err
	}
	return c.statusCounts(), nil
}

// readMetricsRows reads the domains through GORM, as SQLite serves them.
func readMetricsRows(q *gorm.DB, c *metricsChunks) error {
	rows, err := q.Rows()
	if err != nil {
		return fmt.Errorf("store: metrics domains: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d MetricsDomain
		var checked, notAfter, start, end, urgent *scanTime
		if err := rows.Scan(&d.ID, &d.Host, &d.Port, &d.Protocol, &d.AgentName,
			&checked, &notAfter, &start, &end, &urgent, &d.StateKind); err != nil {
			return fmt.Errorf("store: metrics domains: %w", err)
		}
		d.CheckedAt, d.NotAfter, d.WindowStart, d.WindowEnd, d.UrgentAt = checked.ptr(), notAfter.ptr(), start.ptr(), end.ptr(), urgent.ptr()
		if err := c.add(d); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: metrics domains: %w", err)
	}
	return nil
}

// metricsChunks gathers the domains read into chunks for fn, deriving
// each one's status on the way.
type metricsChunks struct {
	now       time.Time
	floorDays int
	fn        func([]MetricsDomain) error
	chunk     []MetricsDomain
	// times holds the instants the chunk's domains point to, for readers
	// that would otherwise allocate each one.
	times []time.Time
	// listed counts the domains read under each of lifecycle.Statuses.
	listed []int64
}

// metricsTimes is how many times a domain of the exposition has at most.
const metricsTimes = 5

func newMetricsChunks(now time.Time, floorDays int, fn func([]MetricsDomain) error) *metricsChunks {
	return &metricsChunks{now: now, floorDays: floorDays, fn: fn,
		chunk: make([]MetricsDomain, 0, metricsChunk), times: make([]time.Time, 0, metricsTimes*metricsChunk),
		listed: make([]int64, len(lifecycle.Statuses))}
}

// time keeps t with the chunk and points to it: the pointer is good until
// the chunk is handed over.
func (c *metricsChunks) time(t time.Time) *time.Time {
	c.times = append(c.times, t)
	return &c.times[len(c.times)-1]
}

// add appends d to the chunk, handing the chunk over once full, and
// counts it under each status filter that lists it. The filters' SQL
// (statusCondition) reads the copies of these instants kept on domains;
// lifecycle.State.Listed is the same condition, so the counts are the
// lists' without a second pass over the organization's rows.
func (c *metricsChunks) add(d MetricsDomain) error {
	st := stateOf(d.StateKind, d.NotAfter, d.WindowEnd, d.UrgentAt)
	d.Status = st.Status(c.now, c.floorDays)
	for i, filter := range lifecycle.Statuses {
		if st.Listed(filter, c.now, c.floorDays) {
			c.listed[i]++
		}
	}
	if c.chunk = append(c.chunk, d); len(c.chunk) == metricsChunk {
		return c.flush()
	}
	return nil
}

// flush hands over what the chunk holds, if anything.
func (c *metricsChunks) flush() error {
	if len(c.chunk) == 0 {
		return nil
	}
	err := c.fn(c.chunk)
	c.chunk, c.times = c.chunk[:0], c.times[:0]
	return err
}

// statusCounts is the count of domains read under each status filter,
// every status present.
func (c *metricsChunks) statusCounts() map[lifecycle.Status]int64 {
	out := make(map[lifecycle.Status]int64, len(c.listed))
	for i, st := range lifecycle.Statuses {
		out[st] = c.listed[i]
	}
	return out
}

// MetricsAgent is one agent as the exposition shows it.
type MetricsAgent struct {
	ID              string
	Name            string
	LastSeenAt      *time.Time
	IntervalSeconds int
}

// EachMetricsAgent calls fn with every agent of the organization (the one
// agent when agentID is set), metricsChunk at a time, in id order. fn must
// not keep the slice.
func (s *Store) EachMetricsAgent(ctx context.Context, orgID, agentID string, fn func([]MetricsAgent) error) error {
	after := ""
	for {
		var chunk []MetricsAgent
		q := s.db.WithContext(ctx).Model(&Agent{}).Select("id, name, last_seen_at, interval_seconds")
		if agentID != "" {
			q = q.Where("id = ?", agentID)
		}
		err := q.Where("organization_id = ? AND id > ?", orgID, after).Order("id").Limit(metricsChunk).Find(&chunk).Error
		if err != nil {
			return fmt.Errorf("store: metrics agents: %w", err)
		}
		if len(chunk) > 0 {
			if err := fn(chunk); err != nil {
				return err
			}
		}
		if len(chunk) < metricsChunk {
			return nil
		}
		after = chunk[len(chunk)-1].ID
	}
}
