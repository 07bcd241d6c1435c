package httpapi_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// cpuMeter adds up the CPU a benchmark's timed parts cost, split between
// this process (the server, and the client's send beside it) and the
// PostgreSQL backends serving the server's pool. PostgreSQL runs on this
// machine, and its backends are found by the application_name the
// server's connections carry, so the other databases and schemas on the
// same server do not count.
type cpuMeter struct {
	admin       *sql.DB
	application string
	process     time.Duration
	database    time.Duration
	// at start: this process's CPU and each backend's.
	processAt  time.Duration
	backendsAt map[int]time.Duration
}

// newMeteredServer is newServer on PostgreSQL with a meter of its CPU.
func newMeteredServer(b *testing.B) (*testServer, *cpuMeter) {
	schemaURL := storetest.PostgresSchemaURL(b)
	application := fmt.Sprintf("certinel-bench-%d-%d", os.Getpid(), time.Now().UnixNano())
	st := storetest.OpenPostgresURL(b, storetest.WithParam(b, schemaURL, "application_name", application), store.Options{})
	admin, err := sql.Open("pgx", schemaURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = admin.Close() })
	return newServerOn(b, st, false), &cpuMeter{admin: admin, application: application}
}

// start and stop bracket a timed part.
func (m *cpuMeter) start(b *testing.B) {
	m.backendsAt = m.backends(b)
	m.processAt = processCPU(b)
}

func (m *cpuMeter) stop(b *testing.B) {
	m.process += processCPU(b) - m.processAt
	// A backend that started meanwhile counts from zero; one that ended
	// meanwhile is lost (the pool keeps its connections for minutes).
	for pid, cpu := range m.backends(b) {
		m.database += cpu - m.backendsAt[pid]
	}
}

// reset forgets what was metered so far; a nil meter (SQLite) does nothing.
func (m *cpuMeter) reset() {
	if m != nil {
		m.process, m.database = 0, 0
	}
}

// report adds the CPU per result to the benchmark's figures; a nil meter
// reports nothing.
func (m *cpuMeter) report(b *testing.B, results int) {
	if m == nil {
		return
	}
	b.ReportMetric(float64(m.process.Microseconds())/float64(results), "server-µs/result")
	b.ReportMetric(float64(m.database.Microseconds())/float64(results), "db-µs/result")
}

func (m *cpuMeter) backends(b *testing.B) map[int]time.Duration {
	rows, err := m.admin.Query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", m.application)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	out := map[int]time.Duration{}
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			b.Fatal(err)
		}
		out[pid] = backendCPU(b, pid)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

// backendCPU is utime+stime of a process from /proc/<pid>/stat, in clock
// ticks of 10 ms (USER_HZ).
func backendCPU(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0 // ended meanwhile
	}
	// Fields start after the command name's closing parenthesis.
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		b.Fatalf("stat of %d: %q", pid, raw)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
