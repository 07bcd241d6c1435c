package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// BenchmarkInventoryAtScale measures the inventory and insight queries of
// one organization with 100,000 domains on PostgreSQL, seeded by SQL in the
// benchmark's own schema (dropped afterwards). Run it alone, bounded:
//
//	go test -run '^$' -bench InventoryAtScale -benchtime 20x ./internal/store/
func BenchmarkInventoryAtScale(b *testing.B) {
	ctx := context.Background()
	s := storetest.Open(b, store.Postgres, store.Options{})
	tn := newTenant(b, s)
	seed, err := os.ReadFile("testdata/inventory_seed.sql")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	sql := strings.NewReplacer(":org", tn.orgID, ":agent", tn.agentID).Replace(string(seed))
	if err := store.ExecScript(ctx, s, sql); err != nil {
		b.Fatalf("seed: %v", err)
	}
	if err := store.RefillInventorySummary(ctx, s); err != nil {
		b.Fatalf("summary: %v", err)
	}
	// The fills leave dead rows behind that autovacuum would clear.
	if err := store.ExecScript(ctx, s, "VACUUM ANALYZE"); err != nil {
		b.Fatalf("vacuum: %v", err)
	}
	b.Logf("seeded 100,000 domains in %s", time.Since(start).Round(time.Millisecond))
	page := store.Page{Number: 1, PerPage: 50}
	yes := true
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"list", func() error {
			_, _, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{}, page)
			return err
		}},
		{"search", func() error {
			_, _, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{Query: "h4242"}, page)
			return err
		}},
		{"search_none", func() error {
			_, _, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{Query: "nowhere"}, page)
			return err
		}},
		{"filter_trust_serving", func() error {
			_, _, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{Trust: "untrusted", Serving: &yes}, page)
			return err
		}},
		{"page_1000", func() error {
			_, _, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{}, store.Page{Number: 1000, PerPage: 50})
			return err
		}},
		{"filter_agent", func() error {
			_, _, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{AgentID: tn.agentID}, page)
			return err
		}},
		{"filter_tag", func() error {
			_, _, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{Tag: "prod"}, page)
			return err
		}},
		{"sort_subject", func() error {
			_, _, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{Sort: "subject"}, page)
			return err
		}},
		{"sort_serving_desc", func() error {
			_, _, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{Sort: "-serving"}, page)
			return err
		}},
		{"page_places", func() error {
			items, _, err := s.ListCertificates(ctx, tn.orgID, store.CertificateFilter{}, page)
			if err != nil {
				return err
			}
			shas := make([]string, len(items))
			for i, it := range items {
				shas[i] = it.SHA256
			}
			if _, err := s.CertificateNames(ctx, shas); err != nil {
				return err
			}
			_, err = s.FirstServers(ctx, tn.orgID, shas, 3)
			return err
		}},
		{"servers_of_intermediate", func() error {
			sum := sha256.Sum256([]byte("ca0"))
			_, err := s.CertificateServers(ctx, tn.orgID, hex.EncodeToString(sum[:]))
			return err
		}},
		{"stale", func() error { _, err := s.StaleEndpoints(ctx, tn.orgID, ""); return err }},
		{"expiry_clusters_90d", func() error {
			now := time.Now()
			_, err := s.ExpiryClusters(ctx, tn.orgID, now, now.Add(90*24*time.Hour), 2, 20)
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
