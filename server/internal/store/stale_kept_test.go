package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestStaleEndpointsKept: the stale endpoints read off domains.state_stale
// and the kept name are those the query joining every stale leaf's domains
// found, through a renewal, a failure, an old leaf served anew, a second
// renewal, the newest leaf's only domain deleted, and a domain taking up a
// middle leaf.
func TestStaleEndpointsKept(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			tn := newTenant(t, s)
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			sha := func(c byte) string { return string(slices.Repeat([]byte{c}, 64)) }
			v1 := inventoryCert(sha('1'), "CN=v", t0, 90, false, "a.example", "z.example")
			v2 := inventoryCert(sha('2'), "CN=v", t0.AddDate(0, 1, 0), 90, false, "z.example", "a.example")
			v3 := inventoryCert(sha('3'), "CN=v", t0.AddDate(0, 2, 0), 90, false, "z.example")
			w1 := inventoryCert(sha('4'), "CN=w", t0, 90, false, "b.example", "c.example")
			w2 := inventoryCert(sha('5'), "CN=w", t0.AddDate(0, 1, 0), 90, false, "c.example")
			certs := []store.Certificate{v1, v2, v3, w1, w2}
			var domains []string
			for i := range 6 {
				dom, err := s.CreateDomain(ctx, tn.orgID, store.Domain{Host: fmt.Sprintf("d%d.example", i), Port: 443, Protocol: "tls", AgentID: &tn.agentID})
				if err != nil {
					t.Fatal(err)
				}
				domains = append(domains, dom.ID)
			}
			step := 0
			save := func(obs ...store.Observation) {
				t.Helper()
				step++
				rs := store.ResultSet{BatchID: fmt.Sprintf("b%d", step), AgentID: tn.agentID, Observations: obs, Certificates: certs}
				if _, err := s.SaveResults(ctx, tn.orgID, rs); err != nil {
					t.Fatal(err)
				}
			}
			at := func() time.Time { return t0.Add(time.Duration(step+1) * time.Hour) }
			failed := func(domain string) store.Observation {
				return store.Observation{ID: store.NewID(), DomainID: &domain, ObservedAt: at(), Error: "refused", ErrorKind: "refused"}
			}
			compare := func(name string, wantStale int) {
				t.Helper()
				for _, only := range append([]string{""}, domains...) {
					got, err := s.StaleEndpoints(ctx, tn.orgID, only)
					if err != nil {
						t.Fatal(err)
					}
					want, err := store.StaleEndpointsJoined(ctx, s, tn.orgID, only)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s (domain %q): %+v, want %+v", name, only, got, want)
					}
					if only == "" && len(got) != wantStale {
						t.Errorf("%s: %d stale endpoints, want %d: %+v", name, len(got), wantStale, got)
					}
				}
			}

			save(served(domains[0], at(), "trusted", v1), served(domains[1], at(), "trusted", v1), served(domains[2], at(), "trusted", w1))
			compare("nothing renewed", 0)
			save(served(domains[3], at(), "trusted", v2))
			compare("v2 served", 2)
			save(failed(domains[0]))
			compare("a stale domain fails", 1)
			save(served(domains[4], at(), "trusted", v1), served(domains[5], at(), "trusted", w2))
			compare("v1 served anew, w2 served", 3)
			save(served(domains[3], at(), "trusted", v3))
			compare("v2 renewed to v3", 3)
			if err := s.DeleteDomain(ctx, tn.orgID, domains[3]); err != nil {
				t.Fatal(err)
			}
			compare("v3's domain deleted", 1)
			save(served(domains[1], at(), "trusted", v2))
			compare("v2 served again", 2)
			save(served(domains[0], at(), "trusted", v2))
			compare("the failed domain serves v2", 2)
		})
	}
}
