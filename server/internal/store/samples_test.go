package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// historyFixture is one organization with one agent's domain, and the
// certificates its checks serve.
type historyFixture struct {
	s      *store.Store
	clk    *clock
	org    string
	agent  string
	domain string
	certs  map[string]store.Certificate
	n      int
}

func newHistoryFixture(t *testing.T, d store.Dialect) *historyFixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	s := storetest.Open(t, d, store.Options{Now: clk.now})
	_, org, err := s.CreateAccount(ctx, "h@example.com", "h", "H")
	if err != nil {
		t.Fatal(err)
	}
	agent, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	f := &historyFixture{s: s, clk: clk, org: org.ID, agent: agent.ID, certs: map[string]store.Certificate{}}
	f.domain = f.addDomain(t, "www.example")
	return f
}

func (f *historyFixture) addDomain(t *testing.T, host string) string {
	t.Helper()
	dom, err := f.s.CreateDomain(context.Background(), f.org, store.Domain{Host: host, Port: 443, Protocol: "tls", AgentID: &f.agent})
	if err != nil {
		t.Fatal(err)
	}
	return dom.ID
}

// cert names a certificate; its fingerprint is derived from the name.
func (f *historyFixture) cert(name string) string {
	sum := sha256.Sum256([]byte(name))
	sha := hex.EncodeToString(sum[:])
	if _, ok := f.certs[sha]; !ok {
		nb := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		f.certs[sha] = store.Certificate{SHA256: sha, DER: []byte(name), Subject: "CN=" + name, Issuer: "CN=CA",
			Serial: name, NotBefore: nb, NotAfter: nb.AddDate(1, 0, 0)}
	}
	return sha
}

// check describes one result; an empty leaf is a failed check.
type check struct {
	domain, leaf, errKind, errText, tls, address string
	at                                           time.Time
}

func (f *historyFixture) observation(c check) store.Observation {
	o := store.Observation{ID: store.NewID(), DomainID: &c.domain, AgentID: &f.agent, ObservedAt: c.at, Address: c.address,
		DurationMS: int64(c.at.Minute()), TLSVersion: c.tls, Error: c.errText, ErrorKind: c.errKind}
	if c.leaf != "" {
		leaf, ca := f.cert(c.leaf), f.cert("intermediate")
		na := f.certs[leaf].NotAfter
		o.LeafSHA256, o.Chain, o.NotAfter, o.CipherSuite = leaf, []string{leaf, ca}, &na, "TLS_AES_128_GCM_SHA256"
		o.VerdictStatus, o.TrustStatus = "ok", "trusted"
		o.Verdict = fmt.Sprintf(`{"status":"ok","days_left":%d}`, int(na.Sub(c.at).Hours()/24))
	}
	return o
}

// save stores the checks as one batch received at the fixture's clock.
func (f *historyFixture) save(t *testing.T, checks ...check) store.ResultBatch {
	t.Helper()
	f.n++
	rs := store.ResultSet{BatchID: fmt.Sprintf("batch-%d", f.n), AgentID: f.agent, Rejected: "[]"}
	for _, c := range checks {
		if c.domain == "" {
			c.domain = f.domain
		}
		rs.Observations = append(rs.Observations, f.observation(c))
	}
	for _, c := range f.certs {
		rs.Certificates = append(rs.Certificates, c)
	}
	batch, err := f.s.SaveResults(context.Background(), f.org, rs)
	if err != nil {
		t.Fatal(err)
	}
	return batch
}

func (f *historyFixture) count(t *testing.T, table string) int64 {
	t.Helper()
	n, err := store.CountRows(context.Background(), f.s, table)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// withHistory runs fn on a fresh fixture of each database, in parallel.
func withHistory(t *testing.T, fn func(t *testing.T, f *historyFixture)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, newHistoryFixture(t, d))
		})
	}
}

