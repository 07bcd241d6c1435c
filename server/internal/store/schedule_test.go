package store_test

import (
	"context"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
)

// TestUnchangedCheckIsNotDue: ingest makes a domain due for evaluation only
// when what the rules judge moved, or when a failure brings the count of
// failures in a row to the one the last evaluation said rules act at. A
// check that changes nothing, or a failure that repeats the held one below
// that count, leaves it alone, so that a round of unchanged checks (and of
// endpoints that stay down) costs no evaluation.
func TestUnchangedCheckIsNotDue(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		t0 := f.clk.t
		h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		timeout := func(n int) check { return check{errKind: "timeout", errText: "i/o timeout", at: h(n)} }
		steps := []struct {
			name  string
			check check
			due   bool
			next  store.NextDue // what the evaluation of a due domain sets
		}{
			{"first check", check{leaf: "v1", at: h(0)}, true, store.NextDue{Failures: 3}},
			{"unchanged", check{leaf: "v1", at: h(1)}, false, store.NextDue{}},
			{"unchanged from another address", check{leaf: "v1", address: "192.0.2.9:443", at: h(2)}, false, store.NextDue{}},
			{"renewed", check{leaf: "v2", at: h(3)}, true, store.NextDue{Failures: 3}},
			{"failed", timeout(4), true, store.NextDue{Failures: 3}},
			{"failed again, 2 of the 3 a rule waits for", timeout(5), false, store.NextDue{}},
			{"failed a third time", timeout(6), true, store.NextDue{}},
			{"failed a fourth time, no rule waits for more", timeout(7), false, store.NextDue{}},
			{"failed with another error text", check{errKind: "timeout", errText: "read: i/o timeout", at: h(8)}, true, store.NextDue{}},
			{"failed with another kind", check{errKind: "refused", errText: "read: i/o timeout", at: h(9)}, true, store.NextDue{Failures: 12}},
			{"failed again below the count", check{errKind: "refused", errText: "read: i/o timeout", at: h(10)}, false, store.NextDue{}},
			{"recovered", check{leaf: "v2", at: h(11)}, true, store.NextDue{}},
			{"unchanged after recovery", check{leaf: "v2", at: h(12)}, false, store.NextDue{}},
		}
		for _, st := range steps {
			f.clk.t = st.check.at
			batch := f.save(t, st.check)
			if batch.MadeDue != st.due {
				t.Errorf("%s: the batch says it made domains due %v, want %v", st.name, batch.MadeDue, st.due)
			}
			claim, err := f.s.ClaimDue(ctx, f.org, nil, 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if due := len(claim.DomainIDs) == 1; due != st.due {
				t.Fatalf("%s: due %v, want %v", st.name, due, st.due)
			}
			if err := f.s.Reschedule(ctx, claim, map[string]store.NextDue{f.domain: st.next}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestRuleChangeDuringEvaluationKeepsFailureDue: a rule change makes the
// count of failures at which rules act unknown again. A failure that
// repeats the held one while the evaluation of the new rules runs (it read
// the state before the failure) leaves its domain due, rather than let
// that evaluation settle the old count.
func TestRuleChangeDuringEvaluationKeepsFailureDue(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		t0 := f.clk.t
		h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		f.save(t, check{errKind: "timeout", errText: "i/o timeout", at: h(0)})
		claim, err := f.s.ClaimDue(ctx, f.org, nil, 10, time.Minute)
		if err != nil || len(claim.DomainIDs) != 1 {
			t.Fatalf("claim %v: %v", claim.DomainIDs, err)
		}
		// No rule reads the count: a repeated failure is not due.
		if err := f.s.Reschedule(ctx, claim, nil); err != nil {
			t.Fatal(err)
		}
		f.clk.t = h(1)
		if _, err := f.s.CreateAlertRule(ctx, f.org, store.AlertRule{Name: "down", Enabled: true, ScopeAll: true,
			Events: []string{"unreachable"}, UnreachableAfter: 2}); err != nil {
			t.Fatal(err)
		}
		claim, err = f.s.ClaimDue(ctx, f.org, nil, 10, time.Minute)
		if err != nil || len(claim.DomainIDs) != 1 {
			t.Fatalf("claim after the rule change %v: %v", claim.DomainIDs, err)
		}
		// The second failure arrives while the claim's evaluation runs.
		if batch := f.save(t, check{errKind: "timeout", errText: "i/o timeout", at: h(1)}); !batch.MadeDue {
			t.Error("a failure during the evaluation of a rule change is not due")
		}
		// The evaluation saw one failure: the rule acts at the second.
		if err := f.s.Reschedule(ctx, claim, map[string]store.NextDue{f.domain: {Failures: 2}}); err != nil {
			t.Fatal(err)
		}
		claim, err = f.s.ClaimDue(ctx, f.org, nil, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(claim.DomainIDs) != 1 {
			t.Error("the domain is not due after its second failure under the new rule")
		}
	})
}

// TestUnchangedCheckLeavesDomainRow: a check that changes nothing the list
// filters or sorts by writes no row of domains (whose many indexes made
// that write the largest of an unchanged check); a change of state does.
func TestUnchangedCheckLeavesDomainRow(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		if err := store.WatchDomainWrites(ctx, f.s); err != nil {
			t.Fatal(err)
		}
		t0 := f.clk.t
		h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		steps := []struct {
			name  string
			check check
			write bool
		}{
			{"first check", check{leaf: "v1", at: h(0)}, true},
			{"unchanged", check{leaf: "v1", at: h(1)}, false},
			{"unchanged from another address", check{leaf: "v1", address: "192.0.2.9:443", at: h(2)}, false},
			// The served leaf is one of the list's columns.
			{"renewed", check{leaf: "v2", at: h(3)}, true},
			{"failed", check{errKind: "timeout", errText: "i/o timeout", at: h(4)}, true},
			{"failed again", check{errKind: "timeout", errText: "i/o timeout", at: h(5)}, false},
			{"recovered", check{leaf: "v2", at: h(6)}, true},
			{"unchanged after recovery", check{leaf: "v2", at: h(7)}, false},
		}
		var before int64
		for _, st := range steps {
			f.clk.t = st.check.at
			f.save(t, st.check)
			n, err := store.CountRows(ctx, f.s, "domain_writes")
			if err != nil {
				t.Fatal(err)
			}
			if wrote := n > before; wrote != st.write {
				t.Errorf("%s: wrote the domain's row %v, want %v", st.name, wrote, st.write)
			}
			before = n
		}
	})
}
