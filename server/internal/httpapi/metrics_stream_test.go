package httpapi

import (
	"bufio"
	"bytes"
	"fmt"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
)

// TestExpositionStreamsFirstFamily: writing the first family as the
// domains come, as a scrape does, gives the bytes of the exposition
// written whole after them (which TestExpositionGolden pins), also for
// domains that have samples in the first family only or not at all.
func TestExpositionStreamsFirstFamily(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	ds := make([]store.MetricsDomain, 3000)
	for i := range ds {
		d := store.MetricsDomain{ID: fmt.Sprintf("id-%05d", i), Host: fmt.Sprintf("h%05d.example", i), Port: 443,
			Protocol: "tls", AgentName: "agent", Status: lifecycle.StatusOK}
		switch i % 3 {
		case 0:
			d.CheckedAt, d.NotAfter = at(-time.Duration(i)*time.Second), at(time.Duration(i)*time.Hour)
		case 1:
			d.NotAfter = at(time.Duration(i) * time.Minute)
		}
		ds[i] = d
	}
	for _, memory := range []int{spoolMemory, 0} {
		whole := expose(t, ds, now, memory)

		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		x := newExposition(false, domainFamilies, memory)
		x.streamFirst(w)
		for _, d := range ds {
			x.domain(d, now)
		}
		if err := x.finish(); err != nil {
			t.Fatal(err)
		}
		if err := x.writeFamilies(w); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		x.close()
		if !bytes.Equal(out.Bytes(), whole) {
			t.Errorf("spool memory %d: streamed exposition differs from the whole one", memory)
		}
	}
}
