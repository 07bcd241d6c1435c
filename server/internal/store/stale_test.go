package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestStaleEndpointsManySharedNames has one stale domain whose certificate
// covers 40 names, each also covered by a renewal that 30 other domains
// serve, and a second stale domain elsewhere. Both are found: the answer
// is capped in domains, not in the name-by-server pairs behind them (1,200
// here), which once crowded the second domain out.
func TestStaleEndpointsManySharedNames(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			tn := newTenant(t, s)
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			var names []string
			for i := range 40 {
				names = append(names, fmt.Sprintf("n%d.example", i))
			}
			hex := func(c byte) string {
				b := make([]byte, 64)
				for i := range b {
					b[i] = c
				}
				return string(b)
			}
			old := inventoryCert(hex('a'), "CN=shared", t0, 90, false, names...)
			renewed := inventoryCert(hex('b'), "CN=shared", t0.AddDate(0, 2, 0), 90, false, names...)
			other := inventoryCert(hex('c'), "CN=other", t0, 90, false, "other.example")
			otherRenewed := inventoryCert(hex('d'), "CN=other", t0.AddDate(0, 1, 0), 90, false, "other.example")

			domain := func(host string) string {
				t.Helper()
				dom, err := s.CreateDomain(ctx, tn.orgID, store.Domain{Host: host, Port: 443, Protocol: "tls", AgentID: &tn.agentID})
				if err != nil {
					t.Fatal(err)
				}
				return dom.ID
			}
			staleA, staleZ := domain("a.example"), domain("z.example")
			obs := []store.Observation{served(staleA, t0, "trusted", old), served(staleZ, t0, "trusted", other),
				served(domain("y.example"), t0, "trusted", otherRenewed)}
			for i := range 30 {
				obs = append(obs, served(domain(fmt.Sprintf("m%02d.example", i)), t0, "trusted", renewed))
			}
			rs := store.ResultSet{BatchID: "stale", AgentID: tn.agentID, Observations: obs,
				Certificates: []store.Certificate{old, renewed, other, otherRenewed}}
			if _, err := s.SaveResults(ctx, tn.orgID, rs); err != nil {
				t.Fatal(err)
			}

			got, err := s.StaleEndpoints(ctx, tn.orgID, "")
			if err != nil {
				t.Fatal(err)
			}
			want := []store.StaleEndpoint{
				{DomainID: staleA, Host: "a.example", Port: 443, Name: "n0.example", ServedSHA256: old.SHA256, NewerSHA256: renewed.SHA256, NewerHost: "m00.example", NewerPort: 443},
				{DomainID: staleZ, Host: "z.example", Port: 443, Name: "other.example", ServedSHA256: other.SHA256, NewerSHA256: otherRenewed.SHA256, NewerHost: "y.example", NewerPort: 443},
			}
			if len(got) != len(want) {
				t.Fatalf("stale endpoints %+v, want a.example and z.example", got)
			}
			for i, w := range want {
				g := got[i]
				if g.DomainID != w.DomainID || g.ServedSHA256 != w.ServedSHA256 || g.NewerSHA256 != w.NewerSHA256 ||
					g.NewerHost != w.NewerHost || g.NewerPort != w.NewerPort || g.Name != w.Name {
					t.Errorf("stale %d: %+v, want %+v", i, g, w)
				}
			}

			one, err := s.StaleEndpoints(ctx, tn.orgID, staleZ)
			if err != nil || len(one) != 1 || one[0].DomainID != staleZ {
				t.Errorf("stale endpoints of z.example: %+v %v", one, err)
			}

			// A later renewal sharing fewer names supersedes the first: the
			// name shown is the least of those it shares, kept with it.
			later := inventoryCert(hex('e'), "CN=shared", t0.AddDate(0, 3, 0), 90, false, names[7:12]...)
			rs = store.ResultSet{BatchID: "later", AgentID: tn.agentID, Certificates: []store.Certificate{later},
				Observations: []store.Observation{served(domain("b.example"), t0.Add(time.Hour), "trusted", later)}}
			if _, err := s.SaveResults(ctx, tn.orgID, rs); err != nil {
				t.Fatal(err)
			}
			one, err = s.StaleEndpoints(ctx, tn.orgID, staleA)
			if err != nil || len(one) != 1 || one[0].NewerSHA256 != later.SHA256 || one[0].Name != "n10.example" {
				t.Errorf("stale endpoints of a.example after a later renewal: %+v %v, want %s and n10.example", one, err, later.SHA256)
			}
		})
	}
}
