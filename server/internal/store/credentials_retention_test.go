package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestPruneExpiredCredentials: expired sessions, reset links and login
// challenges go; live ones stay and still work.
func TestPruneExpiredCredentials(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := &storetest.Clock{}
			s := storetest.Open(t, d, store.Options{Now: clk.Now})
			u, o, err := s.CreateAccount(ctx, "prune@example.com", "hash", "Prune Inc")
			if err != nil {
				t.Fatal(err)
			}
			now := s.Now()
			for i, life := range []time.Duration{time.Hour, 3 * time.Hour} {
				hash := []string{"old", "live"}[i]
				if err := s.CreateSession(ctx, store.Session{TokenHash: "session-" + hash, UserID: u.ID, OrganizationID: o.ID, CreatedAt: now, ExpiresAt: now.Add(life)}); err != nil {
					t.Fatal(err)
				}
				if err := s.CreatePasswordReset(ctx, u.ID, "reset-"+hash, life); err != nil {
					t.Fatal(err)
				}
				if err := s.CreateLoginChallenge(ctx, u.ID, "challenge-"+hash, life); err != nil {
					t.Fatal(err)
				}
			}
			clk.Advance(2 * time.Hour)
			n, err := s.Prune(ctx, store.Retention{Samples: 1000 * time.Hour, Audit: 1000 * time.Hour, Deliveries: 1000 * time.Hour, ResultBatches: 1000 * time.Hour}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if n.Credentials != 3 {
				t.Errorf("pruned %d credentials, want 3: %+v", n.Credentials, n)
			}
			if _, err := s.SessionByHash(ctx, "session-live"); err != nil {
				t.Errorf("live session: %v", err)
			}
			if _, err := s.TakeLoginAttempt(ctx, "challenge-live", 5); err != nil {
				t.Errorf("live challenge: %v", err)
			}
			if _, err := s.ResetPassword(ctx, "reset-live", "new hash"); err != nil {
				t.Errorf("live reset link: %v", err)
			}
			if _, err := s.ResetPassword(ctx, "reset-old", "new hash"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("expired reset link: %v", err)
			}
		})
	}
}
