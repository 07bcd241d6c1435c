package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
)

// judged stores one judged check of the fixture's domain, its verdict
// standing for a day, and returns the domain's held chain.
func (f *historyFixture) judged(t *testing.T, c check, key string) store.HeldChain {
	t.Helper()
	f.n++
	c.domain = f.domain
	o := f.observation(c)
	until := c.at.Add(24 * time.Hour)
	o.ChainKey, o.JudgedUntil = key, &until
	rs := store.ResultSet{BatchID: fmt.Sprintf("batch-%d", f.n), AgentID: f.agent, Rejected: "[]", Observations: []store.Observation{o}}
	for _, c := range f.certs {
		rs.Certificates = append(rs.Certificates, c)
	}
	if _, err := f.s.SaveResults(context.Background(), f.org, rs); err != nil {
		t.Fatal(err)
	}
	held, err := f.s.HeldChains(context.Background(), f.org, f.agent, []string{f.domain})
	if err != nil {
		t.Fatal(err)
	}
	return held[f.domain]
}

// repeat stores one repeat as a batch of its own.
func (f *historyFixture) repeat(r store.Repeat) (store.ResultBatch, error) {
	f.n++
	rs := store.ResultSet{BatchID: fmt.Sprintf("batch-%d", f.n), AgentID: f.agent, Rejected: "[]", Repeats: []store.Repeat{r}}
	return f.s.SaveResults(context.Background(), f.org, rs)
}

// TestRepeatMovesStateInPlace: a check stored as a repeat moves its
// domain's state and current sample forward as a judged check that changes
// nothing does (check time, counters, address, duration), keeps the
// verdict, writes no observation or chain row, and counts as accepted.
func TestRepeatMovesStateInPlace(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		t0 := f.clk.t
		held := f.judged(t, check{leaf: "v1", tls: "TLS 1.3", address: "192.0.2.1:443", at: t0}, "key-1")
		if held.ChainKey != "key-1" || held.JudgedUntil == nil || !held.JudgedUntil.Equal(t0.Add(24*time.Hour)) || !held.CheckedAt.Equal(t0) {
			t.Fatalf("held chain %+v", held)
		}
		before, err := f.s.GetObservation(ctx, f.org, held.ObservationID)
		if err != nil {
			t.Fatal(err)
		}
		f.clk.t = t0.Add(2 * time.Hour)
		batch, err := f.repeat(store.Repeat{DomainID: f.domain, ObservationID: held.ObservationID, ChainKey: "key-1",
			ObservedAt: t0.Add(2 * time.Hour), Address: "192.0.2.9:443", DurationMS: 42, HandshakeError: "reset after handshake"})
		if err != nil || batch.Accepted != 1 {
			t.Fatalf("repeat: %v, %+v", err, batch)
		}
		if n := f.count(t, "observations"); n != 1 {
			t.Errorf("%d observation rows, want 1", n)
		}
		state, err := f.s.DomainStateOf(ctx, f.org, f.domain)
		if err != nil {
			t.Fatal(err)
		}
		if !state.CheckedAt.Equal(t0.Add(2*time.Hour)) || state.ObservationID != held.ObservationID || state.VerdictStatus != "ok" {
			t.Errorf("state %+v", state)
		}
		cur, err := f.s.GetObservation(ctx, f.org, held.ObservationID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Checks != 2 || !cur.LastObservedAt.Equal(t0.Add(2*time.Hour)) || cur.Address != "192.0.2.9:443" ||
			cur.DurationMS != 42 || cur.HandshakeError != "reset after handshake" || cur.Verdict != before.Verdict {
			t.Errorf("current sample %+v", cur)
		}
		// The certificates it serves were seen again, as a judged check
		// notes once lastSeenStep has passed.
		certs, _, err := f.s.ListCertificates(ctx, f.org, store.CertificateFilter{}, store.Page{Number: 1, PerPage: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range certs {
			if !c.LastSeen.Equal(t0.Add(2 * time.Hour)) {
				t.Errorf("certificate %s last seen %v, want %v", c.Subject, c.LastSeen, t0.Add(2*time.Hour))
			}
		}
	})
}

// TestRepeatOfMovedStateStoresNothing: a repeat whose state moved since it
// was read (another sample, another chain, a verdict whose term passed, or
// a newer check) fails its batch with ErrRepeatMoved and stores nothing,
// not even the batch marker, so the batch can be judged and stored in full.
func TestRepeatOfMovedStateStoresNothing(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		t0 := f.clk.t
		held := f.judged(t, check{leaf: "v1", tls: "TLS 1.3", address: "192.0.2.1:443", at: t0}, "key-1")
		at := t0.Add(time.Hour)
		for _, tc := range []struct {
			name   string
			repeat store.Repeat
			now    time.Time
		}{
			{"another sample", store.Repeat{ObservationID: store.NewID(), ChainKey: "key-1", ObservedAt: at}, at},
			{"another chain", store.Repeat{ObservationID: held.ObservationID, ChainKey: "key-2", ObservedAt: at}, at},
			{"verdict's term passed", store.Repeat{ObservationID: held.ObservationID, ChainKey: "key-1", ObservedAt: at}, t0.Add(25 * time.Hour)},
			{"older than the state", store.Repeat{ObservationID: held.ObservationID, ChainKey: "key-1", ObservedAt: t0.Add(-time.Hour)}, at},
		} {
			f.clk.t = tc.now
			tc.repeat.DomainID = f.domain
			if _, err := f.repeat(tc.repeat); !errors.Is(err, store.ErrRepeatMoved) {
				t.Errorf("%s: %v, want ErrRepeatMoved", tc.name, err)
			}
		}
		if n := f.count(t, "result_batches"); n != 1 {
			t.Errorf("%d batch markers, want the judged batch's only", n)
		}
		state, err := f.s.DomainStateOf(ctx, f.org, f.domain)
		if err != nil || !state.CheckedAt.Equal(t0) {
			t.Errorf("state: %v %+v", err, state)
		}
		cur, err := f.s.GetObservation(ctx, f.org, held.ObservationID)
		if err != nil || cur.Checks != 1 {
			t.Errorf("current sample: %v %+v", err, cur)
		}
	})
}

