package alerts_test

import (
	"encoding/json"
	"testing"
	"time"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// TestStaleBackendNamesEveryFlaggedBackend: with two backends behind a
// newer one, the one event names both, and is about the older certificate
// that expires first; a backend that failed or serves the newest leaf is
// not named.
func TestStaleBackendNamesEveryFlaggedBackend(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	at := func(days int) *time.Time { v := now.Add(time.Duration(days) * 24 * time.Hour); return &v }
	newest := at(80)
	in := store.EvalInput{
		Now:   now,
		Orgs:  map[string]store.Organization{"o": {ID: "o", Name: "Org"}},
		Rules: []store.AlertRule{{ID: "r", OrganizationID: "o", ScopeAll: true, Events: []string{notify.TypeStaleBackend}}},
		Domains: []store.EvalDomain{{ID: "d", OrganizationID: "o", Host: "lb.example", Port: 443, Protocol: "tls",
			LeafSHA256: "new", NotAfter: newest}},
		Backends: map[string][]store.DomainBackend{"d": {
			{DomainID: "d", Address: "10.0.0.1", LeafSHA256: "new", NotBefore: at(-10), NotAfter: newest},
			{DomainID: "d", Address: "10.0.0.2", LeafSHA256: "old", NotBefore: at(-70), NotAfter: at(20)},
			{DomainID: "d", Address: "2001:db8::3", LeafSHA256: "older", NotBefore: at(-80), NotAfter: at(10)},
			{DomainID: "d", Address: "10.0.0.4", ErrorKind: "refused", Error: "connection refused"},
		}},
	}
	fired := alerts.Evaluate(in, "https://certinel.test").Record.Fired
	if len(fired) != 1 || fired[0].Type != notify.TypeStaleBackend {
		t.Fatalf("fired %+v, want one stale_backend event", fired)
	}
	var e notify.Event
	if err := json.Unmarshal([]byte(fired[0].Payload), &e); err != nil {
		t.Fatal(err)
	}
	wantDetail := "Backends 10.0.0.2, 2001:db8::3 still serve an older certificate than another backend, expiring on " +
		at(10).Format(time.RFC1123) + ": reload the service or clear its cache."
	if e.Detail != wantDetail || e.SHA256 != "older" || e.NotAfter == nil || !e.NotAfter.Equal(*at(10)) || e.DaysLeft == nil || *e.DaysLeft != 10 {
		t.Errorf("event %+v\nwant detail %q about the older certificate expiring in 10 days", e, wantDetail)
	}
	if got := notify.Headline(e); got != "lb.example:443: a backend serves an older certificate (failed uptake)" {
		t.Errorf("headline %q", got)
	}

	// Every backend on the newest leaf: nothing holds.
	for i := range in.Backends["d"] {
		in.Backends["d"][i].LeafSHA256, in.Backends["d"][i].NotBefore = "new", at(-10)
	}
	if fired := alerts.Evaluate(in, "https://certinel.test").Record.Fired; len(fired) != 0 {
		t.Errorf("fired %+v with every backend renewed", fired)
	}
}
