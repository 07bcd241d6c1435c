package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// fileItems lists an organization's file items by path and entry.
func fileItems(t *testing.T, s *store.Store, orgID string) map[string]store.DomainView {
	t.Helper()
	views, total, err := s.ListDomains(context.Background(), orgID, store.DomainFilter{Kind: store.KindFile}, store.Page{Number: 1, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]store.DomainView, len(views))
	for _, v := range views {
		out[v.FilePath+"|"+v.FileEntry] = v
	}
	if int(total) != len(out) {
		t.Fatalf("total %d, listed %d", total, len(out))
	}
	return out
}

// TestFileSources creates file items on the first push that names them,
// finds the same items on the next, keeps organizations apart, bounds the
// items of one agent, lists an item's error, and deletes the items no push
// reported for the retention window.
func TestFileSources(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := &storetest.Clock{}
			s := storetest.Open(t, d, store.Options{Now: clock.Now})
			a := newTenant(t, s)
			_, orgB, err := s.CreateAccount(ctx, "b@example.com", "h", "B")
			if err != nil {
				t.Fatal(err)
			}
			agentB, err := s.CreateAgent(ctx, orgB.ID, store.Agent{Name: "b", Prefix: "q", TokenHash: "h2"})
			if err != nil {
				t.Fatal(err)
			}
			pem := store.FileKey{Host: "build01", Path: "/etc/ssl/web.pem"}
			jks := store.FileKey{Host: "build01", Path: "/opt/app/keystore.jks", Entry: "server"}

			first, refused, err := s.FileSources(ctx, a.orgID, a.agentID, []store.FileKey{pem, jks, pem}, []string{"pem", "jks", "pem"}, 10)
			if err != nil || len(refused) != 0 || len(first) != 2 {
				t.Fatalf("first push: %d items, refused %v, %v", len(first), refused, err)
			}
			if f := first[jks]; f.Protocol != store.FileProtocol || f.FileEntry != "server" || f.FileFormat != "jks" || f.Port != 0 || *f.AgentID != a.agentID {
				t.Fatalf("keystore item: %+v", f)
			}
			again, _, err := s.FileSources(ctx, a.orgID, a.agentID, []store.FileKey{pem}, []string{"pem"}, 10)
			if err != nil || again[pem].ID != first[pem].ID {
				t.Fatalf("second push made another item: %s then %s (%v)", first[pem].ID, again[pem].ID, err)
			}
			// The same host and path on another organization's agent is
			// that organization's own item.
			other, _, err := s.FileSources(ctx, orgB.ID, agentB.ID, []store.FileKey{pem}, []string{"pem"}, 10)
			if err != nil || other[pem].ID == first[pem].ID {
				t.Fatalf("organizations share a file item: %v", err)
			}
			if got := fileItems(t, s, a.orgID); len(got) != 2 {
				t.Fatalf("organization A lists %d file items, want its 2", len(got))
			}
			if got := fileItems(t, s, orgB.ID); len(got) != 1 || got[pem.Path+"|"].ID != other[pem].ID {
				t.Fatalf("organization B lists %v", got)
			}
			// File items are never handed to the agent as targets.
			targets, err := s.AgentTargets(ctx, a.orgID, a.agentID)
			if err != nil || len(targets) != 1 || targets[0].ID != a.domainID {
				t.Fatalf("targets: %v, %v", targets, err)
			}

			// The bound: 2 items held, a limit of 3 lets one more in.
			k3, k4 := store.FileKey{Host: "build01", Path: "/c.pem"}, store.FileKey{Host: "build01", Path: "/d.pem"}
			got, refused, err := s.FileSources(ctx, a.orgID, a.agentID, []store.FileKey{k3, k4, pem}, []string{"pem", "pem", "pem"}, 3)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := got[k3]; !ok || len(refused) != 1 || !errors.Is(refused[1], store.ErrTooManyFileSources) {
				t.Fatalf("bound: got %v, refused %v", got, refused)
			}
			if _, ok := got[pem]; !ok {
				t.Fatal("an existing item was refused by the bound")
			}

			// An item whose file went missing shows its error.
			now := clock.Now()
			missing := store.Observation{ID: store.NewID(), DomainID: ptr(first[jks].ID), ObservedAt: now,
				Error: "open /opt/app/keystore.jks: no such file or directory", ErrorKind: "file_missing"}
			kept := served(first[pem].ID, now, "trusted", inventoryCert(hexOf('e'), "CN=web", now.AddDate(0, -1, 0), 90, false))
			rs := store.ResultSet{BatchID: "files-1", AgentID: a.agentID, Observations: []store.Observation{missing, kept},
				Certificates: []store.Certificate{inventoryCert(hexOf('e'), "CN=web", now.AddDate(0, -1, 0), 90, false)}}
			if _, err := s.SaveResults(ctx, a.orgID, rs); err != nil {
				t.Fatal(err)
			}
			if v := fileItems(t, s, a.orgID)[jks.Path+"|server"]; v.ErrorKind != "file_missing" || v.Status != "unreachable" {
				t.Fatalf("error item: kind %q, status %q", v.ErrorKind, v.Status)
			}

			// Retention: a week later only the items reported since stay.
			clock.Advance(store.FileSourceRetention - time.Hour)
			later := served(first[pem].ID, clock.Now(), "trusted", inventoryCert(hexOf('e'), "CN=web", now.AddDate(0, -1, 0), 90, false))
			if _, err := s.SaveResults(ctx, a.orgID, store.ResultSet{BatchID: "files-2", AgentID: a.agentID, Observations: []store.Observation{later}}); err != nil {
				t.Fatal(err)
			}
			clock.Advance(2 * time.Hour)
			pruned, err := s.Prune(ctx, store.Retention{Samples: 90 * 24 * time.Hour, Audit: time.Hour, Deliveries: time.Hour, ResultBatches: time.Hour}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			left := fileItems(t, s, a.orgID)
			if _, ok := left[pem.Path+"|"]; !ok || len(left) != 1 || pruned.FileSources != 3 {
				t.Fatalf("after retention: %d pruned, left %v", pruned.FileSources, left)
			}
			// Organization B's item was not reported either; endpoints stay.
			if len(fileItems(t, s, orgB.ID)) != 0 {
				t.Fatal("organization B's unreported item was kept")
			}
			if _, err := s.GetDomain(ctx, a.orgID, a.domainID, 0); err != nil {
				t.Fatalf("an endpoint was pruned: %v", err)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func hexOf(c byte) string {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return string(b)
}
