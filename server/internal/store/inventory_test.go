package store_test

import (
	"context"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// inventoryCert makes a certificate for the inventory tests; its DER only
// has to be unique.
func inventoryCert(sha, subject string, notBefore time.Time, days int, ca bool, names ...string) store.Certificate {
	return store.Certificate{SHA256: sha, DER: []byte(sha), Subject: subject, Issuer: "CN=Test CA", Serial: sha[:4],
		NotBefore: notBefore, NotAfter: notBefore.Add(time.Duration(days) * 24 * time.Hour), KeyType: "ECDSA",
		KeyBits: 256, IsCA: ca, Names: names, Facts: "{}"}
}

// served is one result: a domain serving a chain, seen at a time, with a
// trust verdict.
func served(domainID string, at time.Time, trust string, chain ...store.Certificate) store.Observation {
	o := store.Observation{ID: store.NewID(), DomainID: &domainID, ObservedAt: at, TrustStatus: trust, VerdictStatus: "valid"}
	for _, c := range chain {
		o.Chain = append(o.Chain, c.SHA256)
	}
	o.LeafSHA256 = o.Chain[0]
	na := chain[0].NotAfter
	o.NotAfter = &na
	return o
}

// TestInventorySummaryFollowsStates keeps the inventory's summary (serving
// counts and trust) right while certificates are renewed, results arrive
// late or twice, and domains are deleted, on both databases: after every
// step the summary equals a recount over the current states, and the
// inventory answers what the step implies.
func TestInventorySummaryFollowsStates(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			tn := newTenant(t, s)
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			ca := inventoryCert("1111111111111111111111111111111111111111111111111111111111111111", "CN=Test CA", t0.AddDate(-1, 0, 0), 3650, true)
			old := inventoryCert("2222222222222222222222222222222222222222222222222222222222222222", "CN=x.example", t0, 90, false, "x.example")
			renewed := inventoryCert("3333333333333333333333333333333333333333333333333333333333333333", "CN=x.example", t0.AddDate(0, 2, 0), 90, false, "x.example")
			doms := []string{tn.domainID}
			for _, h := range []string{"b.example", "c.example"} {
				dom, err := s.CreateDomain(ctx, tn.orgID, store.Domain{Host: h, Port: 443, Protocol: "tls", AgentID: &tn.agentID})
				if err != nil {
					t.Fatal(err)
				}
				doms = append(doms, dom.ID)
			}
			batches := 0
			save := func(certs []store.Certificate, obs ...store.Observation) store.ResultSet {
				t.Helper()
				batches++
				rs := store.ResultSet{BatchID: string(rune('a' + batches)), AgentID: tn.agentID, Observations: obs, Certificates: certs}
				if _, err := s.SaveResults(ctx, tn.orgID, rs); err != nil {
					t.Fatalf("save: %v", err)
				}
				return rs
			}
			expect := func(step string, want map[string]int, trust map[string]string) {
				t.Helper()
				drift, err := store.InventoryDrift(ctx, s, tn.orgID)
				if err != nil || len(drift) > 0 {
					t.Fatalf("%s: summary differs from a recount for %v (%v)", step, drift, err)
				}
				for sha, n := range want {
					it, err := s.GetCertificate(ctx, tn.orgID, sha)
					if err != nil {
						t.Fatalf("%s: %v", step, err)
					}
					if it.Serving != n || it.Trust != trust[sha] {
						t.Errorf("%s: %s… serving %d trust %q, want %d %q", step, sha[:4], it.Serving, it.Trust, n, trust[sha])
					}
				}
			}

			save([]store.Certificate{ca, old},
				served(doms[0], t0, "trusted", old, ca), served(doms[1], t0, "trusted", old, ca), served(doms[2], t0, "trusted", old, ca))
			expect("first check", map[string]int{ca.SHA256: 3, old.SHA256: 3}, map[string]string{old.SHA256: "trusted"})

			renewal := save([]store.Certificate{ca, renewed}, served(doms[0], t0.Add(time.Hour), "trusted", renewed, ca))
			expect("renewal", map[string]int{ca.SHA256: 3, old.SHA256: 2, renewed.SHA256: 1},
				map[string]string{old.SHA256: "trusted", renewed.SHA256: "trusted"})

			// A spooled result older than the current state changes nothing.
			save([]store.Certificate{ca, old}, served(doms[0], t0.Add(time.Minute), "trusted", old, ca))
			if _, err := s.SaveResults(ctx, tn.orgID, renewal); err == nil {
				t.Fatal("replayed batch stored again")
			}
			expect("late result and replay", map[string]int{ca.SHA256: 3, old.SHA256: 2, renewed.SHA256: 1},
				map[string]string{old.SHA256: "trusted", renewed.SHA256: "trusted"})

			if err := s.DeleteDomain(ctx, tn.orgID, doms[1]); err != nil {
				t.Fatal(err)
			}
			expect("domain deleted", map[string]int{ca.SHA256: 2, old.SHA256: 1, renewed.SHA256: 1},
				map[string]string{old.SHA256: "trusted", renewed.SHA256: "trusted"})

			save([]store.Certificate{ca, renewed}, served(doms[2], t0.Add(2*time.Hour), "untrusted", renewed, ca))
			expect("last copy renewed", map[string]int{ca.SHA256: 2, old.SHA256: 0, renewed.SHA256: 2},
				map[string]string{old.SHA256: "", renewed.SHA256: "untrusted"})

			// A failed check serves no chain.
			failed := store.Observation{ID: store.NewID(), DomainID: &doms[2], ObservedAt: t0.Add(3 * time.Hour), Error: "refused", ErrorKind: "refused"}
			save(nil, failed)
			expect("check failed", map[string]int{ca.SHA256: 1, old.SHA256: 0, renewed.SHA256: 1},
				map[string]string{old.SHA256: "", renewed.SHA256: "trusted"})

			past, total, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{Query: "x.example"}, store.Page{Number: 2, PerPage: 10})
			if err != nil || len(past) != 0 || total != 2 {
				t.Errorf("search past the last page: %d items of %d (%v), want none of 2", len(past), total, err)
			}

			yes, no := true, false
			for _, c := range []struct {
				name string
				f    store.CertificateFilter
				want []string
			}{
				{"serving", store.CertificateFilter{Serving: &yes}, []string{renewed.SHA256, ca.SHA256}},
				{"not serving", store.CertificateFilter{Serving: &no}, []string{old.SHA256}},
				{"trust", store.CertificateFilter{Trust: "trusted"}, []string{renewed.SHA256}},
				{"search", store.CertificateFilter{Query: "x.example"}, []string{old.SHA256, renewed.SHA256}},
				{"fingerprint", store.CertificateFilter{Query: "3333"}, []string{renewed.SHA256}},
				{"whole fingerprint", store.CertificateFilter{Query: renewed.SHA256}, []string{renewed.SHA256}},
				{"between fingerprints", store.CertificateFilter{Query: "23"}, nil},
				{"ca", store.CertificateFilter{CA: &yes}, []string{ca.SHA256}},
			} {
				items, total, err := s.ListCertificates(ctx, tn.orgID, c.f, store.Page{Number: 1, PerPage: 10})
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				var got []string
				for _, it := range items {
					got = append(got, it.SHA256)
				}
				if total != int64(len(c.want)) || len(got) != len(c.want) {
					t.Errorf("%s: %d %v, want %v", c.name, total, got, c.want)
					continue
				}
				for i := range got {
					if got[i] != c.want[i] {
						t.Errorf("%s: %v, want %v (soonest expiry first)", c.name, got, c.want)
						break
					}
				}
			}
		})
	}
}
