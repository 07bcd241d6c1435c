package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestFirstServersReadOnlyTheOrganizationsChains: the first servers of a
// CA certificate that another, large organization serves too are read
// from the caller's own chain rows, not by walking the other's.
func TestFirstServersReadOnlyTheOrganizationsChains(t *testing.T) {
	storetest.SkipUnlessSelected(t, store.Postgres)
	ctx := context.Background()
	s := storetest.Open(t, store.Postgres, store.Options{})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ca := inventoryCert(strings.Repeat("c", 64), "CN=Shared CA", t0.AddDate(-1, 0, 0), 3650, true)
	leaf := inventoryCert(strings.Repeat("a", 64), "CN=a.example", t0, 90, false, "a.example")
	var small string
	for i, n := range []int{600, 1} { // the small organization's domain sorts last
		_, org, err := s.CreateAccount(ctx, fmt.Sprintf("scope%d@example.com", i), "h", "P")
		if err != nil {
			t.Fatal(err)
		}
		ds := make([]store.Domain, n)
		for j := range ds {
			ds[j] = store.Domain{Host: fmt.Sprintf("h%04d.example", j), Port: 443, Protocol: "tls"}
		}
		if ds, err = s.CreateDomains(ctx, org.ID, ds); err != nil {
			t.Fatal(err)
		}
		obs := make([]store.Observation, len(ds))
		for j, d := range ds {
			obs[j] = served(d.ID, t0, "trusted", leaf, ca)
		}
		rs := store.ResultSet{BatchID: "b" + org.ID, Observations: obs, Certificates: []store.Certificate{ca, leaf}}
		if _, err := s.SaveResults(ctx, org.ID, rs); err != nil {
			t.Fatal(err)
		}
		small = org.ID
	}
	storetest.Analyze(t, s)
	var got map[string][]store.ServingDomain
	read, err := store.RowsRead(ctx, s, "domain_chains", func() error {
		var err error
		got, err = s.FirstServers(ctx, small, []string{ca.SHA256}, 3)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got[ca.SHA256]) != 1 {
		t.Fatalf("servers of the CA: %+v, want the organization's one domain", got[ca.SHA256])
	}
	if read > 10 {
		t.Errorf("listing one organization's server of a shared CA read %d chain rows", read)
	}
}
