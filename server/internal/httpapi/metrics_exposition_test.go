package httpapi

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/notify/notifytest"
	"certinel.dev/server/internal/store"
)

// TestExpositionGolden pins the bytes of the per-domain families: label
// escaping, absent series for missing facts, number formatting and the
// order of families and samples, for a handful of domains and for many
// (which the exposition spools to disk).
func TestExpositionGolden(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	few := []store.MetricsDomain{
		{ID: "d1", Host: "api.internal", Port: 443, Protocol: "tls", AgentName: "dc \"one\" \\ west\nrack",
			CheckedAt: at(-time.Minute), NotAfter: at(20*24*time.Hour + 1500*time.Millisecond),
			WindowStart: at(10 * 24 * time.Hour), WindowEnd: at(15 * 24 * time.Hour), Status: lifecycle.StatusOK},
		{ID: "d2", Host: "down.internal", Port: 8443, Protocol: "smtp", CheckedAt: at(-2 * time.Hour), Status: lifecycle.StatusUnreachable},
		{ID: "d3", Host: "pending.example", Port: 443, Protocol: "tls", Status: lifecycle.StatusPending},
		{ID: "d4", Host: "old.example", Port: 636, Protocol: "ldap", AgentName: "b", CheckedAt: at(-time.Hour),
			NotAfter: at(-3*24*time.Hour - time.Hour), Status: lifecycle.StatusExpired},
	}
	notifytest.Golden(t, "metrics_few.golden", expose(t, few, now, spoolMemory))

	many := make([]store.MetricsDomain, 5000)
	for i := range many {
		many[i] = store.MetricsDomain{ID: fmt.Sprintf("id-%05d", i), Host: fmt.Sprintf("h%05d.example", i), Port: 443 + i%3,
			Protocol: "tls", AgentName: "agent", CheckedAt: at(-time.Duration(i) * time.Second),
			NotAfter: at(time.Duration(i) * time.Hour), Status: lifecycle.StatusOK}
	}
	// Too large to read: its digest is pinned instead, the same whether
	// the families stay in memory or spill to disk early or late.
	for _, memory := range []int{spoolMemory, 100 << 10, 0} {
		sum := sha256.Sum256(expose(t, many, now, memory))
		notifytest.Golden(t, "metrics_many.sha256", []byte(hex.EncodeToString(sum[:])+"\n"))
	}
}

func expose(t *testing.T, ds []store.MetricsDomain, now time.Time, memory int) []byte {
	t.Helper()
	x := newExposition(false, domainFamilies, memory)
	defer x.close()
	for _, d := range ds {
		x.domain(d, now)
	}
	if err := x.finish(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	if err := x.writeFamilies(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// BenchmarkExposition writes the per-domain families of 100,000 domains,
// as the largest organizations have, in plain text and gzipped.
func BenchmarkExposition(b *testing.B) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	x := newExposition(false, domainFamilies, spoolMemory)
	defer x.close()
	for i := range 100000 {
		x.domain(store.MetricsDomain{ID: fmt.Sprintf("0193a7c2-6f1e-7d3b-9a4c-%012d", i), Host: fmt.Sprintf("host-%06d.corp.example", i),
			Port: 443, Protocol: "tls", AgentName: "dc-west-1", CheckedAt: at(-time.Duration(i) * 1234 * time.Millisecond),
			NotAfter: at(time.Duration(i) * 4321 * time.Second), WindowStart: at(time.Duration(i) * 1111 * time.Second),
			WindowEnd: at(time.Duration(i) * 2222 * time.Second), Status: lifecycle.StatusOK}, now)
	}
	if err := x.finish(); err != nil {
		b.Fatal(err)
	}
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			w := bufio.NewWriterSize(io.Discard, exposeWrites)
			if err := x.writeFamilies(w); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gzip", func(b *testing.B) {
		for b.Loop() {
			zw := newGzipWriter(io.Discard)
			w := bufio.NewWriterSize(zw, exposeWrites)
			if err := x.writeFamilies(w); err != nil {
				b.Fatal(err)
			}
			_ = w.Flush()
			if err := zw.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
