package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

func TestJoinTokenSpentOnceUnderRace(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			_, org, err := s.CreateAccount(ctx, "join@example.com", "h", "Org")
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "dc1", Prefix: "p", TokenHash: "agent-hash"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateAgentJoinToken(ctx, org.ID, a.ID, "join-hash", "cnl_join_x", time.Hour); err != nil {
				t.Fatal(err)
			}
			var spent atomic.Int32
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					tok, err := s.SpendAgentJoinToken(ctx, "join-hash")
					switch {
					case err == nil && tok.AgentID == a.ID && tok.OrganizationID == org.ID:
						spent.Add(1)
					case !errors.Is(err, store.ErrNotFound):
						t.Errorf("spend: %v", err)
					}
				}()
			}
			wg.Wait()
			if n := spent.Load(); n != 1 {
				t.Errorf("join token spent %d times, want once", n)
			}
			// Another organization cannot make one for this agent.
			_, other, err := s.CreateAccount(ctx, "other@example.com", "h", "Other")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateAgentJoinToken(ctx, other.ID, a.ID, "other-hash", "cnl_join_y", time.Hour); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("join token for another organization's agent: %v", err)
			}
		})
	}
}
