package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestAgentEnrollmentLifecycle: a pending enrollment expires after its
// time, is then listed as expired and can no longer be decided; decided
// and expired enrollments leave with the retention pass 30 days after
// they ended, pending ones never.
func TestAgentEnrollmentLifecycle(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
			s := storetest.Open(t, d, store.Options{Now: clk.now})
			_, org, err := s.CreateAccount(ctx, "enroll@example.com", "h", "Org")
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "dc1", Prefix: "p", TokenHash: "agent-hash"})
			if err != nil {
				t.Fatal(err)
			}
			request := func(n int) store.AgentEnrollment {
				t.Helper()
				hash := fmt.Sprint("join-hash-", n)
				if _, err := s.CreateAgentJoinToken(ctx, org.ID, a.ID, hash, "cnl_join_x", time.Hour); err != nil {
					t.Fatal(err)
				}
				tok, err := s.SpendAgentJoinToken(ctx, hash)
				if err != nil {
					t.Fatal(err)
				}
				e, err := s.CreateAgentEnrollment(ctx, org.ID, store.AgentEnrollment{AgentID: a.ID, JoinTokenID: tok.ID,
					CSR: "csr", KeyFingerprint: fmt.Sprint("sha256:", n)}, 24*time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				return e
			}
			states := func(state string) []string {
				t.Helper()
				list, total, err := s.ListAgentEnrollments(ctx, org.ID, state, store.Page{Number: 1, PerPage: 50})
				if err != nil || int(total) != len(list) {
					t.Fatalf("list %s: %d of %d, %v", state, len(list), total, err)
				}
				var ids []string
				for _, e := range list {
					if e.AgentName != "dc1" {
						t.Errorf("enrollment %s lists agent name %q", e.ID, e.AgentName)
					}
					ids = append(ids, e.KeyFingerprint)
				}
				return ids
			}

			rejected, lapsing := request(1), request(2)
			if _, err := s.RejectAgentEnrollment(ctx, org.ID, rejected.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RejectAgentEnrollment(ctx, org.ID, rejected.ID); !errors.Is(err, store.ErrEnrollmentDecided) {
				t.Errorf("second rejection: %v", err)
			}
			clk.t = clk.t.Add(24 * time.Hour)
			waiting := request(3)
			if got := fmt.Sprint(states(store.EnrollmentPending), states(store.EnrollmentExpired), states(store.EnrollmentRejected)); got != "[sha256:3] [sha256:2] [sha256:1]" {
				t.Errorf("pending, expired, rejected: %s", got)
			}
			if _, err := s.RejectAgentEnrollment(ctx, org.ID, lapsing.ID); !errors.Is(err, store.ErrEnrollmentExpired) {
				t.Errorf("rejecting an expired enrollment: %v", err)
			}
			cert := store.AgentCertificate{Serial: "ab", AgentID: a.ID, NotBefore: clk.t, NotAfter: clk.t.Add(time.Hour)}
			if _, err := s.ApproveAgentEnrollment(ctx, org.ID, lapsing.ID, cert, "pem"); !errors.Is(err, store.ErrEnrollmentExpired) {
				t.Errorf("approving an expired enrollment: %v", err)
			}
			if got, err := s.GetAgent(ctx, org.ID, a.ID); err != nil || got.CertSerial != "" {
				t.Errorf("agent after a refused approval: serial %q, %v", got.CertSerial, err)
			}

			// Day 31 after the rejection, day 30 after the expiry: only the
			// rejection is old enough.
			clk.t = clk.t.Add(30*24*time.Hour - time.Minute)
			n, err := s.Prune(ctx, store.Retention{Samples: 365 * day, Audit: 365 * day, Deliveries: 365 * day, ResultBatches: 365 * day}, 100)
			if err != nil || n.Enrollments != 1 {
				t.Fatalf("prune: %+v, %v", n, err)
			}
			if _, err := s.GetAgentEnrollment(ctx, org.ID, rejected.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("rejected enrollment after retention: %v", err)
			}
			for _, id := range []string{lapsing.ID, waiting.ID} {
				if _, err := s.GetAgentEnrollment(ctx, org.ID, id); err != nil {
					t.Errorf("enrollment %s pruned early: %v", id, err)
				}
			}
		})
	}
}
