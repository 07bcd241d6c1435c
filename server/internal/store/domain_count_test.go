package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestTagCountIsTheOrganizations checks that a list filtered by a tag
// alone, counted from the tags without the domains, counts the
// organization's tagged domains only, exactly up to the bound and without
// the domains another organization tagged the same, and that a deleted
// domain's tag goes with it.
func TestTagCountIsTheOrganizations(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			orgs := make([]string, 2)
			for i := range orgs {
				_, org, err := s.CreateAccount(ctx, fmt.Sprintf("tags%d@example.com", i), "h", "T")
				if err != nil {
					t.Fatal(err)
				}
				orgs[i] = org.ID
			}
			var ds []store.Domain
			for i := range 30 {
				tags := []string{"staging"}
				if i%3 == 0 {
					tags = []string{"prod", "edge"}
				}
				ds = append(ds, store.Domain{Host: fmt.Sprintf("h%02d.example", i), Port: 443, Protocol: "tls", Tags: tags})
			}
			mine, err := s.CreateDomains(ctx, orgs[0], slices.Clone(ds))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateDomains(ctx, orgs[1], slices.Clone(ds)); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteDomain(ctx, orgs[0], mine[1].ID); err != nil { // tagged staging
				t.Fatal(err)
			}
			for tag, want := range map[string]int64{"staging": 19, "prod": 10, "edge": 10, "none": 0} {
				items, total, err := s.ListDomains(ctx, orgs[0], store.DomainFilter{Tag: tag}, store.Page{Number: 1, PerPage: 100})
				if err != nil {
					t.Fatal(err)
				}
				if total != want || int64(len(items)) != want || !s.CountIsExact(total) {
					t.Errorf("tag %s: total %d, %d listed, want %d", tag, total, len(items), want)
				}
			}
		})
	}
}

// TestBoundedCountPlannedPerRun checks that PostgreSQL plans a list's
// bounded count for its own arguments at every run rather than keeping it
// as a prepared statement, whose generic plan, made without the status
// filter's instants, read every domain of the organization.
func TestBoundedCountPlannedPerRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t, store.Postgres, store.Options{})
	_, org, err := s.CreateAccount(ctx, "counts@example.com", "h", "C")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.PreparedCounts(ctx, s); err != nil { // one connection from here on
		t.Fatal(err)
	}
	if _, err := s.CreateDomains(ctx, org.ID, []store.Domain{{Host: "a.example", Port: 443, Protocol: "tls"}}); err != nil {
		t.Fatal(err)
	}
	for range 7 {
		if _, _, err := s.ListDomains(ctx, org.ID, store.DomainFilter{Status: string(lifecycle.StatusExpiring)}, store.Page{Number: 1, PerPage: 10}); err != nil {
			t.Fatal(err)
		}
	}
	stmts, err := store.PreparedCounts(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) > 0 {
		t.Errorf("bounded count kept prepared:\n%s", strings.Join(stmts, "\n"))
	}
}

// TestExpiringCountReadsTheIndex checks that PostgreSQL counts the
// domains expiring without a floor from the urgency index alone, which
// holds the expiry, rather than from the rows: at 100,000 domains the rows
// were 2,700 pages read for a count that stops at the bound.
func TestExpiringCountReadsTheIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	s := storetest.Open(t, store.Postgres, store.Options{Now: func() time.Time { return now }})
	_, org, err := s.CreateAccount(ctx, "expiring@example.com", "h", "E")
	if err != nil {
		t.Fatal(err)
	}
	ds := make([]store.Domain, 2000)
	for i := range ds {
		ds[i] = store.Domain{Host: fmt.Sprintf("e%04d.example", i), Port: 443, Protocol: "tls"}
	}
	if _, err := s.CreateDomains(ctx, org.ID, ds); err != nil {
		t.Fatal(err)
	}
	// One domain in ten urgent, the rest far from it; all still valid.
	err = store.ExecScript(ctx, s, `UPDATE domains SET state_kind = 'valid',
		state_not_after = TIMESTAMPTZ '2026-06-01T00:00:00Z',
		state_urgent_at = CASE WHEN host < 'e0200' THEN TIMESTAMPTZ '2026-02-01T00:00:00Z' ELSE TIMESTAMPTZ '2026-05-01T00:00:00Z' END`)
	if err != nil {
		t.Fatal(err)
	}
	// As autovacuum leaves the table: its pages visible to all, so that an
	// index-only scan need not visit them.
	if err := store.ExecScript(ctx, s, "VACUUM ANALYZE domains"); err != nil {
		t.Fatal(err)
	}
	plan, err := store.DomainCountPlan(ctx, s, org.ID, store.DomainFilter{Status: string(lifecycle.StatusExpiring)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "Index Only Scan using domains_list_urgent") {
		t.Errorf("count plan\n%s\nwant an index-only scan of domains_list_urgent", plan)
	}
}
