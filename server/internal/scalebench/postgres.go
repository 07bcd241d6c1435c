package scalebench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// database is the fresh PostgreSQL database of one run.
type database struct {
	name, url string
	admin     *pgx.Conn
	// conn is the harness's own session in the database, for sizes.
	conn *pgx.Conn
}

// createDatabase makes scale_<random> on the server of adminURL.
func createDatabase(ctx context.Context, adminURL string) (*database, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("scalebench: database url: %w", err)
	}
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("scalebench: connect to postgres: %w", err)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	db := &database{name: "scale_" + hex.EncodeToString(suffix), admin: admin}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+db.name); err != nil {
		admin.Close(ctx)
		return nil, fmt.Errorf("scalebench: create database: %w", err)
	}
	u.Path = "/" + db.name
	db.url = u.String()
	if db.conn, err = pgx.Connect(ctx, db.url); err != nil {
		db.drop(ctx, false)
		return nil, fmt.Errorf("scalebench: connect to %s: %w", db.name, err)
	}
	return db, nil
}

// drop closes the harness's sessions and drops the database unless keep.
func (db *database) drop(ctx context.Context, keep bool) error {
	if db.conn != nil {
		db.conn.Close(ctx)
	}
	defer db.admin.Close(ctx)
	if keep {
		return nil
	}
	if _, err := db.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+db.name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("scalebench: drop database %s: %w", db.name, err)
	}
	return nil
}

// size waits for the server's sessions to fall idle (see waitQuiet, whose
// answer it passes on), then vacuums the database, so that the space of
// dead row versions counts as free for what comes next, and returns
// pg_database_size.
func (db *database) size(ctx context.Context) (int64, bool, error) {
	quiet, err := waitQuiet(ctx, db.busy)
	if err != nil {
		return 0, false, err
	}
	if _, err := db.conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		return 0, false, fmt.Errorf("scalebench: vacuum: %w", err)
	}
	var n int64
	if err := db.conn.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&n); err != nil {
		return 0, false, fmt.Errorf("scalebench: database size: %w", err)
	}
	return n, quiet, nil
}

// busy tells whether a session of the server is running a statement or
// holding a transaction open in the database. The activity view is live,
// unlike the statistics views, which a backend may flush seconds late.
func (db *database) busy(ctx context.Context) (bool, error) {
	var busy bool
	err := db.conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()
		AND backend_type = 'client backend' AND state <> 'idle')`).Scan(&busy)
	if err != nil {
		return false, fmt.Errorf("scalebench: server sessions: %w", err)
	}
	return busy, nil
}

// analyzeInterval is how often the harness analyzes the database during an
// ingest round when the server's autovacuum is off: autovacuum's own
// default nap between passes.
const analyzeInterval = time.Minute

// autovacuumOff tells whether the PostgreSQL server runs without autovacuum
// (as a CI cluster may).
func (db *database) autovacuumOff(ctx context.Context) (bool, error) {
	var on string
	if err := db.conn.QueryRow(ctx, "SHOW autovacuum").Scan(&on); err != nil {
		return false, fmt.Errorf("scalebench: show autovacuum: %w", err)
	}
	return on == "off", nil
}

// analyzeEvery runs ANALYZE on the harness's own session every interval
// until the returned stop is called: what autovacuum would do on a server
// that has it on. Without it, tables that fill during a round keep the
// statistics of when they were empty, and every plan degrades as they grow.
// The session is left out of the database CPU, as maintenance.
func (db *database) analyzeEvery(ctx context.Context, interval time.Duration) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				_, _ = db.conn.Exec(ctx, "ANALYZE")
			}
		}
	}()
	return func() { close(done); <-finished }
}

// backendMeter adds up the CPU of the PostgreSQL backends serving the
// database (the server's pool), by sampling pg_stat_activity and
// /proc/<pid>/stat: PostgreSQL runs on this machine. A backend that exits
// between two samples is counted up to its last sample.
type backendMeter struct {
	db   *database
	mu   sync.Mutex
	base map[int]time.Duration
	last map[int]time.Duration
	stop chan struct{}
	done chan struct{}
}

// meterBackends starts sampling every interval until total is called.
func (db *database) meterBackends(ctx context.Context, interval time.Duration) (*backendMeter, error) {
	m := &backendMeter{db: db, base: map[int]time.Duration{}, last: map[int]time.Duration{},
		stop: make(chan struct{}), done: make(chan struct{})}
	pids, err := db.backends(ctx)
	if err != nil {
		return nil, err
	}
	for _, pid := range pids {
		if cpu, err := cpuTime(pid); err == nil {
			m.base[pid], m.last[pid] = cpu, cpu
		}
	}
	go func() {
		defer close(m.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-t.C:
				m.sample(ctx)
			}
		}
	}()
	return m, nil
}

func (db *database) backends(ctx context.Context) ([]int, error) {
	rows, err := db.admin.Query(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> $2",
		db.name, db.conn.PgConn().PID())
	if err != nil {
		return nil, fmt.Errorf("scalebench: list backends: %w", err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, fmt.Errorf("scalebench: list backends: %w", err)
	}
	out := make([]int, len(pids))
	for i, p := range pids {
		out[i] = int(p)
	}
	return out, nil
}

func (m *backendMeter) sample(ctx context.Context) {
	pids, err := m.db.backends(ctx)
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, pid := range pids {
		if cpu, err := cpuTime(pid); err == nil {
			m.last[pid] = cpu
		}
	}
}

// total stops sampling and returns the CPU used since the meter started.
func (m *backendMeter) total(ctx context.Context) time.Duration {
	close(m.stop)
	<-m.done
	m.sample(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	var sum time.Duration
	for pid, cpu := range m.last {
		sum += cpu - m.base[pid]
	}
	return sum
}

// seedURL is the database's URL for seeding only: its commits do not wait
// for the WAL to reach the disk (a crash loses a seed, which is thrown away
// anyway), as 10,000 organizations take tens of thousands of commits. The
// server, which is measured, runs with the database's own settings.
func seedURL(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return dbURL
	}
	q := u.Query()
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}
