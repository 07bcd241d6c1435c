package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
)

// otherOrg is a second organization with an agent and a domain, to prove
// that nothing crosses tenants.
func otherOrg(t *testing.T, f *historyFixture) (orgID, agentID, domainID string) {
	t.Helper()
	ctx := context.Background()
	_, org, err := f.s.CreateAccount(ctx, "o@example.com", "h", "O")
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.s.CreateAgent(ctx, org.ID, store.Agent{Name: "b", Prefix: "q", TokenHash: "h2"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.s.CreateDomain(ctx, org.ID, store.Domain{Host: "other.example", Port: 443, Protocol: "tls", AgentID: &a.ID})
	if err != nil {
		t.Fatal(err)
	}
	return org.ID, a.ID, d.ID
}

// TestAgentCommands: a command waits until the agent acknowledges it; one
// handed out without an ack is handed out again after a while, and no
// organization reaches another's agent.
func TestAgentCommands(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		other, otherAgent, _ := otherOrg(t, f)
		if err := f.s.EnqueueCommand(ctx, other, f.agent, "check", `{}`); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("command for another organization's agent: %v, want ErrNotFound", err)
		}
		if err := f.s.EnqueueCommand(ctx, f.org, f.agent, "check", `{"target_ids":["x"]}`); err != nil {
			t.Fatal(err)
		}
		if got, err := f.s.TakeCommands(ctx, other, otherAgent); err != nil || len(got) != 0 {
			t.Fatalf("another agent took %d commands (%v), want none", len(got), err)
		}
		first, err := f.s.TakeCommands(ctx, f.org, f.agent)
		if err != nil || len(first) != 1 || first[0].Kind != "check" || first[0].Payload != `{"target_ids":["x"]}` {
			t.Fatalf("take: %+v %v, want the check command", first, err)
		}
		if again, _ := f.s.TakeCommands(ctx, f.org, f.agent); len(again) != 0 {
			t.Fatalf("a command just handed out came again at once")
		}
		f.clk.t = f.clk.t.Add(time.Minute)
		again, err := f.s.TakeCommands(ctx, f.org, f.agent)
		if err != nil || len(again) != 1 || again[0].ID != first[0].ID {
			t.Fatalf("unacknowledged command after a minute: %+v %v, want it again", again, err)
		}
		if err := f.s.AckCommands(ctx, other, f.agent, []string{first[0].ID}); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "agent_commands"); n != 1 {
			t.Fatalf("another organization's ack removed the command")
		}
		if err := f.s.AckCommands(ctx, f.org, f.agent, []string{first[0].ID}); err != nil {
			t.Fatal(err)
		}
		f.clk.t = f.clk.t.Add(time.Minute)
		if left, _ := f.s.TakeCommands(ctx, f.org, f.agent); len(left) != 0 || f.count(t, "agent_commands") != 0 {
			t.Fatalf("acknowledged command still there")
		}
	})
}

// TestCheckRequestCompletedByIngest: a check request is done once results
// for all its domains are stored after it.
func TestCheckRequestCompletedByIngest(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		other, _, foreign := otherOrg(t, f)
		if _, _, err := f.s.CreateCheckRequest(ctx, f.org, []string{f.domain, foreign}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("check request with another organization's domain: %v, want ErrNotFound", err)
		}
		second := f.addDomain(t, "two.example")
		req, domains, err := f.s.CreateCheckRequest(ctx, f.org, []string{f.domain, second, f.domain})
		if err != nil || len(domains) != 2 || len(req.Domains) != 2 {
			t.Fatalf("create: %+v %d domains, %v", req, len(domains), err)
		}
		f.clk.t = f.clk.t.Add(time.Second)
		f.save(t, check{leaf: "leaf", at: f.clk.t})
		got, err := f.s.GetCheckRequest(ctx, f.org, req.ID, 30)
		if err != nil || got.Done() {
			t.Fatalf("after one of two results: done %v, %v", got.Done(), err)
		}
		f.save(t, check{domain: second, leaf: "leaf2", at: f.clk.t})
		got, err = f.s.GetCheckRequest(ctx, f.org, req.ID, 30)
		if err != nil || !got.Done() {
			t.Fatalf("after both results: %+v %v, want done", got, err)
		}
		for _, d := range got.Domains {
			if d.CompletedAt == nil || !d.CompletedAt.Equal(f.clk.t) || d.Status != string(lifecycle.StatusOK) {
				t.Errorf("domain %s: completed %v status %q, want %v ok", d.DomainID, d.CompletedAt, d.Status, f.clk.t)
			}
		}
		if _, err := f.s.GetCheckRequest(ctx, other, req.ID, 30); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another organization read the request: %v", err)
		}
	})
}

