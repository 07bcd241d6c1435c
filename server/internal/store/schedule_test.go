package store_test

import (
	"context"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
)

// TestUnchangedCheckIsNotDue: ingest makes a domain due for evaluation only
// when what the rules judge moved, or when it failed (a failure moves the
// count of failures in a row). A check that changes nothing leaves it
// alone, so that a round of unchanged checks costs no evaluation.
func TestUnchangedCheckIsNotDue(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		t0 := f.clk.t
		h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		steps := []struct {
			name  string
			check check
			due   bool
		}{
			{"first check", check{leaf: "v1", at: h(0)}, true},
			{"unchanged", check{leaf: "v1", at: h(1)}, false},
			{"unchanged from another address", check{leaf: "v1", address: "192.0.2.9:443", at: h(2)}, false},
			{"renewed", check{leaf: "v2", at: h(3)}, true},
			{"failed", check{errKind: "timeout", errText: "i/o timeout", at: h(4)}, true},
			{"failed again", check{errKind: "timeout", errText: "i/o timeout", at: h(5)}, true},
			{"recovered", check{leaf: "v2", at: h(6)}, true},
			{"unchanged after recovery", check{leaf: "v2", at: h(7)}, false},
		}
		for _, st := range steps {
			f.clk.t = st.check.at
			f.save(t, st.check)
			claim, err := f.s.ClaimDue(ctx, f.org, nil, 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if due := len(claim.DomainIDs) == 1; due != st.due {
				t.Fatalf("%s: due %v, want %v", st.name, due, st.due)
			}
			if err := f.s.Reschedule(ctx, claim, nil); err != nil {
				t.Fatal(err)
			}
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
