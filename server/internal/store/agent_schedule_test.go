package store_test

import (
	"context"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// An evaluation that read an agent before its check-in does not set the
// agent's time from what it read: the agent stays due, so that the next
// pass sees it back, rather than never looking at it again.
func TestRescheduleAgentsKeepsACheckInSinceTheRead(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
			s := storetest.Open(t, d, store.Options{Now: clk.now})
			_, org, err := s.CreateAccount(ctx, "due@example.com", "h", "Org")
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "dc1", Prefix: "p", TokenHash: "hash"})
			if err != nil {
				t.Fatal(err)
			}
			due := func() []store.Agent {
				t.Helper()
				in, _, err := s.LoadAgentInput(ctx, org.ID, nil, 10)
				if err != nil {
					t.Fatal(err)
				}
				return in.Agents
			}
			if got := due(); len(got) != 0 {
				t.Fatalf("never checked in, yet due: %+v", got)
			}
			if err := s.TouchAgent(ctx, org.ID, a.ID, "1.0", "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
			read := due()
			if len(read) != 1 || read[0].EvalDueAt == nil {
				t.Fatalf("after its first check-in: %+v, want the agent due", read)
			}
			clk.t = clk.t.Add(9 * time.Hour)
			if err := s.TouchAgent(ctx, org.ID, a.ID, "1.0", "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
			// Judged offline from the first read: no next time.
			stale := store.AgentTime{ID: a.ID, SeenAt: read[0].LastSeenAt, DueAt: read[0].EvalDueAt}
			if err := s.RescheduleAgents(ctx, []store.AgentTime{stale}); err != nil {
				t.Fatal(err)
			}
			again := due()
			if len(again) != 1 {
				t.Fatalf("checked in after the read: %+v, want the agent still due", again)
			}
			next := clk.t.Add(8 * time.Hour)
			fresh := store.AgentTime{ID: a.ID, SeenAt: again[0].LastSeenAt, DueAt: again[0].EvalDueAt, Next: &next}
			if err := s.RescheduleAgents(ctx, []store.AgentTime{fresh}); err != nil {
				t.Fatal(err)
			}
			if got := due(); len(got) != 0 {
				t.Fatalf("rescheduled from a current read: %+v, want none due", got)
			}
			clk.t = next
			if got := due(); len(got) != 1 || !got[0].EvalDueAt.Equal(next) {
				t.Fatalf("at its time: %+v, want the agent due at %s", got, next)
			}
		})
	}
}

// A later batch of due agents lists those of its agents whose certificate
// is overdue for renewal, and no others, as the first batch does.
func TestLaterAgentBatchesListTheirOverdueCertificates(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			clk := &clock{t: start}
			s := storetest.Open(t, d, store.Options{Now: clk.now})
			_, org, err := s.CreateAccount(ctx, "batches@example.com", "h", "Org")
			if err != nil {
				t.Fatal(err)
			}
			var agents []store.Agent
			for _, name := range []string{"dc1", "dc2", "dc3"} {
				a, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: name, Prefix: "p", TokenHash: "hash-" + name})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.TouchAgent(ctx, org.ID, a.ID, "1.0", "10.0.0.1"); err != nil {
					t.Fatal(err)
				}
				agents = append(agents, a)
			}
			overdue := agents[2]
			if err := s.RecordAgentCertificate(ctx, org.ID, store.AgentCertificate{Serial: "c1", AgentID: overdue.ID,
				NotBefore: start, NotAfter: start.Add(10 * time.Hour)}, store.CertEnrolled); err != nil {
				t.Fatal(err)
			}
			clk.t = start.Add(9 * time.Hour)
			var after *store.DueKey
			for batch := 1; batch <= len(agents); batch++ {
				in, last, err := s.LoadAgentInput(ctx, org.ID, after, 1)
				if err != nil {
					t.Fatal(err)
				}
				if batch > 1 {
					want := 0
					if len(in.Agents) == 1 && in.Agents[0].ID == overdue.ID {
						want = 1
					}
					if len(in.AgentCerts) != want || (want == 1 && in.AgentCerts[0].ID != overdue.ID) {
						t.Errorf("batch %d of agents %+v: overdue certificates %+v", batch, in.Agents, in.AgentCerts)
					}
				}
				if last == nil {
					break
				}
				after = last
			}
		})
	}
}