// TestHeldChainsScope: only the agent's own domains of the organization
// with a judged chain are held; judging the stored chains again (a new CA
// bundle, policy, window or revocation) ends their verdicts' term, so the
// next check is judged and records the new verdict.
func TestHeldChainsScope(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		t0 := f.clk.t
		held := f.judged(t, check{leaf: "v1", tls: "TLS 1.3", address: "192.0.2.1:443", at: t0}, "key-1")
		other, err := f.s.CreateAgent(ctx, f.org, store.Agent{Name: "b", Prefix: "q", TokenHash: "h2"})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.s.HeldChains(ctx, f.org, other.ID, []string{f.domain}); err != nil || len(got) != 0 {
			t.Errorf("another agent holds %v (%v)", got, err)
		}
		_, org2, err := f.s.CreateAccount(ctx, "o2@example.com", "o2", "O2")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.s.HeldChains(ctx, org2.ID, f.agent, []string{f.domain}); err != nil || len(got) != 0 {
			t.Errorf("another organization holds %v (%v)", got, err)
		}
		err = f.s.SaveVerdicts(ctx, f.org, []store.Reverdict{{DomainID: f.domain, ObservationID: held.ObservationID,
			Verdict: `{"status":"invalid"}`, VerdictStatus: "invalid", TrustStatus: "untrusted", Problems: []string{"untrusted"}}})
		if err != nil {
			t.Fatal(err)
		}
		expired := func(what string) {
			t.Helper()
			got, err := f.s.HeldChains(ctx, f.org, f.agent, []string{f.domain})
			if err != nil || got[f.domain].JudgedUntil != nil {
				t.Errorf("after %s: %+v (%v), want no term", what, got[f.domain], err)
			}
		}
		expired("judging again")
		// What judging rests on changed: the organization's CA bundles or
		// policy (a request to judge again), the domain's name or renewal
		// fraction (an update).
		f.judged(t, check{leaf: "v1", tls: "TLS 1.3", address: "192.0.2.1:443", at: t0.Add(time.Hour)}, "key-1")
		if err := f.s.RequestRejudge(ctx, f.org); err != nil {
			t.Fatal(err)
		}
		expired("a request to judge again")
		f.judged(t, check{leaf: "v1", tls: "TLS 1.3", address: "192.0.2.1:443", at: t0.Add(2 * time.Hour)}, "key-1")
		dom, err := f.s.GetDomain(ctx, f.org, f.domain, 0)
		if err != nil {
			t.Fatal(err)
		}
		fraction := 0.5
		dom.Domain.RenewAfterFraction = &fraction
		if _, err := f.s.UpdateDomain(ctx, f.org, dom.Domain); err != nil {
			t.Fatal(err)
		}
		expired("an update of the domain")
	})
}