// TestChangeOnlyHistory: a check that changes nothing moves the domain's
// state and its current sample's counters and writes no observation or
// chain row; a renewed leaf, a new error kind or a new TLS version writes
// one sample. What the detail page reads stays right throughout.
func TestChangeOnlyHistory(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		t0 := f.clk.t
		h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		steps := []struct {
			name    string
			checks  []check
			samples int64
		}{
			{"first check", []check{{leaf: "v1", tls: "TLS 1.3", address: "192.0.2.1:443", at: h(0)}}, 1},
			{"unchanged", []check{{leaf: "v1", tls: "TLS 1.3", address: "192.0.2.1:443", at: h(1)}}, 1},
			{"unchanged from another address", []check{{leaf: "v1", tls: "TLS 1.3", address: "192.0.2.2:443", at: h(2)}}, 1},
			{"renewed leaf", []check{{leaf: "v2", tls: "TLS 1.3", address: "192.0.2.1:443", at: h(3)}}, 2},
			{"new error kind", []check{{errKind: "timeout", errText: "i/o timeout", at: h(4)}}, 3},
			{"same error kind, other text", []check{{errKind: "timeout", errText: "deadline exceeded", at: h(5)}}, 3},
			{"another error kind", []check{{errKind: "refused", errText: "connection refused", at: h(6)}}, 4},
			{"new TLS version", []check{{leaf: "v2", tls: "TLS 1.2", address: "192.0.2.1:443", at: h(7)}}, 5},
			{"two unchanged checks in one batch", []check{
				{leaf: "v2", tls: "TLS 1.2", address: "192.0.2.1:443", at: h(9)},
				{leaf: "v2", tls: "TLS 1.2", address: "192.0.2.3:443", at: h(8)},
			}, 5},
			{"late result", []check{{errKind: "dns", errText: "no such host", at: h(-1)}}, 6},
		}
		for _, st := range steps {
			f.save(t, st.checks...)
			if got := f.count(t, "observations"); got != st.samples {
				t.Fatalf("%s: %d observation rows, want %d", st.name, got, st.samples)
			}
		}
		// Chains: v1 and v2 (twice: another TLS version) with their
		// intermediate, two certificates each.
		if got := f.count(t, "observation_certificates"); got != 6 {
			t.Errorf("%d chain rows, want 6", got)
		}

		state, err := f.s.DomainStateOf(ctx, f.org, f.domain)
		if err != nil {
			t.Fatal(err)
		}
		if !state.CheckedAt.Equal(h(9)) || state.ConsecutiveFailures != 0 {
			t.Errorf("state checked at %v (want %v), %d failures", state.CheckedAt, h(9), state.ConsecutiveFailures)
		}
		cur, err := f.s.GetObservation(ctx, f.org, state.ObservationID)
		if err != nil {
			t.Fatal(err)
		}
		if !cur.ObservedAt.Equal(h(7)) || !cur.LastObservedAt.Equal(h(9)) || cur.Checks != 3 || cur.Address != "192.0.2.1:443" {
			t.Errorf("current sample: first %v last %v, %d checks, address %s; want %v %v 3 192.0.2.1:443",
				cur.ObservedAt, cur.LastObservedAt, cur.Checks, cur.Address, h(7), h(9))
		}
		chain, err := f.s.ObservationChain(ctx, f.org, state.ObservationID)
		if err != nil || len(chain) != 2 || chain[0].SHA256 != f.cert("v2") {
			t.Errorf("current chain: %v %+v", err, chain)
		}

		history, err := f.s.DomainHistory(ctx, f.org, f.domain)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range history {
			got = append(got, fmt.Sprintf("%s %d %s-%s", strings.TrimPrefix(c.Subject, "CN="), c.Count,
				c.FirstSeen.Sub(t0), c.LastSeen.Sub(t0)))
		}
		if want := "v2 4 3h0m0s-9h0m0s|v1 3 0s-2h0m0s"; strings.Join(got, "|") != want {
			t.Errorf("history %q, want %q", strings.Join(got, "|"), want)
		}
		changes, err := f.s.DomainChanges(ctx, f.org, f.domain, 10)
		if err != nil || len(changes) != 1 || changes[0].NewSHA256 != f.cert("v2") {
			t.Errorf("changes: %v %+v", err, changes)
		}
		errs, err := f.s.DomainErrors(ctx, f.org, f.domain, 10)
		if err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		for _, e := range errs {
			got = append(got, fmt.Sprintf("%s %d %s", e.ErrorKind, e.Checks, e.LastObservedAt.Sub(t0)))
		}
		if want := "refused 1 6h0m0s|timeout 2 5h0m0s|dns 1 -1h0m0s"; strings.Join(got, "|") != want {
			t.Errorf("errors %q, want %q", strings.Join(got, "|"), want)
		}
	})
}

// TestRepeatedFailuresCount: a failure that repeats writes no sample but
// still counts in the domain's state, which alerting reads.
func TestRepeatedFailuresCount(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		for i := range 3 {
			f.save(t, check{errKind: "refused", errText: "connection refused", at: f.clk.t.Add(time.Duration(i) * time.Hour)})
		}
		state, err := f.s.DomainStateOf(context.Background(), f.org, f.domain)
		if err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "observations"); n != 1 || state.ConsecutiveFailures != 3 || !state.FailingSince.Equal(f.clk.t) {
			t.Errorf("%d samples, %d failures since %v; want 1, 3 since %v", n, state.ConsecutiveFailures, state.FailingSince, f.clk.t)
		}
	})
}

// TestSamplesStoredBefore: a sample from before change-only history (no
// last-seen time, no key) reads as one check, counts in the history, is
// replaced by the next check and then pruned like any other.
func TestSamplesStoredBefore(t *testing.T) {
	withHistory(t, func(t *testing.T, f *historyFixture) {
		ctx := context.Background()
		t0 := f.clk.t
		f.save(t, check{leaf: "v1", tls: "TLS 1.3", at: t0})
		state, err := f.s.DomainStateOf(ctx, f.org, f.domain)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.MakeLegacySample(ctx, f.s, state.ObservationID); err != nil {
			t.Fatal(err)
		}
		if o, err := f.s.GetObservation(ctx, f.org, state.ObservationID); err != nil || !o.LastObservedAt.Equal(t0) {
			t.Fatalf("legacy sample: %v, last observed %v", err, o.LastObservedAt)
		}
		f.save(t, check{leaf: "v1", tls: "TLS 1.3", at: t0.Add(time.Hour)})
		f.save(t, check{leaf: "v1", tls: "TLS 1.3", at: t0.Add(2 * time.Hour)})
		if n := f.count(t, "observations"); n != 2 {
			t.Errorf("%d samples, want the legacy one and one new", n)
		}
		history, err := f.s.DomainHistory(ctx, f.org, f.domain)
		if err != nil || len(history) != 1 || history[0].Count != 3 || !history[0].FirstSeen.Equal(t0) || !history[0].LastSeen.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("history: %v %+v", err, history)
		}
		f.clk.t = t0.Add(31 * day)
		n, err := f.s.Prune(ctx, store.Retention{Samples: 30 * day, Audit: 365 * day, Deliveries: 90 * day, ResultBatches: 365 * day}, 100)
		if err != nil || n.Samples != 1 {
			t.Errorf("prune: %v %+v", err, n)
		}
	})
}