// TestRejudge: a request is claimed by one pass at a time; new verdicts of
// current chains move the domain's status and make it due for evaluation;
// a verdict of a chain replaced meanwhile is dropped; a request made during
// a pass leaves the organization waiting once more.
func TestRejudge(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		f.save(t, check{leaf: "leaf", at: f.clk.t})
		// Evaluated since: nothing is due until re-judging says so.
		if _, err := f.s.ClaimDue(ctx, f.org, nil, 10, time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := f.s.RequestRejudge(ctx, f.org); err != nil {
			t.Fatal(err)
		}
		claim, ok, err := f.s.ClaimRejudge(ctx, time.Minute)
		if err != nil || !ok || claim.OrganizationID != f.org {
			t.Fatalf("claim: %+v %v %v", claim, ok, err)
		}
		if _, ok, _ := f.s.ClaimRejudge(ctx, time.Minute); ok {
			t.Fatal("a claimed organization was claimed twice")
		}
		chains, err := f.s.CurrentChains(ctx, f.org, "", 10)
		if err != nil || len(chains) != 1 || len(chains[0].DER) != 2 || string(chains[0].DER[0]) != "leaf" || string(chains[0].DER[1]) != "intermediate" {
			t.Fatalf("current chains: %+v %v", chains, err)
		}
		c := chains[0]
		stale := store.Reverdict{DomainID: c.Domain.ID, ObservationID: "not-current", Verdict: `{}`, VerdictStatus: "invalid", TrustStatus: "untrusted"}
		if err := f.s.SaveVerdicts(ctx, f.org, []store.Reverdict{stale}); err != nil {
			t.Fatal(err)
		}
		if st := f.status(t); st != string(lifecycle.StatusOK) {
			t.Fatalf("a verdict of another observation moved the status to %q", st)
		}
		if due, _ := f.s.DueOrganizations(ctx, f.org, "", 10); len(due) != 0 {
			t.Fatal("a dropped verdict made the domain due")
		}
		f.clk.t = f.clk.t.Add(time.Second)
		v := store.Reverdict{DomainID: c.Domain.ID, ObservationID: c.ObservationID, Verdict: `{"status":"invalid"}`,
			VerdictStatus: "invalid", TrustStatus: "untrusted", Problems: []string{"untrusted"}}
		if err := f.s.SaveVerdicts(ctx, f.org, []store.Reverdict{v}); err != nil {
			t.Fatal(err)
		}
		if st := f.status(t); st != string(lifecycle.StatusInvalid) {
			t.Fatalf("status after re-judging %q, want invalid", st)
		}
		if due, err := f.s.DueOrganizations(ctx, f.org, "", 10); err != nil || len(due) != 1 {
			t.Fatalf("re-judged domain not due for evaluation: %v %v", due, err)
		}
		if err := f.s.RequestRejudge(ctx, f.org); err != nil {
			t.Fatal(err)
		}
		if err := f.s.FinishRejudge(ctx, claim); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := f.s.ClaimRejudge(ctx, time.Minute); !ok {
			t.Fatal("a request made during the pass was dropped with it")
		}
	})
}

func (f *historyFixture) status(t *testing.T) string {
	t.Helper()
	v, err := f.s.GetDomain(context.Background(), f.org, f.domain, 30)
	if err != nil {
		t.Fatal(err)
	}
	return string(v.Status)
}
