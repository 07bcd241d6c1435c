package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// naturalHosts is in natural order: numbers inside names and addresses
// compare as numbers, case is ignored.
var naturalHosts = []string{
	"10.0.0.2",
	"10.0.0.10",
	"127.0.1.9",
	"127.0.1.15",
	"127.0.1.100",
	"a.example",
	"web2.example",
	"Web10.example",
	"web10a.example",
}

func hostsOf(vs []store.DomainView) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Host
	}
	return out
}

// TestHostSortIsNatural checks sort=host in both directions, by numbered
// pages and by cursor, for domains stored by every write path: one at a
// time, in a batch, and renamed by an update.
func TestHostSortIsNatural(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
			fx := listFixture{s: storetest.Open(t, d, store.Options{Now: clk.now}), clk: clk}
			_, org, err := fx.s.CreateAccount(ctx, "natural@example.com", "h", "N")
			if err != nil {
				t.Fatal(err)
			}
			fx.orgID = org.ID
			// Stored out of order; the last host is first stored under
			// another name and renamed.
			shuffled := []string{"127.0.1.100", "web2.example", "10.0.0.10", "a.example", "127.0.1.15", "Web10.example", "10.0.0.2", "web10a.example"}
			for _, h := range shuffled[:4] {
				if _, err := fx.s.CreateDomain(ctx, org.ID, store.Domain{Host: h, Port: 443, Protocol: "tls"}); err != nil {
					t.Fatal(err)
				}
			}
			var batch []store.Domain
			for _, h := range shuffled[4:] {
				batch = append(batch, store.Domain{Host: h, Port: 443, Protocol: "tls"})
			}
			if _, err := fx.s.CreateDomains(ctx, org.ID, batch); err != nil {
				t.Fatal(err)
			}
			renamed, err := fx.s.CreateDomain(ctx, org.ID, store.Domain{Host: "zzz.example", Port: 443, Protocol: "tls"})
			if err != nil {
				t.Fatal(err)
			}
			renamed.Host = "127.0.1.9"
			if _, err := fx.s.UpdateDomain(ctx, org.ID, renamed); err != nil {
				t.Fatal(err)
			}
			reversed := slices.Clone(naturalHosts)
			slices.Reverse(reversed)
			for _, desc := range []bool{false, true} {
				want := naturalHosts
				if desc {
					want = reversed
				}
				f := store.DomainFilter{Sort: "host", Desc: desc}
				if got := hostsOf(fx.listAll(t, f)); !slices.Equal(got, want) {
					t.Errorf("desc=%v: listed\n%s\nwant\n%s", desc, strings.Join(got, " "), strings.Join(want, " "))
				}
				for _, per := range []int{1, 2, 4} {
					if got := hostsOf(fx.walk(t, f, per)); !slices.Equal(got, want) {
						t.Errorf("desc=%v per=%d: cursor pages\n%s\nwant\n%s", desc, per, strings.Join(got, " "), strings.Join(want, " "))
					}
				}
			}
		})
	}
}

// TestHostKeyBackfill checks that domains stored before migration 00048
// sort naturally once the store has started.
func TestHostKeyBackfill(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := openAtVersion(t, d, 47)
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			if err := store.ExecRaw(ctx, s, "INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'O', ?)", now); err != nil {
				t.Fatal(err)
			}
			for i, h := range []string{"127.0.1.100", "127.0.1.15", "web10.example", "web2.example"} {
				if err := store.ExecRaw(ctx, s, "INSERT INTO domains (id, organization_id, host, port, protocol, created_at, updated_at) VALUES (?, 'o1', ?, 443, 'tls', ?, ?)",
					string(rune('a'+i)), h, now, now); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got, _, err := s.ListDomains(ctx, "o1", store.DomainFilter{Sort: "host"}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"127.0.1.15", "127.0.1.100", "web2.example", "web10.example"}
			if !slices.Equal(hostsOf(got), want) {
				t.Errorf("after the upgrade: %v, want %v", hostsOf(got), want)
			}
		})
	}
}
