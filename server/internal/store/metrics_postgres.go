package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// readMetricsPostgres reads the domains of q straight from pgx, in
// PostgreSQL's binary format: at 100,000 domains, database/sql's
// conversions of each value (and GORM's scanning of each time) cost more
// CPU than the rest of the scrape.
func (s *Store) readMetricsPostgres(ctx context.Context, q *gorm.DB, c *metricsChunks) error {
	var ids []string
	stmt := q.Session(&gorm.Session{DryRun: true}).Find(&ids).Statement
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: metrics domains: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: metrics domains: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		pc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: metrics domains: connection is a %T, not pgx's", driverConn)
		}
		tx, err := pc.Conn().BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
		if err != nil {
			return fmt.Errorf("store: metrics domains: %w", err)
		}
		// Rolled back once read: the transaction only scopes the setting.
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		if _, err := tx.Exec(ctx, "SET LOCAL work_mem = '"+metricsWorkMem+"'"); err != nil {
			return fmt.Errorf("store: metrics domains: %w", err)
		}
		// Every column in binary, whatever the connection's default mode.
		args := append([]any{pgx.QueryExecModeDescribeExec, pgx.QueryResultFormats{pgx.BinaryFormatCode}}, stmt.Vars...)
		rows, err := tx.Query(ctx, stmt.SQL.String(), args...)
		if err != nil {
			return fmt.Errorf("store: metrics domains: %w", err)
		}
		defer rows.Close()
		var dec metricsDecoder
		for rows.Next() {
			d, err := dec.domain(rows.RawValues(), c)
			if err != nil {
				return fmt.Errorf("store: metrics domains: %w", err)
			}
			if err := c.add(d); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: metrics domains: %w", err)
		}
		return nil
	})
}

// metricsWorkMem is the work_mem of the scrape's query. PostgreSQL joins
// an organization's domains to their states in a hash table; at the
// default 4 MB (8 MB of hash with hash_mem_multiplier 2) the table of
// 100,000 states, about 20 MB, spills to temporary files, and a scrape
// took 40-50 ms longer. 16 MB keeps up to about 150,000 in memory; a
// larger organization spills, so one scrape's memory stays bounded.
const metricsWorkMem = "16MB"

// metricsDecoder turns the binary columns of a row into a MetricsDomain.
type metricsDecoder struct {
	text []byte
	// names holds the agent names and protocols seen, which repeat from
	// domain to domain: a few strings rather than one per row.
	names map[string]string
}

// domain decodes the columns of EachMetricsDomain's query. A domain's ID
// and host share one allocation; its times are kept by c.
func (dec *metricsDecoder) domain(cols [][]byte, c *metricsChunks) (MetricsDomain, error) {
	if len(cols) != 11 {
		return MetricsDomain{}, fmt.Errorf("%d columns, want 11", len(cols))
	}
	var d MetricsDomain
	dec.text = append(append(dec.text[:0], cols[0]...), cols[1]...)
	idHost := string(dec.text)
	d.ID, d.Host = idHost[:len(cols[0])], idHost[len(cols[0]):]
	if len(cols[2]) != 4 {
		return MetricsDomain{}, errors.New("port is not a 4-byte integer")
	}
	d.Port = int(int32(binary.BigEndian.Uint32(cols[2])))
	d.Protocol, d.AgentName, d.StateKind = dec.name(cols[3]), dec.name(cols[4]), dec.name(cols[10])
	times := [...]**time.Time{&d.CheckedAt, &d.NotAfter, &d.WindowStart, &d.WindowEnd, &d.UrgentAt}
	for i, t := range times {
		col := cols[5+i]
		if col == nil {
			continue
		}
		at, err := pgTime(col)
		if err != nil {
			return MetricsDomain{}, err
		}
		*t = c.time(at)
	}
	return d, nil
}

// name returns b as a string, the same string each time it repeats.
func (dec *metricsDecoder) name(b []byte) string {
	if s, ok := dec.names[string(b)]; ok {
		return s
	}
	if dec.names == nil {
		dec.names = map[string]string{}
	}
	s := string(b)
	dec.names[s] = s
	return s
}

// pgEpoch is where PostgreSQL's binary timestamps count from, in Unix
// microseconds.
const pgEpoch = 946_684_800_000_000

// pgTime decodes a binary timestamptz: microseconds since 2000-01-01 UTC.
func pgTime(b []byte) (time.Time, error) {
	if len(b) != 8 {
		return time.Time{}, errors.New("timestamp is not 8 bytes")
	}
	us := int64(binary.BigEndian.Uint64(b))
	if us == math.MaxInt64 || us == math.MinInt64 {
		return time.Time{}, errors.New("infinite timestamp")
	}
	return time.UnixMicro(us + pgEpoch).UTC(), nil
}
