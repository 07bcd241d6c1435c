package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestSaveResultsRefusedValue sends results that PostgreSQL refuses (a
// timestamp beyond its range) among good ones: the good ones are stored, the
// refused ones are rejected by index, and a replay answers the same outcome.
// SQLite takes such a timestamp, so there every result is stored.
func TestSaveResultsRefusedValue(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			tn := newTenant(t, s)
			now := time.Now().UTC()
			beyond := time.Date(300_000, 1, 1, 0, 0, 0, 0, time.UTC)
			var obs []store.Observation
			for i := range 5 {
				dom, err := s.CreateDomain(ctx, tn.orgID, store.Domain{Host: "h" + string(rune('a'+i)), Port: 443, Protocol: "tls", AgentID: &tn.agentID})
				if err != nil {
					t.Fatal(err)
				}
				o := store.Observation{ID: store.NewID(), DomainID: &dom.ID, ObservedAt: now, Error: "refused", ErrorKind: "refused", Index: 2 * i}
				if i == 1 || i == 3 {
					o.NotAfter = &beyond
				}
				obs = append(obs, o)
			}
			rs := store.ResultSet{BatchID: "b", AgentID: tn.agentID, Observations: obs, Rejected: `[{"index":1,"error":"bad base64"}]`}
			batch, err := s.SaveResults(ctx, tn.orgID, rs)
			if err != nil {
				t.Fatalf("save: %v", err)
			}
			type rejection struct {
				Index int
				Error string
			}
			var rejected []rejection
			if err := json.Unmarshal([]byte(batch.Rejected), &rejected); err != nil {
				t.Fatalf("rejected %q: %v", batch.Rejected, err)
			}
			wantAccepted, wantRejected := 5, []int{1}
			if d == store.Postgres {
				wantAccepted, wantRejected = 3, []int{1, 2, 6}
			}
			if batch.Accepted != wantAccepted || len(rejected) != len(wantRejected) {
				t.Fatalf("accepted %d, rejected %+v", batch.Accepted, rejected)
			}
			for i, r := range rejected {
				if r.Index != wantRejected[i] || r.Error == "" {
					t.Errorf("rejection %d: %+v, want index %d with a reason", i, r, wantRejected[i])
				}
			}
			for i, o := range obs {
				_, err := s.GetObservation(ctx, tn.orgID, o.ID)
				switch refused := i == 1 || i == 3; {
				case !refused && err != nil:
					t.Errorf("good observation %d: %v", i, err)
				case refused && d == store.Postgres && !errors.Is(err, store.ErrNotFound):
					t.Errorf("refused observation %d: %v, want not found", i, err)
				}
			}

			replay, err := s.SaveResults(ctx, tn.orgID, rs)
			if !errors.Is(err, store.ErrDuplicateBatch) || replay.Accepted != batch.Accepted || replay.Rejected != batch.Rejected {
				t.Errorf("replay: %v %+v, want the first outcome %+v", err, replay, batch)
			}
		})
	}
}
