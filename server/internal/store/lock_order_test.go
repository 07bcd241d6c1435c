package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestConcurrentBatchesLockInOneOrder: two batches on PostgreSQL whose
// failed checks (domains due for evaluation) and flagged backends (due
// too) are crossed, A failing on D and flagging E while B fails on E and
// flags D, run side by side, each tried once. Marking D and then E due in
// one and E and then D in the other deadlocks; one order for the whole
// transaction lets them wait in turn.
func TestConcurrentBatchesLockInOneOrder(t *testing.T) {
	const rounds, perSet = 10, 200
	ctx := context.Background()
	s := storetest.Open(t, store.Postgres, store.Options{})
	_, org, err := s.CreateAccount(ctx, "x@example.com", "h", "X")
	if err != nil {
		t.Fatal(err)
	}
	ids := createDomains(t, s, org.ID, rounds*2*perSet)
	now := s.Now()
	failed := func(domains []string) []store.Observation {
		obs := make([]store.Observation, len(domains))
		for i := range domains {
			obs[i] = store.Observation{ID: store.NewID(), DomainID: &domains[i], ObservedAt: now,
				Error: "connection refused", ErrorKind: "refused"}
		}
		return obs
	}
	// Every domain has a state and a schedule row before the rounds.
	if _, err := s.SaveResults(ctx, org.ID, store.ResultSet{BatchID: "seed", Observations: failed(ids), Rejected: "[]"}); err != nil {
		t.Fatal(err)
	}
	batch := func(name string, fail, flag []string) store.ResultSet {
		return store.ResultSet{BatchID: name, Observations: failed(fail), Rejected: "[]",
			Backends: store.BackendBatch{DomainIDs: flag, Since: now, Flagged: flag}}
	}
	deadlocks := 0
	for r := range rounds {
		set := ids[r*2*perSet : (r+1)*2*perSet]
		d, e := set[:perSet], set[perSet:]
		batches := []store.ResultSet{batch(fmt.Sprint("a", r), d, e), batch(fmt.Sprint("b", r), e, d)}
		errs := make([]error, len(batches))
		var wg sync.WaitGroup
		for i, rs := range batches {
			wg.Go(func() { errs[i] = store.SaveResultsOnce(ctx, s, org.ID, rs) })
		}
		wg.Wait()
		for _, err := range errs {
			var pg *pgconn.PgError
			switch {
			case errors.As(err, &pg) && pg.Code == "40P01":
				deadlocks++
			case err != nil:
				t.Fatalf("round %d: %v", r, err)
			}
		}
	}
	if deadlocks > 0 {
		t.Errorf("%d of %d rounds deadlocked", deadlocks, rounds)
	}
}
