package store_test

import (
	"context"
	"fmt"
	"testing"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestBatchOverParameterLimit: a batch of more results than PostgreSQL
// takes parameters in one statement (65,535) is stored, every domain's
// state with it.
func TestBatchOverParameterLimit(t *testing.T) {
	const n = 70_000
	ctx := context.Background()
	s := storetest.Open(t, store.Postgres, store.Options{})
	_, org, err := s.CreateAccount(ctx, "x@example.com", "h", "X")
	if err != nil {
		t.Fatal(err)
	}
	ids := createDomains(t, s, org.ID, n)
	// Failed checks: what is read and locked per domain is the same as
	// for a served chain, without the inventory's work per certificate.
	now := s.Now()
	obs := make([]store.Observation, n)
	for i := range ids {
		obs[i] = store.Observation{ID: store.NewID(), DomainID: &ids[i], ObservedAt: now,
			Error: "connection refused", ErrorKind: "refused"}
	}
	batch, err := s.SaveResults(ctx, org.ID, store.ResultSet{BatchID: "large", Observations: obs, Rejected: "[]"})
	if err != nil || batch.Accepted != n {
		t.Fatalf("batch: %+v, %v", batch, err)
	}
	if got, err := store.CountRows(ctx, s, "domain_states"); err != nil || got != n {
		t.Errorf("%d domain states (%v), want %d", got, err, n)
	}
}

// createDomains adds n domains to the organization and returns their IDs.
func createDomains(t *testing.T, s *store.Store, orgID string, n int) []string {
	t.Helper()
	ds := make([]store.Domain, n)
	for i := range ds {
		ds[i] = store.Domain{Host: fmt.Sprintf("h%06d.example.com", i), Port: 443, Protocol: "tls"}
	}
	ds, err := s.CreateDomains(context.Background(), orgID, ds)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	return ids
}
